"""改证 / 重发 / 撤证: requests, the original paper returned, content rules re-run, officer decisions,
and what public verification shows of the old and the new certificate afterwards."""

import pytest

from backend.certificates.models import Certificate
from backend.certificates.sealing import Seal, compact_payload
from backend.core.enums import Role
from backend.extensions import db
from tests.certificates_shared.fixtures import phyto_form

AMENDMENTS = "/api/v1/certificate-amendments"


@pytest.fixture
def issued(client, apply_for, key_headers):
    draft = apply_for()
    body = client.post(f"/api/v1/certificate-applications/{draft['id']}/submit", json={}, headers=key_headers)
    number = body.get_json()["certificate_no"]
    return db.session.execute(db.select(Certificate).where(Certificate.certificate_no == number)).scalar_one()


def request(client, certificate, headers, **body):
    return client.post(
        f"/api/v1/certificates/{certificate.certificate_no}/amendments", json=body, headers=headers
    )


def verify(client, number, *, scanned=False):
    """Public verification; `scanned` adds the printed QR payload (which shows free-text reasons)."""
    query = {}
    if scanned:
        certificate = db.session.execute(
            db.select(Certificate).where(Certificate.certificate_no == number)
        ).scalar_one()
        query["s"] = compact_payload(certificate.content, Seal.from_dict(certificate.seal)).encode()
    return client.get(f"/api/v1/verify/{number}", query_string=query).get_json()


def test_amend_issues_a_new_certificate_and_the_old_verifies_as_replaced(
    client, issued, key_headers, officer_headers
):
    amended = phyto_form(port_of_destination="Osaka, Japan")
    created = request(client, issued, key_headers, kind="amend", reason="更正到达口岸", form=amended)
    body = created.get_json()
    assert created.status_code == 201, body
    assert body["status"] == "requested" and all(r["passed"] for r in body["rule_results"])
    assert [r["rule"] for r in body["rule_results"]] == [
        "goods_within_declaration",
        "certificate_type_fits_goods",
        "destination_consistent",
        "required_fields_present",
    ]
    second = request(client, issued, key_headers, kind="withdraw", reason="x")
    assert second.status_code == 409 and second.get_json()["error"] == "certificate_amendment.pending"
    approved = client.post(f"{AMENDMENTS}/{body['id']}/approve", headers=officer_headers).get_json()
    assert approved["status"] == "approved" and approved["new_certificate_no"]
    new_no = approved["new_certificate_no"]
    old = verify(client, issued.certificate_no, scanned=True)
    assert (
        old["status"] == "replaced"
        and old["superseded_by"] == new_no
        and old["status_reason"] == "更正到达口岸"
    )
    assert old["seal_valid"] is True
    new = verify(client, new_no)
    assert new["status"] == "valid" and new["superseded_by"] is None and new["seal_valid"] is True
    stored = db.session.execute(
        db.select(Certificate).where(Certificate.certificate_no == new_no)
    ).scalar_one()
    assert stored.content["port_of_destination"] == "Osaka, Japan"
    assert issued.certificate_no in stored.content["remarks"]
    assert stored.e_record_id == issued.e_record_id and stored.delivery == "self_print"
    page = client.get(f"/verify/{issued.certificate_no}").get_data(as_text=True)
    assert "已被替换" in page and new_no in page


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"destination_country": "KOR"}, "destination_consistent"),
        ({"goods": [{**phyto_form()["goods"][0], "quantity": "100001"}]}, "goods_within_declaration"),
        ({"fields": {"place_of_origin": "福建"}}, "required_fields_present"),
    ],
)
def test_an_amendment_contradicting_the_declaration_is_refused(client, issued, key_headers, change, rule):
    response = request(client, issued, key_headers, kind="amend", reason="改", form=phyto_form(**change))
    body = response.get_json()
    assert response.status_code == 409 and body["error"] == "certificate_amendment.contradicts_declaration"
    assert body["detail"]["failed_rules"] == [rule]
    assert verify(client, issued.certificate_no)["status"] == "valid"


def test_amend_may_keep_the_full_declared_quantity(client, issued, key_headers):
    """The certificate being replaced does not count against its own amendment."""
    response = request(
        client, issued, key_headers, kind="amend", reason="改唛头", form=phyto_form(marks="ZY/2026")
    )
    assert response.status_code == 201


def test_replace_reissues_the_same_content_under_a_new_number(client, issued, key_headers, officer_headers):
    created = request(client, issued, key_headers, kind="replace", reason="证书遗失 lost").get_json()
    approved = client.post(f"{AMENDMENTS}/{created['id']}/approve", headers=officer_headers).get_json()
    new_no = approved["new_certificate_no"]
    assert new_no != issued.certificate_no
    new = db.session.execute(db.select(Certificate).where(Certificate.certificate_no == new_no)).scalar_one()
    db.session.refresh(issued)
    assert new.content["goods"] == issued.content["goods"] and new.content["certificate_no"] == new_no
    assert verify(client, issued.certificate_no)["status"] == "replaced"
    assert verify(client, new_no)["status"] == "valid"


