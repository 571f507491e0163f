"""The enterprise's side of 电子底账申请 over HTTP: draft, edit, copy, submit, withdraw, delete, scope."""

import pytest

from backend.audit.models import AuditEvent
from backend.core.enums import Role
from backend.declarations.models import Declaration
from backend.extensions import db
from tests.declarations.bodies import body, registered_body

API = "/api/v1/declarations"


@pytest.fixture
def ent(factories):
    enterprise = factories.enterprise(customs_code="4403160AB1")
    user = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    return enterprise, user, factories.headers(user)


def create(client, headers, data):
    response = client.post(API, json=data, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_draft_round_trip_keeps_every_part(client, ent):
    enterprise, _, headers = ent
    sent = body(enterprise, "chopsticks", "steel_pipes")
    created = create(client, headers, sent)
    assert created["status"] == "draft" and created["status_label_zh"] == "暂存"
    assert created["version"] == 1 and created["inspection_no"] is None
    assert created["district_code"] == enterprise.district_code
    got = client.get(f"{API}/{created['id']}", headers=headers).get_json()
    assert [g["line_no"] for g in got["goods"]] == [1, 2]
    assert got["goods"][0]["net_weight"] == "2000.000" and got["goods"][0]["value"] == "12000.00"
    assert got["containers"] == sent["containers"]
    assert got["certificates"] == sent["certificates"]
    assert got["total_net_weight"] == sent["total_net_weight"]


def test_incomplete_draft_is_saved(client, ent):
    _, _, headers = ent
    created = create(client, headers, {"contract_no": "C-1"})
    assert created["goods"] == [] and created["contract_no"] == "C-1"


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"surprise": 1}, "surprise"),
        ({"total_packages": 2.5}, "total_packages"),
        ({"total_packages": "200"}, "total_packages"),
        ({"total_net_weight": "abc"}, "total_net_weight"),
        ({"certificates": [{"cert_code": "42"}]}, "certificates"),
        ({"qualifications": [{"type_code": "NOPE", "number": "1"}]}, "qualifications"),
    ],
)
def test_body_is_strict(client, ent, patch, field):
    enterprise, _, headers = ent
    response = client.post(API, json={**body(enterprise), **patch}, headers=headers)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.execute(db.select(db.func.count(Declaration.id))).scalar() == 0


