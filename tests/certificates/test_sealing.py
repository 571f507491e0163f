"""Canonical encoding, Ed25519 seals, key rotation and the compact QR payload."""

import dataclasses
from decimal import Decimal

import pytest

from backend.certificates.keys import public_key_map, rotate_signing_key, signing_key_for
from backend.certificates.models import SigningKey
from backend.certificates.sealing import (
    CompactPayload,
    Seal,
    b64url_decode,
    canonical_json,
    compact_payload,
    content_digest,
    parse_qr_text,
    qr_text,
    sign_content,
    unwrap_private_key,
    verify_content,
)
from backend.errors import DomainError
from backend.extensions import db
from tests.certificates_shared.samples import sample_content

SECRET = "test-secret"


def issued_dict(**overrides) -> dict:
    return dataclasses.replace(sample_content("18"), certificate_no="530026180000001", **overrides).to_dict()


def test_canonical_json_is_sorted_compact_utf8_and_refuses_floats():
    encoded = canonical_json({"b": 1, "a": "植物", "c": Decimal("1.50")})
    assert encoded == '{"a":"植物","b":1,"c":"1.50"}'.encode()
    with pytest.raises(TypeError):
        canonical_json({"weight": 1.5})
    with pytest.raises(TypeError):
        sample_content("18", goods=()).__class__.from_dict({**issued_dict(), "goods": [{"description_zh": "x",
                                                                                        "net_weight": 1.5}]})


def test_content_dict_round_trips_and_keeps_decimals_exact():
    data = issued_dict()
    assert data["goods"][0]["net_weight"] == "8000.50"
    rebuilt = type(sample_content()).from_dict(data)
    assert rebuilt.to_dict() == data
    assert rebuilt.goods[0].net_weight == Decimal("8000.50")


def test_sign_and_verify_round_trip():
    key = signing_key_for("5300")
    db.session.commit()
    content = issued_dict()
    seal = sign_content(content, key=key, secret_key=SECRET)
    assert seal.alg == "Ed25519" and seal.key_id == key.key_id and len(b64url_decode(seal.sig)) == 64
    assert verify_content(content, seal, public_key=key.public_key)
    assert verify_content(content, Seal.from_dict(seal.to_dict()), public_key=key.public_key)
    dataclass_form = dataclasses.replace(sample_content("18"), certificate_no="530026180000001")
    assert sign_content(dataclass_form, key=key, secret_key=SECRET) == seal  # Ed25519 is deterministic
    assert verify_content(dataclass_form, seal, public_key=key.public_key)
    assert not verify_content({**content, "remarks": 1.5}, seal, public_key=key.public_key)


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["consignor"].__setitem__("name_zh", "别的公司"),
        lambda c: c["goods"][0].__setitem__("net_weight", "8000.51"),
        lambda c: c["fields"].__setitem__("botanical_name", "Litchi sp."),
        lambda c: c.__setitem__("certificate_no", "530026180000002"),
        lambda c: c.__setitem__("remarks", "added later"),
    ],
)
def test_any_changed_field_breaks_the_seal(change):
    key = signing_key_for("5300")
    content = issued_dict()
    seal = sign_content(content, key=key, secret_key=SECRET)
    tampered = issued_dict()
    change(tampered)
    assert not verify_content(tampered, seal, public_key=key.public_key)


def test_tampered_signature_or_other_key_fails():
    key = signing_key_for("5300")
    other = signing_key_for("5100")
    content = issued_dict()
    seal = sign_content(content, key=key, secret_key=SECRET)
    flipped = seal.sig[:10] + ("A" if seal.sig[10] != "A" else "B") + seal.sig[11:]
    assert not verify_content(content, dataclasses.replace(seal, sig=flipped), public_key=key.public_key)
    assert not verify_content(content, seal, public_key=other.public_key)
    garbled = dataclasses.replace(seal, sig="not base64!")
    assert not verify_content(content, garbled, public_key=key.public_key)


def test_private_key_is_encrypted_at_rest_and_bound_to_secret_and_key_id():
    key = signing_key_for("5300")
    db.session.commit()
    private = unwrap_private_key(key.private_key_encrypted, key_id=key.key_id, secret_key=SECRET)
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    assert raw not in key.private_key_encrypted
    with pytest.raises(RuntimeError):
        unwrap_private_key(key.private_key_encrypted, key_id=key.key_id, secret_key="another-secret")
    with pytest.raises(RuntimeError):
        unwrap_private_key(key.private_key_encrypted, key_id="5300-000000-000000", secret_key=SECRET)


def test_rotated_out_key_still_verifies_old_certificates_but_cannot_sign():
    old = signing_key_for("5300")
    db.session.commit()
    content = issued_dict()
    old_seal = sign_content(content, key=old, secret_key=SECRET)
    new = rotate_signing_key(actor=None, district_code="5300")
    db.session.refresh(old)
    assert (old.status, new.status) == ("retired", "active") and old.retired_at is not None
    assert signing_key_for("5300").key_id == new.key_id
    published = public_key_map()
    assert verify_content(content, old_seal, public_key=published[old.key_id])
    with pytest.raises(DomainError) as refused:
        sign_content(content, key=old, secret_key=SECRET)
    assert refused.value.error == "certificate.key_retired"
    new_seal = sign_content(content, key=new, secret_key=SECRET)
    assert new_seal.key_id == new.key_id and verify_content(content, new_seal, public_key=new.public_key)
    active = db.session.execute(
        db.select(SigningKey).where(SigningKey.district_code == "5300", SigningKey.status == "active")
    ).scalars().all()
    assert [k.key_id for k in active] == [new.key_id]


def test_compact_payload_is_small_and_verifies_from_published_keys():
    key = signing_key_for("5300")
    db.session.commit()
    content = issued_dict()
    seal = sign_content(content, key=key, secret_key=SECRET)
    text = qr_text("http://localhost:5000", content, seal)
    assert text.startswith("http://localhost:5000/verify/530026180000001?s=C1.530026180000001.")
    assert len(text) < 260  # fits a version-11 QR code at error correction M
    payload = parse_qr_text(text)
    assert payload == compact_payload(content, seal)
    assert payload.digest == content_digest(content)
    assert payload.verify(public_key_map())
    assert CompactPayload.decode(payload.encode()) == payload
    forged = dataclasses.replace(payload, digest=content_digest(issued_dict(remarks="x")))
    assert not forged.verify(public_key_map())
    assert not dataclasses.replace(payload, certificate_no="530026180000002").verify(public_key_map())
    assert not payload.verify({})


@pytest.mark.parametrize("text", ["", "C1.1.2.3", "http://x/verify/1", "C1.5300.bad key.abc.def",
                                  "C2.530026180000001.5300-261127-abcdef." + "A" * 43 + "." + "A" * 86])
def test_malformed_payloads_are_refused(text):
    with pytest.raises(DomainError) as refused:
        parse_qr_text(text)
    assert refused.value.error == "certificate.invalid_payload"
