"""Public keys, key rotation, the type catalog and public verification over HTTP."""

import dataclasses

import pytest

from backend.audit.models import AuditEvent
from backend.certificates.keys import signing_key_for
from backend.certificates.sealing import Seal, b64url_decode, compact_payload
from backend.certificates.service import issue_certificate, replace_certificate, withdraw_certificate
from backend.core.enums import Role
from backend.extensions import db
from tests.certificates_shared.samples import CONSIGNOR_ZH, sample_content

KEYS = "/api/v1/certificates/keys"


@pytest.fixture
def issued():
    return issue_certificate(actor=None, content=sample_content("18"))


def test_public_keys_need_no_token_and_list_raw_and_jwk_forms(client, issued):
    response = client.get(KEYS)
    assert response.status_code == 200
    (entry,) = response.get_json()["keys"]
    assert entry["key_id"] == issued.key_id and entry["district_code"] == "5300"
    assert entry["district_name_zh"] == "深圳海关" and entry["algorithm"] == "Ed25519"
    assert entry["status"] == "active" and entry["valid_from"] and entry["valid_until"] is None
    assert entry["jwk"] == {"kty": "OKP", "crv": "Ed25519", "x": entry["public_key"], "kid": issued.key_id,
                            "use": "sig", "alg": "EdDSA"}
    assert len(b64url_decode(entry["public_key"])) == 32
    assert "private" not in response.get_data(as_text=True).lower()
    assert response.headers["Cache-Control"] == "public, max-age=300"
    jwks = client.get("/api/v1/certificates/jwks.json")
    assert jwks.status_code == 200 and jwks.get_json() == {"keys": [entry["jwk"]]}


def test_keys_filter_by_district_and_refuse_bad_filters(client, issued):
    signing_key_for("5100")
    db.session.commit()
    assert len(client.get(KEYS).get_json()["keys"]) == 2
    filtered = client.get(f"{KEYS}?district_code=5100").get_json()["keys"]
    assert [k["district_code"] for k in filtered] == ["5100"]
    assert client.get(f"{KEYS}?district_code=53").status_code == 422


def test_rotation_needs_an_administrator_with_a_key_of_that_district(client, factories, issued):
    url = f"{KEYS}/rotate"
    body = {"district_code": "5300"}
    assert client.post(url, json=body).status_code == 401
    admin = factories.user(Role.ADMINISTRATOR, district_code="5300")
    refused = client.post(url, json=body, headers=factories.headers(admin))
    assert refused.status_code == 403 and refused.get_json()["error"] == "auth.key_required"
    officer = factories.user(Role.CERTIFICATE_OFFICER, district_code="5300")
    assert client.post(url, json=body, headers=factories.headers(officer, "key")).status_code == 403
    other = factories.user(Role.ADMINISTRATOR, district_code="5100")
    assert client.post(url, json=body, headers=factories.headers(other, "key")).status_code == 404
    rotated = client.post(url, json=body, headers=factories.headers(admin, "key"))
    assert rotated.status_code == 201
    new_id = rotated.get_json()["key_id"]
    statuses = {k["key_id"]: k["status"] for k in client.get(KEYS).get_json()["keys"]}
    assert statuses == {issued.key_id: "retired", new_id: "active"}
    audit = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "certificate.signing_key_rotated")
    ).scalar_one()
    assert (audit.entity_id, audit.actor_username, audit.assurance) == (new_id, admin.username, "key")
    assert audit.before == {"active": [issued.key_id]}
    # the old certificate still verifies after rotation
    verified = client.get(f"/api/v1/verify/{issued.certificate_no}").get_json()
    assert verified["seal_valid"] is True and verified["key_status"] == "retired"


def test_type_catalog_needs_a_login(client, factories):
    assert client.get("/api/v1/certificates/types").status_code == 401
    user = factories.user(Role.ENTERPRISE)
    types = client.get("/api/v1/certificates/types", headers=factories.headers(user)).get_json()
    assert [t["code"] for t in types] == ["11", "12", "13", "14", "15", "16", "17", "18", "19", "99"]
    assert types[7]["fields"][0]["key"] == "botanical_name"


