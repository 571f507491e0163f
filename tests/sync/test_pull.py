"""Pull: pages by change sequence, resumable from any cursor, tombstones, catalogs, leases."""

from backend.core.enums import Role

PULL = "/api/v1/sync/pull"


def pull(client, headers, device="phone-a-0001", **query):
    query = {"device_id": device, **query}
    response = client.get(PULL, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_pages_follow_the_change_sequence_and_resume_from_the_cursor(client, world, factories):
    made = []
    for _ in range(5):
        declaration = factories.declaration(world.enterprise, status="inspection_notice")
        made.append(factories.instruction(declaration, inspector=world.inspector).id)
    first = pull(client, world.h_inspector, limit=2)
    assert [c["instruction_id"] for c in first["changes"]] == made[:2] and first["has_more"] is True
    second = pull(client, world.h_inspector, limit=2, cursor=first["next_cursor"])
    assert [c["instruction_id"] for c in second["changes"]] == made[2:4]
    again = pull(client, world.h_inspector, limit=2, cursor=first["next_cursor"])  # a lost page, asked again
    assert [c["instruction_id"] for c in again["changes"]] == made[2:4]
    last = pull(client, world.h_inspector, limit=50, cursor=second["next_cursor"])
    assert [c["instruction_id"] for c in last["changes"]] == made[4:] and last["has_more"] is False
    empty = pull(client, world.h_inspector, cursor=last["next_cursor"])
    assert empty["changes"] == [] and empty["next_cursor"] == last["next_cursor"]


def test_a_change_moves_the_instruction_to_the_end_of_the_sequence(client, world, factories):
    a = factories.instruction(world.declaration, inspector=world.inspector)
    other = factories.declaration(world.enterprise, status="inspection_notice")
    b = factories.instruction(other, inspector=world.inspector)
    cursor = pull(client, world.h_inspector)["next_cursor"]
    client.post(f"/api/v1/instructions/{a.id}/accept", json={}, headers=world.h_inspector)
    changes = pull(client, world.h_inspector, cursor=cursor)["changes"]
    assert [(c["instruction_id"], c["instruction"]["status"]) for c in changes] == [(a.id, "accepted")]
    assert b.id not in [c["instruction_id"] for c in changes]


def test_reassignment_leaves_a_tombstone_for_the_previous_inspector(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    cursor = pull(client, world.h_inspector)["next_cursor"]
    client.post(
        f"/api/v1/instructions/{instruction.id}/assign",
        json={"inspector_id": world.other_inspector.id},
        headers=world.h_supervisor,
    )
    gone = pull(client, world.h_inspector, cursor=cursor)["changes"]
    assert gone == [
        {"seq": gone[0]["seq"], "instruction_id": instruction.id, "removed": True, "instruction": None}
    ]
    theirs = pull(client, world.h_other, device="phone-c-0003")["changes"]
    assert theirs[0]["instruction"]["status"] == "assigned"
    assert theirs[0]["instruction"]["lease"]["device_id"] == "phone-c-0003"


def test_catalogs_are_sent_only_to_a_device_without_the_current_version(client, world):
    first = pull(client, world.h_inspector)
    assert set(first["catalogs"]) == {
        "inspection_items",
        "item_results",
        "conclusions",
        "dispositions",
        "sample_units",
        "operation_schemas",
    }
    assert first["catalogs"]["dispositions"]["treatment"]["required"][0] == "method"
    assert pull(client, world.h_inspector, catalog_version=first["catalog_version"])["catalogs"] is None


def test_the_first_device_to_pull_holds_the_lease_and_a_second_sees_it(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    assert (
        pull(client, world.h_inspector)["changes"][0]["instruction"]["lease"]["device_id"] == "phone-a-0001"
    )
    seen = pull(client, world.h_inspector, device="phone-b-0002")["changes"][0]["instruction"]
    assert seen["lease"]["device_id"] == "phone-a-0001" and seen["id"] == instruction.id


def test_only_inspectors_pull_and_the_query_is_strict(client, world):
    assert (
        client.get(PULL, query_string={"device_id": "phone-a-0001"}, headers=world.h_supervisor).status_code
        == 403
    )
    assert client.get(PULL, headers=world.h_inspector).status_code == 422
    for bad in ({"limit": 0}, {"limit": 201}, {"cursor": -1}, {"catalog_version": "x" * 65}):
        query = {"device_id": "phone-a-0001", **bad}
        assert client.get(PULL, query_string=query, headers=world.h_inspector).status_code == 422
    assert (
        client.get(PULL, query_string={"device_id": "bad id!"}, headers=world.h_inspector).status_code == 422
    )


def test_an_instruction_of_another_inspector_never_appears(client, world, factories):
    factories.instruction(world.declaration, inspector=world.other_inspector)
    assert pull(client, world.h_inspector)["changes"] == []
    assert factories.user(Role.INSPECTOR)  # a third inspector with nothing yet
