"""现场缮制: the officer's worklist of counter-delivery certificates, the district's counter sheets and
their reconciliation; a counter print consumes one serial, a spoiled serial is recorded."""

from backend.core.enums import Role
from tests.blank_stock.test_printing import STOCK, issue, print_

COUNTER = f"{STOCK}/counter"


def test_worklist_print_spoil_and_reconciliation(
    client, factories, key_headers, officer_headers, exporter_user, e_record
):
    waiting = issue(exporter_user, e_record, delivery="counter")
    issue(exporter_user, e_record)  # self-print: never on the counter's worklist
    worklist = client.get(f"{COUNTER}/worklist", headers=officer_headers).get_json()
    assert [row["certificate_no"] for row in worklist] == [waiting.certificate_no]
    assert worklist[0]["enterprise"]["customs_code"] and worklist[0]["originals_printed"] == 0
    allocated = client.post(
        COUNTER, json={"type_code": "18", "quantity": 3}, headers=officer_headers
    ).get_json()
    first = allocated["serial_first"]
    sheets = client.get(f"{COUNTER}/sheets?type_code=18", headers=officer_headers).get_json()
    assert [s["serial"] for s in sheets] == [first, first + 1, first + 2]

    assert print_(client, waiting, first, officer_headers).status_code == 200
    spoil = {"type_code": "18", "serial": first + 1, "reason": "污损 stained"}
    assert client.post("/api/v1/blank-sheets/spoil", json=spoil, headers=officer_headers).status_code == 200

    assert client.get(f"{COUNTER}/worklist", headers=officer_headers).get_json() == []
    printed = client.get(f"{COUNTER}/worklist?printed=true", headers=officer_headers).get_json()
    assert [(r["certificate_no"], r["originals_printed"]) for r in printed] == [(waiting.certificate_no, 1)]
    available = client.get(f"{COUNTER}/sheets?type_code=18", headers=officer_headers).get_json()
    assert [s["serial"] for s in available] == [first + 2]
    spoiled = client.get(f"{COUNTER}/sheets?type_code=18&status=spoiled", headers=officer_headers).get_json()
    assert [(s["serial"], s["spoiled_reason"]) for s in spoiled] == [(first + 1, "污损 stained")]
    report = client.get(f"{COUNTER}/reconciliation?type_code=18", headers=officer_headers).get_json()
    assert report["district_code"] == "5300" and "enterprise_id" not in report
    assert {
        k: report[k] for k in ("allocated", "consumed", "spoiled", "remaining", "certificates_issued")
    } == {
        "allocated": 3,
        "consumed": 1,
        "spoiled": 1,
        "remaining": 1,
        "certificates_issued": 1,
    }
    assert report["mismatches"] == []


def test_counter_reconciliation_names_a_counter_certificate_not_printed(
    client, officer_headers, exporter_user, e_record
):
    waiting = issue(exporter_user, e_record, delivery="counter")
    report = client.get(f"{COUNTER}/reconciliation?type_code=18", headers=officer_headers).get_json()
    assert report["mismatches"] == [
        {"kind": "issued_not_printed", "serial": None, "certificate_no": waiting.certificate_no}
    ]


def test_counter_views_are_the_officers_of_the_district(
    client, factories, key_headers, exporter_user, e_record
):
    issue(exporter_user, e_record, delivery="counter")
    other = factories.headers(factories.user(Role.CERTIFICATE_OFFICER, district_code="5100"), "key")
    assert client.get(f"{COUNTER}/worklist", headers=other).get_json() == []
    assert client.get(f"{COUNTER}/sheets?type_code=18", headers=other).get_json() == []
    password = factories.headers(factories.user(Role.CERTIFICATE_OFFICER, district_code="5300"), "password")
    for path in ("worklist", "sheets?type_code=18", "reconciliation?type_code=18"):
        assert client.get(f"{COUNTER}/{path}", headers=key_headers).status_code == 403
        assert client.get(f"{COUNTER}/{path}", headers=password).get_json()["error"] == "auth.key_required"
