"""Status changes of an application reach, after commit, the enterprise (with its receipt) and the
district's desks (without it)."""

from backend.core.enums import Role
from tests.declarations.bodies import registered_body

API = "/api/v1/declarations"


def test_submit_sends_receipts_to_the_enterprise_and_the_status_to_the_district(client, factories, emitted):
    enterprise = factories.enterprise(customs_code="4403160AB1")
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    created = client.post(API, json=registered_body(factories, enterprise), headers=headers).get_json()
    assert emitted == []  # a draft is nobody else's business yet

    response = client.post(f"{API}/{created['id']}/submit", json={"version": 1}, headers=headers)
    assert response.status_code == 200, response.get_json()

    receipts = [data for room, event, data in emitted if event == "declaration.receipt"]
    assert {room for room, event, _ in emitted if event == "declaration.receipt"} == {
        f"enterprise:{enterprise.id}"
    }
    stored = client.get(f"{API}/{created['id']}/receipts", headers=headers).get_json()
    codes = [r["receipt"]["code"] for r in receipts]
    assert codes == [r["code"] for r in stored] == ["SUBMITTED", "ACCEPTED"]
    assert receipts[-1]["receipt"]["text_zh"] == stored[-1]["text_zh"]
    statuses = [(room, data) for room, event, data in emitted if event == "declaration.status"]
    assert [room for room, _ in statuses] == [f"district:{created['district_code']}"] * len(receipts)
    version = response.get_json()["version"]
    assert statuses[-1][1] == {"declaration_id": created["id"], "status": "accepted", "version": version}
    assert all("receipt" not in data for _, data in statuses)


def test_a_refused_submit_sends_nothing(client, factories, emitted):
    enterprise = factories.enterprise(customs_code="4403160AB1")
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    created = client.post(API, json={"consignee_name_en": "x"}, headers=headers).get_json()

    response = client.post(f"{API}/{created['id']}/submit", json={"version": 1}, headers=headers)
    assert response.status_code == 422
    assert emitted == []
