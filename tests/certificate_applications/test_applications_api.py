"""Certificate applications over HTTP: draft → submit → issued at once, or the officer's queue and
the officer's decisions; receipts, copy, attachments, key login and object-level access."""

import pytest

from backend.certificate_applications.models import CertificateAttachment
from backend.certificates.models import Certificate
from backend.core.enums import Role
from backend.extensions import db
from tests.certificates_shared.fixtures import phyto_form

BASE = "/api/v1/certificate-applications"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def submit(client, application, headers):
    return client.post(f"{BASE}/{application['id']}/submit", json={}, headers=headers)


def test_all_rules_hold_so_the_certificate_is_issued_at_once(client, apply_for, key_headers, e_record):
    draft = apply_for()
    assert draft["status"] == "draft" and draft["receipts"] == [] and draft["certificate_no"] is None
    response = submit(client, draft, key_headers)
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "issued"
    assert [r["code"] for r in body["receipts"]] == ["CERT_SUBMITTED", "CERT_ISSUED"]
    assert body["certificate_no"] in body["receipts"][1]["text_zh"]
    assert all(r["passed"] for r in body["rule_results"]) and len(body["rule_results"]) == 9
    certificate = db.session.execute(
        db.select(Certificate).where(Certificate.certificate_no == body["certificate_no"])
    ).scalar_one()
    assert certificate.e_record_id == e_record.id and certificate.status == "issued"
    assert certificate.content["destination_country_en"] == "Japan"
    assert certificate.content["e_record_no"] == e_record.e_record_no
    assert certificate.content["consignor"]["name_zh"] == "深圳竹韵家居有限公司"
    verified = client.get(f"/api/v1/verify/{body['certificate_no']}").get_json()
    assert verified["status"] == "valid" and verified["seal_valid"] is True


def test_a_failed_rule_queues_the_application_for_the_officer(
    client, apply_for, key_headers, officer_headers
):
    draft = apply_for(form=phyto_form(destination_country="KOR"))
    body = submit(client, draft, key_headers).get_json()
    assert body["status"] == "officer_review" and body["certificate_no"] is None
    failed = [r for r in body["rule_results"] if not r["passed"]]
    assert [r["rule"] for r in failed] == ["destination_consistent"]
    assert "KOR" in failed[0]["reason_zh"] and "JPN" in failed[0]["reason_en"]
    assert body["receipts"][-1]["code"] == "CERT_OFFICER_REVIEW"
    assert "destination_consistent" in body["receipts"][-1]["text_zh"]
    queue = client.get(f"{BASE}/queue", headers=officer_headers).get_json()
    assert [a["id"] for a in queue] == [draft["id"]]


def test_officer_approves_a_referred_application(
    client, apply_for, key_headers, officer_headers, officer_user
):
    draft = apply_for(form=phyto_form(destination_country="KOR"))
    submit(client, draft, key_headers)
    approved = client.post(f"{BASE}/{draft['id']}/approve", json={}, headers=officer_headers)
    body = approved.get_json()
    assert approved.status_code == 200, body
    assert body["status"] == "issued" and body["receipts"][-1]["code"] == "CERT_ISSUED"
    assert officer_user.username in body["receipts"][-1]["actor_label"]
    certificate = db.session.execute(
        db.select(Certificate).where(Certificate.certificate_no == body["certificate_no"])
    ).scalar_one()
    assert certificate.content["signatory"] == officer_user.username
    again = client.post(f"{BASE}/{draft['id']}/approve", json={}, headers=officer_headers)
    assert (
        again.status_code == 409 and again.get_json()["error"] == "certificate_application.invalid_transition"
    )


def test_officer_returns_then_the_enterprise_fixes_and_resubmits(
    client, apply_for, key_headers, officer_headers
):
    draft = apply_for(form=phyto_form(destination_country="KOR"))
    submit(client, draft, key_headers)
    returned = client.post(
        f"{BASE}/{draft['id']}/return", json={"reason": "输往国家与申报不符"}, headers=officer_headers
    ).get_json()
    assert returned["status"] == "returned"
    assert returned["receipts"][-1]["text_zh"] == "证书申请退回修改：输往国家与申报不符"
    edited = client.patch(
        f"{BASE}/{draft['id']}",
        json={"form": phyto_form(), "version": returned["version"]},
        headers=key_headers,
    )
    assert edited.status_code == 200, edited.get_json()
    stale = client.patch(
        f"{BASE}/{draft['id']}", json={"delivery": "counter", "version": 1}, headers=key_headers
    )
    assert (
        stale.status_code == 409 and stale.get_json()["error"] == "certificate_application.version_conflict"
    )
    body = submit(client, draft, key_headers).get_json()
    assert body["status"] == "issued"
    assert [r["code"] for r in body["receipts"]] == [
        "CERT_SUBMITTED",
        "CERT_OFFICER_REVIEW",
        "CERT_RETURNED",
        "CERT_SUBMITTED",
        "CERT_ISSUED",
    ]
    locked = client.patch(f"{BASE}/{draft['id']}", json={"delivery": "counter"}, headers=key_headers)
    assert locked.status_code == 409