def test_verify_api_reports_status_seal_and_scanned_payload(client, issued):
    number = issued.certificate_no
    body = client.get(f"/api/v1/verify/{number}").get_json()
    assert body["status"] == "valid" and body["seal_valid"] is True and body["payload_valid"] is None
    assert body["type_name_zh"] == "植物检疫证书" and body["issue_date"] == "2026-06-12"
    # Without the printed QR payload, walking sequential numbers reveals no business data.
    assert body["details_shown"] is False and body["consignor_zh"] is None and body["goods"] == []
    payload = compact_payload(issued.content, Seal.from_dict(issued.seal))
    good = client.get(f"/api/v1/verify/{number}", query_string={"s": payload.encode()}).get_json()
    assert good["payload_valid"] is True and good["details_shown"] is True
    assert good["consignor_zh"] == CONSIGNOR_ZH and good["goods"][0]["net_weight"] == "8000.50"
    forged = dataclasses.replace(payload, digest="A" * 43).encode()
    forged_check = client.get(f"/api/v1/verify/{number}", query_string={"s": forged}).get_json()
    assert forged_check["payload_valid"] is False and forged_check["consignor_zh"] is None
    junk = client.get(f"/api/v1/verify/{number}", query_string={"s": "junk"}).get_json()
    assert junk["payload_valid"] is False


def test_verify_unknown_number_is_404(client):
    for number in ("530026180009999", "not-a-number", "1" * 20):
        response = client.get(f"/api/v1/verify/{number}")
        assert response.status_code == 404 and response.get_json()["error"] == "certificate.not_found"


def test_verify_shows_replaced_and_withdrawn(client, factories, issued):
    from backend.core.auth import Actor
    from backend.core.enums import Assurance

    user = factories.user(Role.CERTIFICATE_OFFICER, district_code="5300")
    officer = Actor(user.id, user.username, Role.CERTIFICATE_OFFICER, Assurance.KEY, None, "5300", "s")
    new = replace_certificate(actor=officer, certificate_no=issued.certificate_no,
                              content=sample_content("18"), reason="更正")
    old = client.get(f"/api/v1/verify/{issued.certificate_no}").get_json()
    assert old["status"] == "replaced" and old["superseded_by"] == new.certificate_no
    withdraw_certificate(actor=officer, certificate_no=new.certificate_no, reason="撤证")
    assert client.get(f"/api/v1/verify/{new.certificate_no}").get_json()["status"] == "withdrawn"
    page = client.get(f"/verify/{issued.certificate_no}").get_data(as_text=True)
    assert "已被替换" in page and "Replaced" in page and new.certificate_no in page
    assert "已撤销" in client.get(f"/verify/{new.certificate_no}").get_data(as_text=True)


def test_verification_page_is_bilingual_html(client, issued):
    response = client.get(f"/verify/{issued.certificate_no}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    expected_texts = (
        "有效", "Valid", "植物检疫证书", "签章有效", "Seal valid", issued.key_id, "扫描证书上的二维码",
    )
    for expected in expected_texts:
        assert expected in page, expected
    assert CONSIGNOR_ZH not in page
    payload = compact_payload(issued.content, Seal.from_dict(issued.seal)).encode()
    scanned = client.get(f"/verify/{issued.certificate_no}", query_string={"s": payload})
    scanned = scanned.get_data(as_text=True)
    assert CONSIGNOR_ZH in scanned and "鲜荔枝" in scanned and "与证书一致" in scanned
    missing = client.get("/verify/530026189999999")
    assert missing.status_code == 404 and "未找到" in missing.get_data(as_text=True)


