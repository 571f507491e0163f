"""Single Window intake: submitted like the web, idempotent by message id, never applied twice."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from backend.core.enums import Role
from backend.declarations.models import Declaration, IntakeMessage, Receipt
from backend.extensions import db
from tests.declarations.bodies import body, registered_body

URL = "/api/v1/intake/single-window/declarations"


@pytest.fixture
def sender(factories):
    client_user = factories.user(Role.SYSTEM_CLIENT, username="single-window", district_code=None)
    return factories.headers(client_user, assurance="key")


@pytest.fixture
def exporter(factories):
    return factories.enterprise(customs_code="4403960B77", district_code="5320")


def message(factories, enterprise, message_id="SW-20261127-000001", **overrides):
    return {
        "message_id": message_id,
        "enterprise_customs_code": enterprise.customs_code,
        "application": registered_body(factories, enterprise, **overrides),
    }


def count(model) -> int:
    db.session.expire_all()
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_intake_submits_and_accepts_like_the_web(client, sender, exporter, factories):
    response = client.post(URL, json=message(factories, exporter), headers=sender)
    assert response.status_code == 201, response.get_json()
    assert response.headers["Idempotent-Replayed"] == "false"
    result = response.get_json()
    assert result["status"] == "accepted" and result["status_label_zh"] == "报检成功"
    assert result["inspection_no"][3] == "W" and result["inspection_no"][4:8] == "5320"
    assert [r["code"] for r in result["receipts"]] == ["SUBMITTED", "ACCEPTED"]
    stored = db.session.get(Declaration, result["declaration_id"])
    assert stored.source == "single_window" and stored.enterprise_id == exporter.id
    # The enterprise sees it as its own.
    owner = factories.headers(factories.user(Role.ENTERPRISE, enterprise=exporter))
    assert (
        client.get(f"/api/v1/declarations/{stored.id}", headers=owner).get_json()["source"] == "single_window"
    )


def test_retry_replays_and_a_different_body_conflicts(client, sender, exporter, factories):
    sent = message(factories, exporter)
    first = client.post(URL, json=sent, headers=sender)
    again = client.post(URL, json=sent, headers=sender)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    changed = {**sent, "application": {**sent["application"], "contract_no": "OTHER-1"}}
    conflict = client.post(URL, json=changed, headers=sender)
    assert conflict.status_code == 409 and conflict.get_json()["error"] == "intake.message_conflict"
    assert (count(Declaration), count(IntakeMessage), count(Receipt)) == (1, 1, 2)


def test_refused_message_stores_nothing_and_may_be_corrected(client, sender, exporter, factories):
    bad = {
        "message_id": "SW-2",
        "enterprise_customs_code": exporter.customs_code,
        "application": body(exporter),
    }
    refused = client.post(URL, json=bad, headers=sender)
    assert refused.status_code == 422 and refused.get_json()["error"] == "declaration.invalid"
    rules = {f["rule"] for f in refused.get_json()["detail"]["findings"]}
    assert "goods.qualification_missing" in rules
    assert (count(Declaration), count(IntakeMessage)) == (0, 0)
    fixed = client.post(URL, json=message(factories, exporter, message_id="SW-2"), headers=sender)
    assert fixed.status_code == 201 and fixed.get_json()["inspection_no"].endswith("0000001")


def test_unknown_enterprise_and_malformed_message(client, sender, exporter, factories):
    unknown = {**message(factories, exporter), "enterprise_customs_code": "4403999999"}
    response = client.post(URL, json=unknown, headers=sender)
    assert response.status_code == 422 and response.get_json()["error"] == "intake.enterprise_unknown"
    malformed = {**message(factories, exporter), "message_id": "bad id with spaces"}
    assert client.post(URL, json=malformed, headers=sender).status_code == 422


def test_only_key_authenticated_system_clients(client, exporter, factories):
    sent = message(factories, exporter)
    password_client = factories.headers(factories.user(Role.SYSTEM_CLIENT, district_code=None))
    enterprise_user = factories.headers(factories.user(Role.ENTERPRISE, enterprise=exporter), assurance="key")
    assert client.post(URL, json=sent, headers=password_client).get_json()["error"] == "auth.key_required"
    assert client.post(URL, json=sent, headers=enterprise_user).status_code == 403
    assert count(Declaration) == 0


def test_senders_have_separate_message_ids(client, sender, exporter, factories):
    other = factories.headers(factories.user(Role.SYSTEM_CLIENT, district_code=None), assurance="key")
    first = client.post(URL, json=message(factories, exporter), headers=sender).get_json()
    second = client.post(URL, json=message(factories, exporter), headers=other).get_json()
    assert first["declaration_id"] != second["declaration_id"]


def test_concurrent_identical_requests_apply_once(app, sender, exporter, factories):
    sent = message(factories, exporter, message_id="SW-RACE-1")
    db.session.remove()  # on SQLite an open transaction here would hold the write lock
    workers = 8
    barrier = threading.Barrier(workers)

    def post(_):
        barrier.wait(timeout=30)
        response = app.test_client().post(URL, json=sent, headers=sender)
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(post, range(workers)))
    assert {status for status, _ in results} == {201}, results
    assert len({result["declaration_id"] for _, result in results}) == 1
    assert (count(Declaration), count(IntakeMessage), count(Receipt)) == (1, 1, 2)