def test_officer_rejects(client, apply_for, key_headers, officer_headers):
    draft = apply_for(form=phyto_form(destination_country="KOR"))
    submit(client, draft, key_headers)
    body = client.post(f"{BASE}/{draft['id']}/reject", json={"reason": "伪造单据"}, headers=officer_headers)
    assert body.get_json()["status"] == "rejected"
    assert submit(client, draft, key_headers).status_code == 409
    assert (
        client.post(f"{BASE}/{draft['id']}/return", json={"reason": "x"}, headers=officer_headers).status_code
        == 409
    )


def test_officer_cannot_decide_an_application_not_referred(client, apply_for, officer_headers):
    draft = apply_for()
    response = client.post(f"{BASE}/{draft['id']}/approve", json={}, headers=officer_headers)
    assert response.status_code == 409


def test_copy_makes_a_fresh_draft(client, apply_for, key_headers):
    draft = apply_for()
    submit(client, draft, key_headers)
    copied = client.post(f"{BASE}/{draft['id']}/copy", headers=key_headers)
    body = copied.get_json()
    assert copied.status_code == 201
    assert body["status"] == "draft" and body["receipts"] == [] and body["rule_results"] is None
    assert body["certificate_no"] is None and body["copied_from_id"] == draft["id"]
    assert body["form"] == draft["form"] and body["id"] != draft["id"]


def test_only_ticked_types_and_normal_e_records(client, key_headers, e_record):
    body = {"e_record_no": e_record.e_record_no, "type_code": "11", "form": phyto_form()}
    response = client.post(BASE, json=body, headers=key_headers)
    assert (
        response.status_code == 422
        and response.get_json()["error"] == "certificate_application.type_not_requested"
    )
    e_record.status = "used"
    db.session.commit()
    response = client.post(BASE, json={**body, "type_code": "18"}, headers=key_headers)
    assert (
        response.status_code == 409
        and response.get_json()["error"] == "certificate_application.e_record_not_normal"
    )


def test_strict_body(client, key_headers, e_record):
    body = {"e_record_no": e_record.e_record_no, "type_code": "18", "form": phyto_form(), "status": "issued"}
    assert client.post(BASE, json=body, headers=key_headers).status_code == 422
    bad_goods = phyto_form(goods=[{"hs_code": "4419121000", "description_zh": "竹筷", "quantity": 5.5}])
    body = {"e_record_no": e_record.e_record_no, "type_code": "18", "form": bad_goods}
    response = client.post(BASE, json=body, headers=key_headers)
    assert "form" in response.get_json()["errors"]
    assert response.status_code == 422


