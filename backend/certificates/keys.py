"""Use cases of the signing keys: rotate a district's key, find the active one, publish public keys."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.certificates import errors  # noqa: F401  (error codes registered)
from backend.certificates.models import SigningKey
from backend.certificates.sealing import b64url, generate_key_material, public_jwk
from backend.certificates.workflow import KEYS
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import District


def _create_key(district_code: str) -> SigningKey:
    material = generate_key_material(
        district_code=district_code, secret_key=current_app.config["SECRET_KEY"], today=utcnow()
    )
    key = KEYS.new(
        SigningKey,
        key_id=material.key_id,
        district_code=district_code,
        algorithm="Ed25519",
        public_key=material.public_key,
        private_key_encrypted=material.private_key_encrypted,
        activated_at=utcnow(),
    )
    db.session.add(key)
    db.session.flush()
    return key


def _check_district(district_code: str) -> None:
    if db.session.get(District, district_code) is None:
        raise DomainError("certificate.unknown_district", errors={"district_code": ["unknown"]})


def _active_keys(district_code: str):
    """The district's active keys (one, but for a rotation's instant), as a query."""
    return db.select(SigningKey).where(
        SigningKey.district_code == district_code, SigningKey.status == "active"
    )


def _locked_active_keys(district_code: str) -> list[SigningKey]:
    return list(db.session.execute(_active_keys(district_code).with_for_update()).scalars())


def rotate_signing_key(*, actor: Actor | None, district_code: str) -> SigningKey:
    """A new active key for the district; the previous one is retired but stays published."""
    if actor is not None and actor.is_customs and actor.district_code != district_code:
        raise DomainError("resource.not_found")
    _check_district(district_code)
    now = utcnow()
    retired = []
    for old in _locked_active_keys(district_code):
        KEYS.apply(old, "retire", actor=actor)
        old.retired_at = now
        retired.append(old.key_id)
    db.session.flush()
    key = _create_key(district_code)
    record_event(
        action="certificate.signing_key_rotated", entity_type="signing_key", entity_id=key.key_id,
        actor=actor, before={"active": retired}, after={"active": key.key_id, "district_code": district_code},
        district_code=district_code,
    )
    db.session.commit()
    return key


def signing_key_for(district_code: str) -> SigningKey:
    """The district's active key, created on first use (within the caller's transaction)."""
    _check_district(district_code)
    keys = _locked_active_keys(district_code)
    if keys:
        return keys[0]
    try:
        with db.session.begin_nested():
            key = _create_key(district_code)
            record_event(
                action="certificate.signing_key_created", entity_type="signing_key", entity_id=key.key_id,
                actor=None, after={"district_code": district_code},
                district_code=district_code,
            )
        return key
    except IntegrityError:  # a concurrent transaction created it first
        keys = _locked_active_keys(district_code)
        if not keys:
            raise DomainError("certificate.no_signing_key") from None
        return keys[0]


def current_signing_key(district_code: str) -> SigningKey:
    """The district's active key for a signature that need not wait for a rotation, read without a lock:
    a key retired meanwhile stays published, so what it signed still verifies. Receipt messages are
    signed this way; certificates, whose seal names the key in force, use signing_key_for(). Created
    on first use like there."""
    key = db.session.execute(_active_keys(district_code).limit(1)).scalar_one_or_none()
    return key if key is not None else signing_key_for(district_code)


def public_key_entry(key: SigningKey) -> dict:
    """What the world may know about a key: ids, district, raw and JWK public key, status, validity."""
    district = db.session.get(District, key.district_code)
    return {
        "key_id": key.key_id,
        "district_code": key.district_code,
        "district_name_zh": district.name_zh if district else None,
        "district_name_en": district.name_en if district else None,
        "algorithm": key.algorithm,
        "public_key": b64url(key.public_key),
        "jwk": public_jwk(key_id=key.key_id, public_key=key.public_key),
        "status": key.status,
        "valid_from": key.activated_at,
        "valid_until": key.retired_at,
    }


def list_public_keys(*, district_code: str | None = None) -> list[dict]:
    """Every key ever used to sign (active and retired), newest first."""
    query = db.select(SigningKey).order_by(SigningKey.district_code, SigningKey.activated_at.desc(),
                                           SigningKey.id.desc())
    if district_code:
        query = query.where(SigningKey.district_code == district_code)
    return [public_key_entry(key) for key in db.session.execute(query).scalars()]


def public_key_map() -> dict[str, bytes]:
    """{key_id: raw public key} of every published key, for seal verification."""
    rows = db.session.execute(db.select(SigningKey.key_id, SigningKey.public_key)).all()
    return {key_id: bytes(public) for key_id, public in rows}


def public_key_for(key_id: str) -> bytes | None:
    """The raw public key of one published key, or None."""
    query = db.select(SigningKey.public_key).where(SigningKey.key_id == key_id)
    value = db.session.execute(query).scalar_one_or_none()
    return bytes(value) if value is not None else None
