"""The clearance interface: verify, consume exactly once (retries, races), and customs void."""

import threading
from datetime import timedelta

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.declarations.models import ERecord
from backend.extensions import db


def _clearance(factories):
    return factories.headers(factories.user("system_client", district_code=None), assurance="key")


def _url(record, action=""):
    return f"/api/v1/e-records/{record.e_record_no}{'/' + action if action else ''}"


def test_verify_usable_and_the_reasons_why_not(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    headers = _clearance(factories)
    body = {"customs_code": ent.customs_code, "hs_codes": ["4419121000"]}
    ok = client.post(_url(record, "verify"), json=body, headers=headers).get_json()
    assert ok["usable"] is True and ok["reasons"] == [] and ok["status"] == "normal"
    # An HS heading (6 digits) that covers the declared code is accepted too.
    assert client.post(
        _url(record, "verify"), json={**body, "hs_codes": ["441912"]}, headers=headers
    ).get_json()["usable"]
    wrong = client.post(
        _url(record, "verify"),
        json={"customs_code": "4403999999", "hs_codes": ["8471300000"]},
        headers=headers,
    ).get_json()
    assert wrong["usable"] is False
    assert [r["code"] for r in wrong["reasons"]] == ["enterprise_mismatch", "goods_mismatch"]
    record.valid_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.post(_url(record, "verify"), json=body, headers=headers).get_json()
    assert [r["code"] for r in expired["reasons"]] == ["expired"]


def test_verify_needs_a_system_client_with_a_key(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    body = {"customs_code": ent.customs_code, "hs_codes": ["4419121000"]}
    password = factories.headers(factories.user("system_client", district_code=None))
    assert (
        client.post(_url(record, "verify"), json=body, headers=password).get_json()["error"]
        == "auth.key_required"
    )
    owner = factories.headers(factories.user("enterprise", enterprise=ent), assurance="key")
    assert client.post(_url(record, "verify"), json=body, headers=owner).status_code == 403
    unknown = client.post(
        "/api/v1/e-records/226N53009999999001/verify", json=body, headers=_clearance(factories)
    )
    assert unknown.status_code == 404
    bad = client.post(
        _url(record, "verify"), json={**body, "hs_codes": ["44x"]}, headers=_clearance(factories)
    )
    assert bad.status_code == 422


def test_consume_once_retry_returns_the_original_and_another_declaration_is_refused(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    headers = _clearance(factories)
    body = {
        "customs_code": ent.customs_code,
        "hs_codes": ["4419121000"],
        "customs_declaration_no": "530120261000001",
    }
    first = client.post(_url(record, "consume"), json=body, headers=headers)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["replayed"] is False
    assert first.get_json()["e_record"]["status"] == "used"
    retry = client.post(_url(record, "consume"), json=body, headers=headers)
    assert retry.status_code == 200 and retry.get_json()["replayed"] is True
    assert retry.get_json()["e_record"]["used_at"] == first.get_json()["e_record"]["used_at"]
    other = client.post(
        _url(record, "consume"), json={**body, "customs_declaration_no": "530120261000002"}, headers=headers
    )
    assert other.status_code == 409 and other.get_json()["error"] == "e_record.already_used"
    verify = client.post(
        _url(record, "verify"), json=body | {"customs_declaration_no": None}, headers=headers
    )
    assert verify.status_code == 422  # verify takes no declaration number
    db.session.expire_all()
    assert record.declaration.receipts[-1].code == "E_RECORD_USED"
    used_events = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "e_record.used")).all()
    assert len(used_events) == 1


def test_consume_refuses_an_unusable_record_with_reasons(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    headers = _clearance(factories)
    body = {"customs_code": ent.customs_code, "hs_codes": ["0805100000"], "customs_declaration_no": "5301A1"}
    refused = client.post(_url(record, "consume"), json=body, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"] == "e_record.not_usable"
    assert [r["code"] for r in refused.get_json()["detail"]["reasons"]] == ["goods_mismatch"]
    db.session.expire_all()
    assert record.status == "normal"


def test_sixteen_concurrent_consumptions_exactly_one_wins(app, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    headers = _clearance(factories)
    url, customs_code = _url(record, "consume"), ent.customs_code
    db.session.rollback()  # end this thread's read transaction: on SQLite it holds the write lock
    barrier = threading.Barrier(16)
    results = []

    def consume(n):
        body = {
            "customs_code": customs_code,
            "hs_codes": ["4419121000"],
            "customs_declaration_no": f"53012026{n:07d}",
        }
        with app.test_client() as own_client:
            barrier.wait()
            response = own_client.post(url, json=body, headers=headers)
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=consume, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(status for status, _ in results)
    assert codes == [200] + [409] * 15, results
    assert {body["error"] for status, body in results if status == 409} == {"e_record.already_used"}
    winner = next(body for status, body in results if status == 200)
    db.session.expire_all()
    stored = db.session.get(ERecord, record.id)
    assert stored.used_by_reference == winner["e_record"]["used_by_reference"] and stored.version == 2


def test_customs_void_with_reason_then_unusable(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    reviewer = factories.headers(factories.user("reviewer", district_code="5300"))
    elsewhere = factories.headers(factories.user("reviewer", district_code="5100"))
    assert client.post(_url(record, "void"), json={"reason": "x"}, headers=elsewhere).status_code == 404
    stale = client.post(_url(record, "void"), json={"reason": "x", "expected_version": 9}, headers=reviewer)
    assert stale.status_code == 409 and stale.get_json()["error"] == "declaration.version_conflict"
    voided = client.post(_url(record, "void"), json={"reason": "企业申请撤销出口"}, headers=reviewer)
    assert voided.status_code == 200 and voided.get_json()["status"] == "voided"
    assert voided.get_json()["voided_reason"] == "企业申请撤销出口"
    again = client.post(_url(record, "void"), json={"reason": "again"}, headers=reviewer)
    assert again.status_code == 409 and again.get_json()["error"] == "e_record.not_voidable"
    body = {"customs_code": ent.customs_code, "hs_codes": ["4419121000"], "customs_declaration_no": "1"}
    used = client.post(_url(record, "consume"), json=body, headers=_clearance(factories))
    assert used.status_code == 409 and used.get_json()["detail"]["reasons"][0]["code"] == "voided"
    db.session.expire_all()
    assert record.declaration.receipts[-1].code == "E_RECORD_VOIDED"
    enterprise_user = factories.headers(factories.user("enterprise", enterprise=ent))
    assert client.post(_url(record, "void"), json={"reason": "x"}, headers=enterprise_user).status_code == 403


def test_read_one_e_record_only_within_scope(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    owner = factories.headers(factories.user("enterprise", enterprise=ent))
    stranger = factories.headers(factories.user("enterprise"))
    got = client.get(_url(record), headers=owner)
    assert got.status_code == 200 and got.get_json()["inspection_no"] == record.declaration.inspection_no
    assert client.get(_url(record), headers=stranger).status_code == 404
    assert (
        client.get(_url(record), headers=factories.headers(factories.user("supervisor"))).status_code == 200
    )


def test_concurrent_expiry_runs_apply_once(app, factories):
    from backend.declarations.e_records import expire_due_e_records

    ent = factories.enterprise()
    records = [factories.e_record(ent) for _ in range(4)]
    for record in records:
        record.valid_until = utcnow() - timedelta(days=1)
    db.session.commit()
    totals, barrier = [], threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            totals.append(expire_due_e_records())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(totals) == 4
    expired = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "e_record.expired")).all()
    assert len(expired) == 4