def test_public_operations_are_marked_public_in_openapi(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert paths["/api/v1/certificates/keys"]["get"]["security"] == []
    assert paths["/api/v1/certificates/jwks.json"]["get"]["security"] == []
    assert paths["/api/v1/verify/{certificate_no}"]["get"]["security"] == []
    assert paths["/api/v1/certificates/keys/rotate"]["post"]["x-assurance"] == "key"


def test_pdf_download_is_scoped_and_originals_are_for_certificate_officers(client, factories):
    owner = factories.enterprise()
    certificate = issue_certificate(actor=None, content=sample_content("18"), enterprise_id=owner.id)
    url = f"/api/v1/certificates/{certificate.certificate_no}/pdf"
    exporter = factories.user(Role.ENTERPRISE, enterprise=owner)
    refused = client.get(url, headers=factories.headers(exporter))
    assert refused.status_code == 403 and refused.get_json()["error"] == "auth.key_required"
    copy = client.get(url, headers=factories.headers(exporter, "key"))
    assert copy.status_code == 200 and copy.mimetype == "application/pdf" and copy.data.startswith(b"%PDF")
    own_original = client.get(f"{url}?variant=original", headers=factories.headers(exporter, "key"))
    assert own_original.status_code == 403
    stranger = factories.user(Role.ENTERPRISE)
    assert client.get(url, headers=factories.headers(stranger, "key")).status_code == 404
    far_officer = factories.user(Role.CERTIFICATE_OFFICER, district_code="5100")
    assert client.get(url, headers=factories.headers(far_officer, "key")).status_code == 404
    officer = factories.user(Role.CERTIFICATE_OFFICER, district_code="5300")
    headers = factories.headers(officer, "key")
    first = client.get(f"{url}?variant=original", headers=headers)
    assert first.status_code == 200 and first.headers["X-Certificate-Variant"] == "original"
    second = client.get(f"{url}?variant=original", headers=headers)
    assert second.status_code == 200 and second.headers["X-Certificate-Variant"] == "duplicate_original"
    assert "duplicate_original.pdf" in second.headers["Content-Disposition"]
    db.session.refresh(certificate)
    assert certificate.originals_printed == 2
    assert client.get(f"{url}?variant=draft", headers=factories.headers(officer, "key")).status_code == 422
    withdraw_certificate(actor=None, certificate_no=certificate.certificate_no, reason="撤证")
    again = client.get(f"{url}?variant=original", headers=factories.headers(officer, "key"))
    assert again.status_code == 409 and again.get_json()["error"] == "certificate.not_valid"
    assert client.get(url, headers=factories.headers(officer, "key")).status_code == 200
    missing = "/api/v1/certificates/530026189999999/pdf"
    assert client.get(missing, headers=factories.headers(officer, "key")).status_code == 404
    printed = db.session.execute(
        db.select(AuditEvent.action, AuditEvent.actor_username)
        .where(AuditEvent.action.like("%printed%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in printed] == [
        ("certificate.printed_original", officer.username),
        ("certificate.printed_duplicate_original", officer.username),
    ]


def test_ephyto_download_for_phytosanitary_only(client, factories):
    officer = factories.user(Role.CERTIFICATE_OFFICER, district_code="5300")
    headers = factories.headers(officer, "key")
    phyto = issue_certificate(actor=None, content=sample_content("18"))
    response = client.get(f"/api/v1/certificates/{phyto.certificate_no}/ephyto", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert f"<ram:ID>{phyto.certificate_no}</ram:ID>" in response.get_data(as_text=True)
    quality = issue_certificate(actor=None, content=sample_content("11"))
    refused = client.get(f"/api/v1/certificates/{quality.certificate_no}/ephyto", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"] == "certificate.not_phytosanitary"


def test_public_verification_without_the_payload_shows_no_free_text_reason(client, factories, issued):
    """A withdrawal's reason is an officer's free text: shown only to whoever holds the printed QR payload."""
    from backend.core.auth import Actor
    from backend.core.enums import Assurance

    user = factories.user(Role.CERTIFICATE_OFFICER, district_code="5300")
    officer = Actor(user.id, user.username, Role.CERTIFICATE_OFFICER, Assurance.KEY, None, "5300", "s")
    reason = "企业涉嫌伪造产地证明 suspected forged origin papers"
    withdraw_certificate(actor=officer, certificate_no=issued.certificate_no, reason=reason)
    number = issued.certificate_no
    walked = client.get(f"/api/v1/verify/{number}")
    body = walked.get_json()
    assert body["status"] == "withdrawn" and body["status_reason"] is None
    assert reason not in walked.get_data(as_text=True)
    page = client.get(f"/verify/{number}").get_data(as_text=True)
    assert "已撤销" in page and reason not in page
    payload = compact_payload(issued.content, Seal.from_dict(issued.seal)).encode()
    scanned = client.get(f"/api/v1/verify/{number}", query_string={"s": payload}).get_json()
    assert scanned["payload_valid"] is True and scanned["status_reason"] == reason
    assert reason in client.get(f"/verify/{number}", query_string={"s": payload}).get_data(as_text=True)
    forged = client.get(f"/api/v1/verify/{number}", query_string={"s": "C1.junk"}).get_json()
    assert forged["payload_valid"] is False and forged["status_reason"] is None