def test_edit_needs_current_version_and_writes_audit(client, ent):
    enterprise, _, headers = ent
    created = create(client, headers, body(enterprise))
    url = f"{API}/{created['id']}"
    changed = {**body(enterprise), "contract_no": "ZY-2026-0999"}
    missing = client.put(url, json=changed, headers=headers)
    assert missing.status_code == 428 and missing.get_json()["error"] == "declaration.version_required"
    ok = client.put(url, json={**changed, "version": 1}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["version"] == 2
    stale = client.put(url, json={**changed, "version": 1}, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"] == "declaration.version_conflict"
    assert stale.get_json()["detail"] == {"current_version": 2}
    via_header = client.put(url, json=changed, headers={**headers, "If-Match": 'W/"2"'})
    assert via_header.status_code == 200 and via_header.get_json()["version"] == 3
    audit = (
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "declaration.updated").order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [a.after["version"] for a in audit] == [2, 3]
    assert audit[0].after["changed"] == ["contract_no"] and audit[1].after["changed"] == []


def test_edit_replaces_goods_lines(client, ent):
    enterprise, _, headers = ent
    created = create(client, headers, body(enterprise, "chopsticks", "steel_pipes"))
    edited = client.put(
        f"{API}/{created['id']}", json={**body(enterprise, "tea"), "version": 1}, headers=headers
    ).get_json()
    assert [(g["line_no"], g["name_zh"]) for g in edited["goods"]] == [(1, "绿茶")]


def test_submit_assigns_number_with_two_receipts(client, ent, factories):
    enterprise, user, headers = ent
    created = create(client, headers, registered_body(factories, enterprise))
    response = client.post(f"{API}/{created['id']}/submit", json={"version": 1}, headers=headers)
    assert response.status_code == 200, response.get_json()
    submitted = response.get_json()
    assert submitted["status"] == "accepted" and submitted["status_label_zh"] == "报检成功"
    number = submitted["inspection_no"]
    assert len(number) == 15 and number.startswith("2") and number[3] == "N"
    assert number[4:8] == enterprise.district_code and number.endswith("0000001")
    receipts = client.get(f"{API}/{created['id']}/receipts", headers=headers).get_json()
    assert [r["code"] for r in receipts] == ["SUBMITTED", "ACCEPTED"]
    assert (
        receipts[0]["text_zh"] == "申请已提交，等待海关受理。" and receipts[0]["actor_label"] == user.username
    )
    assert number in receipts[1]["text_zh"] and receipts[1]["actor_label"] == "系统 system"
    assert set(receipts[1]) >= {"code", "status", "text_zh", "text_en", "created_at", "actor_label"}
    # No more editing, deleting or submitting once accepted.
    put = client.put(f"{API}/{created['id']}", json={**body(enterprise), "version": 3}, headers=headers)
    assert put.status_code == 409 and put.get_json()["error"] == "declaration.not_editable"
    assert client.delete(f"{API}/{created['id']}", headers=headers).status_code == 409
    again = client.post(f"{API}/{created['id']}/submit", json={}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"] == "declaration.invalid_transition"


def test_invalid_submission_is_refused_whole(client, ent):
    enterprise, _, headers = ent
    created = create(client, headers, body(enterprise, applicant_code="44031234"))  # no qualification either
    response = client.post(f"{API}/{created['id']}/submit", json={}, headers=headers)
    assert response.status_code == 422
    refusal = response.get_json()
    assert refusal["error"] == "declaration.invalid"
    rules = {(f["path"], f["rule"]) for f in refusal["detail"]["findings"]}
    assert ("applicant_code", "party.customs_code_format") in rules
    assert ("goods[0].hs_code", "goods.qualification_missing") in rules
    assert "applicant_code" in refusal["errors"]
    stored = client.get(f"{API}/{created['id']}", headers=headers).get_json()
    assert stored["status"] == "draft" and stored["inspection_no"] is None and stored["version"] == 1
    assert client.get(f"{API}/{created['id']}/receipts", headers=headers).get_json() == []


def test_returned_application_is_edited_and_resubmitted_with_its_number(client, ent, factories):
    from backend.declarations.workflow import Event, apply

    enterprise, _, headers = ent
    created = create(client, headers, registered_body(factories, enterprise))
    number = client.post(f"{API}/{created['id']}/submit", json={}, headers=headers).get_json()[
        "inspection_no"
    ]
    declaration = db.session.get(Declaration, created["id"])
    apply(declaration, Event.RETURN, actor=None, reason="发票金额与合同不符")
    db.session.commit()
    db.session.expire_all()
    current = client.get(f"{API}/{created['id']}", headers=headers).get_json()
    assert current["status"] == "returned"
    fixed = registered_body(factories, enterprise, contract_no="ZY-2026-0815A")
    edited = client.put(
        f"{API}/{created['id']}", json={**fixed, "version": current["version"]}, headers=headers
    )
    assert edited.status_code == 200
    again = client.post(f"{API}/{created['id']}/submit", json={}, headers=headers).get_json()
    assert again["status"] == "accepted" and again["inspection_no"] == number
    codes = [r["code"] for r in client.get(f"{API}/{created['id']}/receipts", headers=headers).get_json()]
    assert codes == ["SUBMITTED", "ACCEPTED", "RETURNED", "SUBMITTED", "ACCEPTED"]


def test_withdraw_before_review_only(client, ent, factories):
    enterprise, _, headers = ent
    created = create(client, headers, registered_body(factories, enterprise))
    draft_withdraw = client.post(f"{API}/{created['id']}/withdraw", json={}, headers=headers)
    assert draft_withdraw.status_code == 409
    client.post(f"{API}/{created['id']}/submit", json={}, headers=headers)
    stale = client.post(f"{API}/{created['id']}/withdraw", json={"version": 1}, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"] == "declaration.version_conflict"
    done = client.post(f"{API}/{created['id']}/withdraw", json={"reason": "合同取消"}, headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "withdrawn"
    reviewing = factories.declaration(enterprise, status="under_review")
    refused = client.post(f"{API}/{reviewing.id}/withdraw", json={}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"] == "declaration.invalid_transition"


def test_delete_draft_only(client, ent, factories):
    enterprise, _, headers = ent
    created = create(client, headers, body(enterprise))
    assert client.delete(f"{API}/{created['id']}", headers=headers).status_code == 204
    assert client.get(f"{API}/{created['id']}", headers=headers).status_code == 404
    accepted = factories.declaration(enterprise, status="accepted")
    response = client.delete(f"{API}/{accepted.id}", headers=headers)
    assert response.status_code == 409 and response.get_json()["error"] == "declaration.not_deletable"
    actions = db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions == ["declaration.created", "declaration.deleted"]


def test_copy_makes_a_fresh_draft(client, ent, factories):
    enterprise, _, headers = ent
    source = factories.declaration(enterprise, status="e_record_issued", marks="ZY/TOKYO")
    response = client.post(f"{API}/{source.id}/copy", headers=headers)
    assert response.status_code == 201
    copy = response.get_json()
    assert copy["status"] == "draft" and copy["inspection_no"] is None and copy["version"] == 1
    assert copy["copied_from_id"] == source.id and copy["e_record"] is None
    assert copy["marks"] == "ZY/TOKYO" and copy["goods"][0]["name_zh"] == "竹筷"
    assert copy["certificates"] == [{"cert_code": "18", "originals": 1, "copies": 1}]
    assert copy["shipping_date"] is None
    assert client.get(f"{API}/{copy['id']}/receipts", headers=headers).get_json() == []
    assert client.get(f"{API}/{copy['id']}/attachments", headers=headers).get_json() == []


def test_enterprise_sees_only_its_own(client, ent, factories):
    enterprise, _, headers = ent
    other = factories.enterprise()
    theirs = factories.declaration(other, status="accepted")
    for method, path in [
        ("get", f"{API}/{theirs.id}"),
        ("get", f"{API}/{theirs.id}/receipts"),
        ("post", f"{API}/{theirs.id}/copy"),
        ("post", f"{API}/{theirs.id}/submit"),
        ("post", f"{API}/{theirs.id}/withdraw"),
        ("post", f"{API}/{theirs.id}/validate"),
        ("delete", f"{API}/{theirs.id}"),
        ("put", f"{API}/{theirs.id}"),  # 404 even without a version: existence is not revealed
        ("get", f"{API}/lookup?inspection_no={theirs.inspection_no}"),
    ]:
        kwargs = {"json": {}} if method in ("post", "put") else {}
        response = getattr(client, method)(path, headers=headers, **kwargs)
        assert response.status_code == 404, (method, path, response.get_json())
        assert response.get_json()["error"] == "resource.not_found"
    assert db.session.get(Declaration, theirs.id).status == "accepted"


def test_customs_of_the_district_read_but_do_not_write(client, ent, factories):
    enterprise, _, _ = ent
    mine = factories.declaration(enterprise, status="accepted", district_code="5300")
    reviewer = factories.headers(factories.user(Role.REVIEWER, district_code="5300"))
    elsewhere = factories.headers(factories.user(Role.REVIEWER, district_code="2200"))
    assert client.get(f"{API}/{mine.id}", headers=reviewer).status_code == 200
    assert client.get(f"{API}/{mine.id}/receipts", headers=reviewer).status_code == 200
    assert client.get(f"{API}/{mine.id}", headers=elsewhere).status_code == 404
    assert client.post(API, json={}, headers=reviewer).status_code == 403
    assert client.post(f"{API}/{mine.id}/withdraw", json={}, headers=reviewer).status_code == 403


def test_anonymous_is_refused(client):
    assert client.get(API).status_code == 401
    assert client.post(API, json={}).status_code == 401


def test_concurrent_edits_of_one_version_let_exactly_one_win(app, ent):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    enterprise, _, headers = ent
    created = create(app.test_client(), headers, body(enterprise))
    bodies = [{**body(enterprise), "contract_no": f"RACE-{i}", "version": 1} for i in range(6)]
    db.session.remove()  # SQLite: no open transaction may hold the write lock
    barrier = threading.Barrier(len(bodies))

    def put(data):
        barrier.wait(timeout=30)
        return app.test_client().put(f"{API}/{created['id']}", json=data, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        statuses = sorted(pool.map(put, bodies))
    assert statuses == [200] + [409] * 5
    assert db.session.get(Declaration, created["id"]).version == 2
