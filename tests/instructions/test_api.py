"""指令管理 over REST: who may create, see, assign, accept, cancel, and hold the device lease."""

from backend.core.enums import Role
from backend.extensions import db
from backend.instructions.models import Instruction

BASE = "/api/v1/instructions"


def create(client, world, **extra):
    body = {"declaration_id": world.declaration.id, "item_codes": ["verify_goods", "labels"], **extra}
    return client.post(BASE, json=body, headers=world.h_supervisor)


def test_a_supervisor_creates_by_hand_and_the_inspector_is_told(client, world, emitted):
    response = create(client, world, note="举报线索", priority=1, inspector_id=world.inspector.id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["source"], body["priority"], body["version"]) == ("assigned", "manual", 1, 2)
    assert [i["code"] for i in body["items"]] == ["verify_goods", "labels"]
    assert body["items"][0]["evidence"] == ["photo"]
    rooms = {(room, event) for room, event, _ in emitted}
    assert ("district:5300", "instruction.created") in rooms
    assert (f"user:{world.inspector.id}", "instruction.assigned") in rooms


def test_a_reviewer_may_create_but_not_for_a_declaration_not_in_notice_or_twice(client, world, factories):
    reviewer = factories.user(Role.REVIEWER)
    ok = client.post(
        BASE,
        json={"declaration_id": world.declaration.id, "item_codes": ["labels"]},
        headers=factories.headers(reviewer),
    )
    assert ok.status_code == 201
    assert create(client, world).get_json()["error"] == "instruction.already_open"
    draft = factories.declaration(world.enterprise, status="returned")
    refused = client.post(
        BASE, json={"declaration_id": draft.id, "item_codes": ["labels"]}, headers=world.h_supervisor
    )
    assert (refused.status_code, refused.get_json()["error"]) == (
        409,
        "instruction.declaration_not_in_notice",
    )


def test_creation_is_refused_outside_the_district_for_enterprises_and_inspectors(client, world, factories):
    elsewhere = factories.user(Role.SUPERVISOR, district_code="5100")
    response = client.post(
        BASE,
        json={"declaration_id": world.declaration.id, "item_codes": ["labels"]},
        headers=factories.headers(elsewhere),
    )
    assert (response.status_code, response.get_json()["error"]) == (404, "resource.not_found")
    owner = factories.user(Role.ENTERPRISE, enterprise=world.enterprise)
    assert (
        client.post(
            BASE, json={"declaration_id": 1, "item_codes": ["labels"]}, headers=factories.headers(owner)
        ).status_code
        == 403
    )
    assert (
        client.post(
            BASE, json={"declaration_id": 1, "item_codes": ["labels"]}, headers=world.h_inspector
        ).status_code
        == 403
    )


def test_unknown_items_fields_and_huge_ids_are_refused(client, world):
    assert create(client, world, item_codes=["teleport"]).status_code == 422
    assert create(client, world, colour="red").status_code == 422
    assert client.get(f"{BASE}/9223372036854775808", headers=world.h_supervisor).status_code == 404


def test_inspectors_see_only_their_own_supervisors_their_district(client, world, factories):
    mine = factories.instruction(world.declaration, inspector=world.inspector)
    other_declaration = factories.declaration(world.enterprise, status="inspection_notice")
    theirs = factories.instruction(other_declaration, inspector=world.other_inspector)
    listed = client.get(BASE, headers=world.h_inspector).get_json()
    assert [row["id"] for row in listed] == [mine.id]
    assert client.get(f"{BASE}/{theirs.id}", headers=world.h_inspector).status_code == 404
    assert [row["id"] for row in client.get(BASE, headers=world.h_supervisor).get_json()] == [
        theirs.id,
        mine.id,
    ]
    assert [
        r["id"] for r in client.get(f"{BASE}?status=assigned&limit=1", headers=world.h_supervisor).get_json()
    ] == [theirs.id]
    elsewhere = factories.headers(factories.user(Role.SUPERVISOR, district_code="5100"))
    assert client.get(BASE, headers=elsewhere).get_json() == []
    assert client.get(f"{BASE}/{mine.id}", headers=elsewhere).status_code == 404


def test_assign_only_to_an_active_inspector_of_the_district(client, world, factories):
    instruction = factories.instruction(world.declaration)
    far = factories.user(Role.INSPECTOR, district_code="5100")
    for user in (far, world.supervisor):
        response = client.post(
            f"{BASE}/{instruction.id}/assign", json={"inspector_id": user.id}, headers=world.h_supervisor
        )
        assert (response.status_code, response.get_json()["error"]) == (422, "instruction.inspector_invalid")
    assert (
        client.post(
            f"{BASE}/{instruction.id}/assign",
            json={"inspector_id": world.inspector.id},
            headers=world.h_inspector,
        ).status_code
        == 403
    )


