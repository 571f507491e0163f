"""The officer's desk over HTTP: the queue's applicant and server-side filters, decisions announced to
the district's officers, and approving an application that lacks required fields."""

import pytest
import sqlalchemy as sa

from backend.certificates.models import Certificate
from backend.core.enums import Role
from backend.extensions import db, socketio
from tests.certificates_shared.fixtures import phyto_form

BASE = "/api/v1/certificate-applications"


def _submit(client, application, headers):
    response = client.post(f"{BASE}/{application['id']}/submit", json={}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _incomplete_form() -> dict:
    form = phyto_form(consignee={})
    form["fields"] = {k: v for k, v in form["fields"].items() if k != "botanical_name"}
    return form


@pytest.fixture
def second_applicant(client, factories):
    """Another exporter of the district with its own normal e-record; returns apply(form) -> draft JSON."""
    enterprise = factories.enterprise(
        customs_code="4403960777", name_zh="深圳第二出口有限公司", name_en="Second Exporter"
    )
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise), assurance="key")
    record = factories.stored_e_record(factories.declaration(enterprise, status="e_record_issued"))

    def apply(form: dict) -> dict:
        body = {"e_record_no": record.e_record_no, "type_code": "18", "form": form}
        response = client.post(BASE, json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return _submit(client, response.get_json(), headers)

    return apply


def test_approving_an_application_missing_required_fields_names_them(
    client, apply_for, key_headers, officer_headers
):
    draft = apply_for(form=_incomplete_form())
    referred = _submit(client, draft, key_headers)
    assert referred["status"] == "officer_review"
    assert referred["missing_fields"] == ["consignee.name_en", "fields.botanical_name"]
    approve = f"{BASE}/{draft['id']}/approve"
    response = client.post(approve, json={}, headers={**officer_headers, "Accept-Language": "en"})
    body = response.get_json()
    assert response.status_code == 409, body
    assert body["error"] == "certificate_application.incomplete" and body["status"] == "Conflict"
    assert set(body["errors"]) == {"consignee.name_en", "fields.botanical_name"}
    assert "consignee.name_en, fields.botanical_name" in body["message"] and "return it" in body["message"]
    zh = client.post(approve, json={}, headers=officer_headers).get_json()
    assert zh["error"] == "certificate_application.incomplete" and "必填项" in zh["message"]
    assert "fields.botanical_name" in zh["message"]
    current = client.get(f"{BASE}/{draft['id']}", headers=officer_headers).get_json()
    assert current["status"] == "officer_review" and current["version"] == referred["version"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    returned = client.post(
        f"{BASE}/{draft['id']}/return", json={"reason": "请补全收货人与植物学名"}, headers=officer_headers
    )
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"


def test_a_complete_application_has_no_missing_fields(client, apply_for, key_headers, officer_headers):
    draft = apply_for(form=phyto_form(destination_country="KOR"))
    assert _submit(client, draft, key_headers)["missing_fields"] == []


def test_queue_names_the_applicant_and_filters_on_the_server(
    client, apply_for, key_headers, officer_headers, exporter, second_applicant
):
    wrong_destination = apply_for(form=phyto_form(destination_country="KOR"))
    _submit(client, wrong_destination, key_headers)
    incomplete = second_applicant(_incomplete_form())
    assert incomplete["status"] == "officer_review"

    def queue(**query):
        response = client.get(f"{BASE}/queue", query_string=query, headers=officer_headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    everything = queue()
    assert [a["id"] for a in everything] == [wrong_destination["id"], incomplete["id"]]
    assert everything[0]["applicant"] == {
        "name_zh": exporter.name_zh,
        "name_en": exporter.name_en,
        "customs_code": exporter.customs_code,
    }
    assert everything[1]["applicant"]["customs_code"] == "4403960777"
    assert everything[1]["applicant"]["name_zh"] == "深圳第二出口有限公司"
    assert [a["id"] for a in queue(failed_rule="destination_consistent")] == [wrong_destination["id"]]
    assert [a["id"] for a in queue(failed_rule="required_fields_present")] == [incomplete["id"]]
    assert queue(failed_rule="key_login") == []
    assert [a["id"] for a in queue(type_code="18")] == [wrong_destination["id"], incomplete["id"]]
    assert queue(type_code="11") == []
    # Filters keep the keyset paging: the page after the first match.
    first = queue(type_code="18", limit=1)
    assert [a["id"] for a in first] == [wrong_destination["id"]]
    assert [a["id"] for a in queue(type_code="18", limit=1, cursor=first[0]["id"])] == [incomplete["id"]]
    assert queue(failed_rule="destination_consistent", cursor=wrong_destination["id"]) == []


@pytest.mark.parametrize(
    "query", [{"type_code": "20"}, {"failed_rule": "no_such_rule"}, {"failed_rule": ""}, {"colour": "red"}]
)
def test_queue_filters_are_validated(client, officer_headers, query):
    response = client.get(f"{BASE}/queue", query_string=query, headers=officer_headers)
    body = response.get_json()
    assert response.status_code == 422, body
    assert body["error"] == "request.invalid" and body["errors"]


def test_queue_loads_applicants_without_a_query_per_row(
    client, apply_for, key_headers, officer_headers, second_applicant
):
    def selects_for_queue() -> tuple[int, int]:
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            rows = client.get(f"{BASE}/queue", headers=officer_headers).get_json()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        return len(rows), len(statements)

    _submit(client, apply_for(form=phyto_form(destination_country="KOR")), key_headers)
    one_row = selects_for_queue()
    second_applicant(_incomplete_form())
    _submit(client, apply_for(form=phyto_form(destination_country="USA")), key_headers)
    three_rows = selects_for_queue()
    assert one_row[0] == 1 and three_rows[0] == 3
    assert three_rows[1] == one_row[1], (one_row, three_rows)


def _token(headers: dict) -> str:
    return headers["Authorization"].split(" ", 1)[1]


def _decided(client) -> list[dict]:
    return [m["args"][0] for m in client.get_received() if m["name"] == "certificate_application.decided"]


def test_decisions_are_announced_to_the_district_after_commit(
    app, client, factories, apply_for, key_headers, officer_headers
):
    drafts = [apply_for(form=phyto_form(destination_country="KOR")) for _ in range(3)]
    incomplete = apply_for(form=_incomplete_form())
    other_district = factories.headers(
        factories.user(Role.CERTIFICATE_OFFICER, district_code="5100"), assurance="key"
    )
    # Connecting ends the test's database session (the handler cleans up), so connect after the drafts.
    colleague = socketio.test_client(app, auth={"token": _token(officer_headers)})
    enterprise = socketio.test_client(app, auth={"token": _token(key_headers)})
    elsewhere = socketio.test_client(app, auth={"token": _token(other_district)})
    assert colleague.is_connected() and enterprise.is_connected() and elsewhere.is_connected()
    for draft in [*drafts, incomplete]:
        client.post(f"{BASE}/{draft['id']}/submit", json={}, headers=key_headers)
    _decided(colleague)  # the referrals are not decisions
    issued = client.post(f"{BASE}/{drafts[0]['id']}/approve", json={}, headers=officer_headers).get_json()
    returned = client.post(
        f"{BASE}/{drafts[1]['id']}/return", json={"reason": "补充"}, headers=officer_headers
    ).get_json()
    rejected = client.post(
        f"{BASE}/{drafts[2]['id']}/reject", json={"reason": "不符"}, headers=officer_headers
    ).get_json()
    refused = client.post(f"{BASE}/{incomplete['id']}/approve", json={}, headers=officer_headers)
    assert refused.status_code == 409  # rolled back: nothing announced
    assert _decided(colleague) == [
        {"application_id": drafts[0]["id"], "status": "issued", "version": issued["version"]},
        {"application_id": drafts[1]["id"], "status": "returned", "version": returned["version"]},
        {"application_id": drafts[2]["id"], "status": "rejected", "version": rejected["version"]},
    ]
    assert _decided(enterprise) == [] and _decided(elsewhere) == []
    for socket in (colleague, enterprise, elsewhere):
        socket.disconnect()


def test_request_listings_name_the_enterprise(client, apply_for, key_headers, officer_headers, exporter):
    expected = {"name_zh": exporter.name_zh, "name_en": exporter.name_en}
    expected["customs_code"] = exporter.customs_code
    stock = client.post("/api/v1/blank-stock", json={"type_code": "18", "quantity": 5}, headers=key_headers)
    assert stock.status_code == 201, stock.get_json()
    issued = _submit(client, apply_for(), key_headers)
    number = issued["certificate_no"]
    withdraw = client.post(
        f"/api/v1/certificates/{number}/amendments",
        json={"kind": "withdraw", "reason": "合同取消"},
        headers=key_headers,
    )
    assert withdraw.status_code == 201, withdraw.get_json()
    reprint = client.post(
        f"/api/v1/certificates/{number}/reprint-requests", json={"reason": "卡纸"}, headers=key_headers
    )
    assert reprint.status_code == 201, reprint.get_json()

    def listed(path):
        response = client.get(path, query_string={"status": "requested"}, headers=officer_headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    [stock_row] = listed("/api/v1/blank-stock")
    assert stock_row["enterprise"] == expected and stock_row["quantity"] == 5
    [amendment] = listed("/api/v1/certificate-amendments")
    assert amendment["enterprise"] == expected and amendment["certificate_no"] == number
    [reprint_row] = listed("/api/v1/reprint-requests")
    assert reprint_row["enterprise"] == expected and reprint_row["certificate_no"] == number
