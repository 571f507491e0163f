"""Voiding an e-record withdraws the certificates issued on it that were never printed and flags the
printed ones (their original must come back before a withdrawal, as for 撤证), and verification says
so; a corrected e-record is then issued again on the same application with the next suffix (…002)."""

import pytest

from backend.core.enums import Role
from backend.declarations.models import DeclarationCertificate, ERecord
from backend.extensions import db
from tests.certificates_shared.fixtures import issue_certificate, phyto_form

FUMIGATION_FIELDS = {
    "treatment_date": "2026-12-01",
    "chemical": "溴甲烷 Methyl bromide",
    "concentration": "48 g/m3",
    "duration": "24 h",
    "temperature": "21 °C",
}


@pytest.fixture
def reviewer_headers(factories):
    return factories.headers(factories.user(Role.REVIEWER, district_code="5300"))


def void(client, e_record, headers, reason="货物品名申报有误"):
    return client.post(
        f"/api/v1/e-records/{e_record.e_record_no}/void", json={"reason": reason}, headers=headers
    )


def test_voiding_withdraws_unprinted_certificates_and_flags_printed_ones(
    client, declaration, e_record, apply_for, key_headers, reviewer_headers, officer_headers
):
    declaration.certificates.append(DeclarationCertificate(cert_code="19", originals=1, copies=0))
    db.session.commit()
    printed = issue_certificate(client, apply_for, key_headers)
    unprinted = issue_certificate(
        client, apply_for, key_headers, type_code="19", form=phyto_form(fields=FUMIGATION_FIELDS)
    )
    printed.originals_printed = 1  # its original is in the exporter's hands
    db.session.commit()
    waiting = apply_for(form=phyto_form(destination_country="USA"))  # referred: waits for an officer
    submitted = client.post(
        f"/api/v1/certificate-applications/{waiting['id']}/submit", json={}, headers=key_headers
    ).get_json()
    assert submitted["status"] == "officer_review"

    response = void(client, e_record, reviewer_headers)
    assert response.status_code == 200 and response.get_json()["status"] == "voided"
    db.session.expire_all()
    assert unprinted.status == "withdrawn" and e_record.e_record_no in unprinted.status_reason
    assert printed.status == "issued" and printed.flagged_at is not None

    gone = client.get(f"/api/v1/verify/{unprinted.certificate_no}").get_json()
    assert gone["status"] == "withdrawn" and gone["flag"] is None
    flagged = client.get(f"/api/v1/verify/{printed.certificate_no}").get_json()
    assert flagged["status"] == "valid" and flagged["seal_valid"] is True
    assert flagged["flag"]["code"] == "e_record_voided"
    assert "电子底账已作废" in flagged["flag"]["text_zh"] and "e-record" in flagged["flag"]["text_en"]
    page = client.get(f"/verify/{printed.certificate_no}").get_data(as_text=True)
    assert "电子底账已作废" in page
    receipts = client.get(f"/api/v1/declarations/{declaration.id}/receipts", headers=key_headers).get_json()
    assert receipts[-1]["code"] == "E_RECORD_VOIDED"
    approve = client.post(
        f"/api/v1/certificate-applications/{waiting['id']}/approve", json={}, headers=officer_headers
    )
    assert approve.status_code == 409
    assert approve.get_json()["error"] == "certificate_application.e_record_not_normal"


def test_a_voided_e_record_is_issued_again_with_the_next_suffix(
    client, declaration, e_record, key_headers, reviewer_headers
):
    reissue = f"/api/v1/e-records/{e_record.e_record_no}/reissue"
    refused = client.post(reissue, json={}, headers=reviewer_headers)
    assert refused.status_code == 409 and refused.get_json()["error"] == "e_record.not_reissuable"
    assert void(client, e_record, reviewer_headers).status_code == 200

    response = client.post(reissue, json={}, headers=reviewer_headers)
    body = response.get_json()
    assert response.status_code == 201, body
    assert body["e_record_no"] == f"{declaration.inspection_no}002" and body["status"] == "normal"
    records = db.session.execute(
        db.select(ERecord.e_record_no, ERecord.status)
        .where(ERecord.declaration_id == declaration.id)
        .order_by(ERecord.id)
    ).all()
    assert [tuple(r) for r in records] == [
        (f"{declaration.inspection_no}001", "voided"),
        (f"{declaration.inspection_no}002", "normal"),
    ]
    seen = client.get(f"/api/v1/declarations/{declaration.id}", headers=key_headers).get_json()
    assert seen["status"] == "e_record_issued"
    assert seen["e_record"]["e_record_no"] == f"{declaration.inspection_no}002"
    receipts = client.get(f"/api/v1/declarations/{declaration.id}/receipts", headers=key_headers).get_json()
    assert receipts[-1]["code"] == "E_RECORD_REISSUED"
    assert f"{declaration.inspection_no}002" in receipts[-1]["text_zh"]
    again = client.post(reissue, json={}, headers=reviewer_headers)
    assert again.status_code == 409 and again.get_json()["error"] == "e_record.not_reissuable"
    assert client.post(reissue, json={}, headers=key_headers).status_code == 403