def test_reassignment_moves_the_work_and_tells_both_inspectors(client, world, factories, emitted):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    assert (
        client.post(
            f"{BASE}/{instruction.id}/accept", json={"device_id": "phone-a-0001"}, headers=world.h_inspector
        ).status_code
        == 200
    )
    response = client.post(
        f"{BASE}/{instruction.id}/assign",
        json={"inspector_id": world.other_inspector.id, "expected_version": 3},
        headers=world.h_supervisor,
    )
    assert (
        response.get_json()["status"] == "assigned"
        and response.get_json()["inspector_id"] == world.other_inspector.id
    )
    events = {(room, event) for room, event, _ in emitted}
    assert (f"user:{world.other_inspector.id}", "instruction.assigned") in events
    assert (f"user:{world.inspector.id}", "instruction.unassigned") in events
    assert ("district:5300", "instruction.status") in events
    assert client.get(f"{BASE}/{instruction.id}", headers=world.h_inspector).status_code == 404
    stale = client.post(
        f"{BASE}/{instruction.id}/assign",
        json={"inspector_id": world.inspector.id, "expected_version": 3},
        headers=world.h_supervisor,
    )
    assert (stale.status_code, stale.get_json()["error"]) == (409, "instruction.version_conflict")


def test_only_the_assignee_accepts_and_starts_then_the_declaration_is_inspecting(
    client, world, factories, emitted
):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    assert client.post(f"{BASE}/{instruction.id}/accept", json={}, headers=world.h_other).status_code == 404
    assert (
        client.post(f"{BASE}/{instruction.id}/start", json={}, headers=world.h_inspector).get_json()["error"]
        == "instruction.invalid_transition"
    )
    assert (
        client.post(f"{BASE}/{instruction.id}/accept", json={}, headers=world.h_inspector).status_code == 200
    )
    twice = client.post(f"{BASE}/{instruction.id}/accept", json={}, headers=world.h_inspector)
    assert (twice.status_code, twice.get_json()["error"]) == (409, "instruction.invalid_transition")
    started = client.post(
        f"{BASE}/{instruction.id}/start", json={"expected_version": 3}, headers=world.h_inspector
    )
    assert started.get_json() == {
        "instruction_id": instruction.id,
        "version": 4,
        "instruction_status": "in_progress",
        "declaration_status": "inspecting",
    }
    assert (f"enterprise:{world.enterprise.id}", "declaration.receipt") in {(r, e) for r, e, _ in emitted}


def test_a_supervisor_cancels_an_open_instruction_but_not_a_cancelled_one(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    assert (
        client.post(
            f"{BASE}/{instruction.id}/cancel", json={"reason": "x"}, headers=world.h_inspector
        ).status_code
        == 403
    )
    response = client.post(
        f"{BASE}/{instruction.id}/cancel",
        json={"reason": "企业撤回货物", "then": "accepted"},
        headers=world.h_supervisor,
    )
    assert response.get_json()["status"] == "cancelled"
    again = client.post(
        f"{BASE}/{instruction.id}/cancel",
        json={"reason": "again", "then": "accepted"},
        headers=world.h_supervisor,
    )
    assert (again.status_code, again.get_json()["error"]) == (409, "instruction.invalid_transition")
    assert (
        client.post(f"{BASE}/{instruction.id}/accept", json={}, headers=world.h_inspector).status_code == 409
    )


def test_the_lease_is_held_by_one_device_until_taken_over_or_released(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    url = f"{BASE}/{instruction.id}/lease"
    first = client.post(url, json={"device_id": "phone-a-0001"}, headers=world.h_inspector)
    assert first.status_code == 200 and first.get_json()["previous_device_id"] is None
    refused = client.post(url, json={"device_id": "phone-b-0002"}, headers=world.h_inspector)
    assert (refused.status_code, refused.get_json()["error"]) == (409, "instruction.lease_held")
    assert refused.get_json()["detail"]["lease"]["device_id"] == "phone-a-0001"
    moved = client.post(url, json={"device_id": "phone-b-0002", "take_over": True}, headers=world.h_inspector)
    assert moved.get_json()["previous_device_id"] == "phone-a-0001"
    assert (
        client.delete(f"{url}?device_id=phone-a-0001", headers=world.h_inspector).get_json()["error"]
        == "instruction.lease_not_held"
    )
    assert client.delete(f"{url}?device_id=phone-b-0002", headers=world.h_inspector).status_code == 204
    assert client.post(url, json={"device_id": "phone-a-0001"}, headers=world.h_inspector).status_code == 200
    assert client.post(url, json={"device_id": "phone-a-0001"}, headers=world.h_other).status_code == 404


def test_an_expired_lease_is_free_for_the_next_device(app, client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    url = f"{BASE}/{instruction.id}/lease"
    app.config["INSTRUCTION_LEASE_TTL"] = -1
    try:
        assert (
            client.post(url, json={"device_id": "phone-a-0001"}, headers=world.h_inspector).status_code == 200
        )
    finally:
        del app.config["INSTRUCTION_LEASE_TTL"]
    assert client.post(url, json={"device_id": "phone-b-0002"}, headers=world.h_inspector).status_code == 200
    assert db.session.get(Instruction, instruction.id).status == "assigned"
