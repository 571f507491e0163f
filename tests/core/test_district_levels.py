"""Levels of customs (DOMAIN.md "Who may do what"): a 直属海关 reads its 隶属海关's work, the national
level (海关总署, 0000) reads everything and acts on nothing, and a district never reads its parent's or a
sibling's work. Writes stay with the district that owns the work."""

from __future__ import annotations

from backend.core.enums import Role
from backend.core.permissions import visible_district_codes
from tests.helpers import actor_of


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    items = body["items"] if isinstance(body, dict) else body
    return {item["id"] for item in items}


def _work(factories, district_code):
    enterprise = factories.enterprise(district_code=district_code)
    queued = factories.declaration(enterprise, status="accepted", district_code=district_code)
    noticed = factories.declaration(enterprise, status="inspection_notice", district_code=district_code)
    supervisor = factories.user(Role.SUPERVISOR, district_code=district_code)
    instruction = factories.instruction(noticed, supervisor=supervisor)
    return queued, instruction


def test_visible_district_codes_follow_the_tree(app, factories):
    codes = {
        district: visible_district_codes(actor_of(factories.user(Role.SUPERVISOR, district_code=district)))
        for district in ("0000", "5300", "5301", "2200")
    }
    assert codes["0000"] is None
    assert codes["5300"] == frozenset({"5300", "5301", "5302", "5320"})
    assert codes["5301"] == frozenset({"5301"})
    assert codes["2200"] == frozenset({"2200"})
    enterprise_user = factories.user(Role.ENTERPRISE, enterprise=factories.enterprise(district_code="5301"))
    assert visible_district_codes(actor_of(enterprise_user)) == frozenset()


def test_parent_reads_subordinates_child_reads_neither_parent_nor_sibling(client, factories):
    parent_queued, parent_instruction = _work(factories, "5300")
    child_queued, child_instruction = _work(factories, "5301")
    sibling_queued, sibling_instruction = _work(factories, "5320")
    other_queued, other_instruction = _work(factories, "2200")

    parent = factories.headers(factories.user(Role.SUPERVISOR, district_code="5300"))
    child = factories.headers(factories.user(Role.SUPERVISOR, district_code="5301"))
    national = factories.headers(factories.user(Role.SUPERVISOR, district_code="0000"))

    # Lists: instructions and the review queue.
    assert _ids(client.get("/api/v1/instructions", headers=parent)) == {
        parent_instruction.id,
        child_instruction.id,
        sibling_instruction.id,
    }
    assert _ids(client.get("/api/v1/instructions", headers=child)) == {child_instruction.id}
    assert _ids(client.get("/api/v1/instructions", headers=national)) == {
        parent_instruction.id,
        child_instruction.id,
        sibling_instruction.id,
        other_instruction.id,
    }
    assert _ids(client.get("/api/v1/review/queue", headers=parent)) == {
        parent_queued.id,
        child_queued.id,
        sibling_queued.id,
    }
    assert _ids(client.get("/api/v1/review/queue", headers=child)) == {child_queued.id}
    assert len(_ids(client.get("/api/v1/review/queue", headers=national))) == 4

    # Detail reads.
    assert client.get(f"/api/v1/instructions/{child_instruction.id}", headers=parent).status_code == 200
    assert client.get(f"/api/v1/instructions/{other_instruction.id}", headers=national).status_code == 200
    for instruction in (parent_instruction, sibling_instruction, other_instruction):
        response = client.get(f"/api/v1/instructions/{instruction.id}", headers=child)
        assert response.status_code == 404 and response.get_json()["error"] == "resource.not_found"
    assert client.get(f"/api/v1/instructions/{other_instruction.id}", headers=parent).status_code == 404
    assert client.get(f"/api/v1/declarations/{child_queued.id}", headers=parent).status_code == 200
    assert client.get(f"/api/v1/declarations/{parent_queued.id}", headers=child).status_code == 404
    assert _ids(client.get("/api/v1/declarations", headers=parent)) >= {child_queued.id, sibling_queued.id}
    assert other_queued.id not in _ids(client.get("/api/v1/declarations", headers=parent))


def test_writes_stay_with_the_owning_district_and_national_reads_only(client, factories):
    _, child_instruction = _work(factories, "5301")
    child_inspector = factories.user(Role.INSPECTOR, district_code="5301")
    parent_inspector = factories.user(Role.INSPECTOR, district_code="5300")
    parent = factories.headers(factories.user(Role.SUPERVISOR, district_code="5300"))
    national = factories.headers(factories.user(Role.SUPERVISOR, district_code="0000"))
    child = factories.headers(factories.user(Role.SUPERVISOR, district_code="5301"))

    url = f"/api/v1/instructions/{child_instruction.id}/assign"
    refused = client.post(url, json={"inspector_id": parent_inspector.id}, headers=parent)
    assert refused.status_code == 403 and refused.get_json()["error"] == "scope.read_only_district"
    assert {"message", "code", "status"} <= set(refused.get_json())

    refused = client.post(url, json={"inspector_id": child_inspector.id}, headers=national)
    body = refused.get_json()
    assert refused.status_code == 403 and body["error"] == "scope.national_read_only"
    english = client.post(
        url, json={"inspector_id": child_inspector.id}, headers={**national, "Accept-Language": "en"}
    )
    assert "read" in english.get_json()["message"]

    # A national-level user may still log out (its own account only).
    assert client.post("/api/v1/auth/logout", headers=national).status_code == 204

    done = client.post(url, json={"inspector_id": child_inspector.id}, headers=child)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["inspector_id"] == child_inspector.id


def test_a_parent_supervisors_socket_hears_its_subordinates_rooms(app, factories):
    from backend.extensions import db, socketio
    from backend.realtime import district_room, notify

    supervisor = factories.user(Role.SUPERVISOR, district_code="5300")
    reviewer = factories.user(Role.REVIEWER, district_code="5300")
    tokens = [factories.headers(user)["Authorization"][7:] for user in (supervisor, reviewer)]
    board, desk = (socketio.test_client(app, auth={"token": token}) for token in tokens)
    board.get_received(), desk.get_received()
    for district in ("5301", "5320", "2200"):
        notify(district_room(district), "instruction.changed", {"district": district})
    db.session.commit()
    heard = [m["args"][0]["district"] for m in board.get_received()]
    assert sorted(heard) == ["5301", "5320"]  # subordinates, never another 直属海关
    assert desk.get_received() == []  # a reviewer keeps to its own district's room
    board.disconnect()
    desk.disconnect()