def test_attachments_are_stored_and_scoped_to_the_enterprise(client, factories, apply_for, key_headers):
    uploaded = client.post(
        "/api/v1/certificate-attachments?filename=invoice.pdf",
        data=PDF,
        content_type="application/pdf",
        headers=key_headers,
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    attachment = uploaded.get_json()
    assert attachment["size"] == len(PDF) and len(attachment["sha256"]) == 64
    draft = apply_for(attachment_ids=[attachment["id"]])
    assert draft["attachment_ids"] == [attachment["id"]]
    wrong_type = client.post(
        "/api/v1/certificate-attachments?filename=a.exe",
        data=b"MZ",
        content_type="application/octet-stream",
        headers=key_headers,
    )
    assert wrong_type.status_code == 415
    other = factories.user(Role.ENTERPRISE)
    foreign = client.post(
        "/api/v1/certificate-attachments?filename=x.pdf",
        data=PDF + b"% other",
        content_type="application/pdf",
        headers=factories.headers(other, "key"),
    ).get_json()
    refused = client.patch(
        f"{BASE}/{draft['id']}", json={"attachment_ids": [foreign["id"]]}, headers=key_headers
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "certificate_application.unknown_attachment"


@pytest.mark.parametrize(
    ("declared", "content", "error"),
    [
        ("image/png", PDF, "upload.type_mismatch"),  # a PDF sent as an image
        ("application/pdf", b"<html><script>alert(1)</script></html>", "upload.unsupported_type"),
        ("image/jpeg", b"\xff\xd8\xff\xe0<svg onload=alert(1)>", "upload.unsupported_type"),
    ],
)
def test_a_supporting_document_is_typed_by_its_content(client, key_headers, declared, content, error):
    response = client.post(
        "/api/v1/certificate-attachments?filename=scan",
        data=content,
        content_type=declared,
        headers=key_headers,
    )
    body = response.get_json()
    assert response.status_code == 415 and body["error"] == error, body
    if error == "upload.type_mismatch":
        assert "application/pdf" in body["message"] and "image/png" in body["message"]
    assert db.session.execute(db.select(CertificateAttachment)).first() is None


def test_a_supporting_document_name_is_display_text_only(client, key_headers):
    response = client.post(
        "/api/v1/certificate-attachments",
        query_string={"filename": "..\\..\\windows\\合同\u200b.pdf"},
        data=PDF,
        content_type="application/pdf",
        headers=key_headers,
    )
    assert response.status_code == 201 and response.get_json()["filename"] == "合同.pdf"
    stored = db.session.execute(db.select(CertificateAttachment)).scalar_one()
    assert stored.filename == "合同.pdf" and stored.storage_key.endswith(stored.sha256)


def _application_endpoints(application_id: int) -> list[tuple[str, str, dict | None]]:
    item = f"{BASE}/{application_id}"
    return [
        ("post", BASE, {"e_record_no": "226N53000000001001", "type_code": "18"}),
        ("get", item, None),
        ("patch", item, {"delivery": "counter"}),
        ("post", f"{item}/submit", {}),
        ("post", f"{item}/copy", None),
        ("post", "/api/v1/certificate-attachments?filename=a.pdf", None),
        (
            "post",
            "/api/v1/certificate-agents",
            {"agent_customs_code": "4403000000", "valid_from": "2026-01-01", "valid_until": "2026-12-31"},
        ),
    ]


def test_password_login_gets_key_required_everywhere(
    client, factories, apply_for, exporter_user, officer_user
):
    draft = apply_for()
    password = factories.headers(exporter_user, assurance="password")
    for method, url, body in _application_endpoints(draft["id"]):
        response = getattr(client, method)(url, json=body, headers=password)
        assert response.status_code == 403, (method, url)
        assert response.get_json()["error"] == "auth.key_required", (method, url)
    officer_password = factories.headers(officer_user, assurance="password")
    for action in ("approve", "return", "reject"):
        response = client.post(
            f"{BASE}/{draft['id']}/{action}", json={"reason": "x"}, headers=officer_password
        )
        assert response.get_json()["error"] == "auth.key_required"
    assert client.get(f"{BASE}/queue", headers=officer_password).get_json()["error"] == "auth.key_required"


def test_another_enterprises_application_is_404(client, factories, apply_for):
    draft = apply_for()
    stranger = factories.headers(factories.user(Role.ENTERPRISE), "key")
    for method, url, body in _application_endpoints(draft["id"])[1:5]:
        response = getattr(client, method)(url, json=body, headers=stranger)
        assert response.status_code == 404, (method, url)
        assert response.get_json()["error"] == "resource.not_found"
    other_officer = factories.headers(factories.user(Role.CERTIFICATE_OFFICER, district_code="5100"), "key")
    assert client.get(f"{BASE}/{draft['id']}", headers=other_officer).status_code == 404
    assert client.post(f"{BASE}/{draft['id']}/approve", json={}, headers=other_officer).status_code == 404


def test_another_enterprises_e_record_is_404(client, factories, e_record):
    stranger = factories.headers(factories.user(Role.ENTERPRISE), "key")
    body = {"e_record_no": e_record.e_record_no, "type_code": "18", "form": phyto_form()}
    response = client.post(BASE, json=body, headers=stranger)
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.INSPECTOR])
def test_other_customs_roles_may_not_decide(client, factories, apply_for, role):
    draft = apply_for()
    headers = factories.headers(factories.user(role, district_code="5300"), "key")
    response = client.post(f"{BASE}/{draft['id']}/approve", json={}, headers=headers)
    assert response.status_code == 403 and response.get_json()["error"] == "auth.forbidden"