def test_withdraw_needs_the_printed_original_back(
    client, factories, issued, key_headers, officer_headers, officer_user
):
    issued.originals_printed = 1  # an original is out on paper
    db.session.commit()
    created = request(client, issued, key_headers, kind="withdraw", reason="合同取消", original_returned=True)
    body = created.get_json()
    assert body["original_returned"] is True and body["original_received_at"] is None
    early = client.post(f"{AMENDMENTS}/{body['id']}/approve", headers=officer_headers)
    assert (
        early.status_code == 409
        and early.get_json()["error"] == "certificate_amendment.original_not_received"
    )
    received = client.post(f"{AMENDMENTS}/{body['id']}/original-received", headers=officer_headers).get_json()
    assert received["original_received_at"] is not None
    approved = client.post(f"{AMENDMENTS}/{body['id']}/approve", headers=officer_headers).get_json()
    assert approved["status"] == "approved" and approved["new_certificate_no"] is None
    shown = verify(client, issued.certificate_no, scanned=True)
    assert (
        shown["status"] == "withdrawn"
        and shown["status_reason"] == "合同取消"
        and shown["superseded_by"] is None
    )
    walked = verify(client, issued.certificate_no)  # a number typed in, no printed certificate in hand
    assert walked["status"] == "withdrawn" and walked["status_reason"] is None
    assert "已撤销" in client.get(f"/verify/{issued.certificate_no}").get_data(as_text=True)
    again = request(client, issued, key_headers, kind="replace", reason="x")
    assert (
        again.status_code == 409 and again.get_json()["error"] == "certificate_amendment.invalid_transition"
    )


def test_officer_rejects_and_the_certificate_stays(client, issued, key_headers, officer_headers):
    created = request(client, issued, key_headers, kind="withdraw", reason="不想要了").get_json()
    rejected = client.post(
        f"{AMENDMENTS}/{created['id']}/reject", json={"note": "理由不充分"}, headers=officer_headers
    )
    assert rejected.get_json()["status"] == "rejected"
    assert client.post(f"{AMENDMENTS}/{created['id']}/approve", headers=officer_headers).status_code == 409
    assert verify(client, issued.certificate_no)["status"] == "valid"


def test_supporting_documents_must_be_the_enterprises(client, factories, issued, key_headers):
    uploaded = client.post(
        "/api/v1/certificate-attachments?filename=letter.pdf",
        data=b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        content_type="application/pdf",
        headers=key_headers,
    ).get_json()
    ok = request(client, issued, key_headers, kind="replace", reason="遗失", attachment_ids=[uploaded["id"]])
    assert ok.status_code == 201 and ok.get_json()["attachment_ids"] == [uploaded["id"]]


def test_scoping_and_key_login(client, factories, issued, key_headers, exporter_user):
    stranger = factories.headers(factories.user(Role.ENTERPRISE), "key")
    assert request(client, issued, stranger, kind="withdraw", reason="x").status_code == 404
    created = request(client, issued, key_headers, kind="withdraw", reason="x").get_json()
    assert client.get(f"{AMENDMENTS}/{created['id']}", headers=stranger).status_code == 404
    other_officer = factories.headers(factories.user(Role.CERTIFICATE_OFFICER, district_code="5100"), "key")
    assert client.post(f"{AMENDMENTS}/{created['id']}/approve", headers=other_officer).status_code == 404
    password = factories.headers(exporter_user, "password")
    refused = request(client, issued, password, kind="withdraw", reason="x")
    assert refused.status_code == 403 and refused.get_json()["error"] == "auth.key_required"
    assert (
        client.get(f"{AMENDMENTS}/{created['id']}", headers=password).get_json()["error"]
        == "auth.key_required"
    )


def test_worklists_of_requests(client, factories, issued, key_headers, officer_headers):
    created = request(client, issued, key_headers, kind="withdraw", reason="合同取消").get_json()
    reprint = client.post(
        f"/api/v1/certificates/{issued.certificate_no}/reprint-requests",
        json={"reason": "卡纸"},
        headers=key_headers,
    ).get_json()
    for headers in (key_headers, officer_headers):
        amendments = client.get(AMENDMENTS, query_string={"status": "requested"}, headers=headers).get_json()
        assert [a["id"] for a in amendments] == [created["id"]]
        reprints = client.get("/api/v1/reprint-requests?status=requested", headers=headers).get_json()
        assert [r["id"] for r in reprints] == [reprint["id"]]
    stranger = factories.headers(factories.user(Role.ENTERPRISE), "key")
    assert client.get(AMENDMENTS, headers=stranger).get_json() == []
    assert client.get("/api/v1/reprint-requests", headers=stranger).get_json() == []
    other_officer = factories.headers(factories.user(Role.CERTIFICATE_OFFICER, district_code="5100"), "key")
    assert client.get(AMENDMENTS, headers=other_officer).get_json() == []
    assert client.get(f"{AMENDMENTS}?colour=red", headers=key_headers).status_code == 422
