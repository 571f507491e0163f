"""What the supervisor's board needs from the API: whom to assign, names instead of ids, the lease."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from backend.core.enums import Role
from backend.extensions import db

BASE = "/api/v1/instructions"


@contextmanager
def counted_selects():
    """Counts the SELECT statements sent while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _named(user, name):
    user.display_name = name
    db.session.commit()
    return user


def test_the_inspectors_list_is_the_districts_active_inspectors_with_open_counts(client, world, factories):
    _named(world.inspector, "外勤查检员 孙勤")
    _named(world.other_inspector, "查检员 李明")
    inactive = factories.user(Role.INSPECTOR)
    inactive.active = False
    db.session.commit()
    factories.user(Role.INSPECTOR, district_code="5100")  # another district: never listed
    factories.user(Role.REVIEWER)  # not an inspector
    factories.instruction(world.declaration, inspector=world.inspector)  # assigned: open
    for status in ("accepted", "in_progress", "completed", "cancelled"):
        declaration = factories.declaration(world.enterprise, status="inspection_notice")
        instruction = factories.instruction(declaration, inspector=world.inspector)
        instruction.status = status
    db.session.commit()
    factories.instruction(factories.declaration(world.enterprise, status="inspection_notice"))  # pending

    response = client.get(f"{BASE}/inspectors", headers=world.h_supervisor)
    assert response.status_code == 200, response.get_json()
    rows = response.get_json()
    # ordered by name in the database's collation, which differs between SQLite and PostgreSQL
    assert sorted(rows, key=lambda row: row["id"]) == [
        {"id": world.inspector.id, "display_name": "外勤查检员 孙勤", "open_count": 3},
        {"id": world.other_inspector.id, "display_name": "查检员 李明", "open_count": 0},
    ]


def test_the_inspectors_list_stays_in_the_callers_district_and_is_for_officers(client, world, factories):
    elsewhere = factories.user(Role.SUPERVISOR, district_code="5100")
    theirs = factories.user(Role.INSPECTOR, district_code="5100")
    listed = client.get(f"{BASE}/inspectors", headers=factories.headers(elsewhere)).get_json()
    assert [row["id"] for row in listed] == [theirs.id]
    reviewer = factories.user(Role.REVIEWER)  # a reviewer may assign when issuing by hand
    by_reviewer = client.get(f"{BASE}/inspectors", headers=factories.headers(reviewer))
    assert {row["id"] for row in by_reviewer.get_json()} == {world.inspector.id, world.other_inspector.id}
    owner = factories.user(Role.ENTERPRISE, enterprise=world.enterprise)
    for headers in (world.h_inspector, factories.headers(owner)):
        refused = client.get(f"{BASE}/inspectors", headers=headers)
        assert (refused.status_code, refused.get_json()["error"]) == (403, "auth.forbidden")


def test_an_instruction_names_its_inspector_number_and_enterprise(client, world, factories):
    _named(world.inspector, "外勤查检员 孙勤")
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    body = client.get(f"{BASE}/{instruction.id}", headers=world.h_supervisor).get_json()
    assert body["inspector_name"] == "外勤查检员 孙勤"
    assert body["inspection_no"] == world.declaration.inspection_no is not None
    assert (body["enterprise_id"], body["enterprise_name"]) == (world.enterprise.id, world.enterprise.name_zh)
    assert body["lease"] is None
    pending = factories.instruction(factories.declaration(world.enterprise, status="inspection_notice"))
    unassigned = client.get(f"{BASE}/{pending.id}", headers=world.h_supervisor).get_json()
    assert (unassigned["inspector_id"], unassigned["inspector_name"]) == (None, None)


def test_the_list_loads_names_and_leases_without_a_query_per_row(client, world, factories):
    url = f"{BASE}?limit=200"
    first = factories.instruction(world.declaration, inspector=world.inspector)
    client.post(f"{BASE}/{first.id}/lease", json={"device_id": "phone-x-0001"}, headers=world.h_inspector)
    with counted_selects() as one_row:
        assert len(client.get(url, headers=world.h_supervisor).get_json()) == 1
    for n in range(6):
        declaration = factories.declaration(world.enterprise, status="inspection_notice")
        inspector = world.inspector if n % 2 else world.other_inspector
        instruction = factories.instruction(declaration, inspector=inspector)
        headers = world.h_inspector if n % 2 else world.h_other
        taken = client.post(
            f"{BASE}/{instruction.id}/lease", json={"device_id": f"phone-{n}-0001"}, headers=headers
        )
        assert taken.status_code == 200
    with counted_selects() as seven_rows:
        rows = client.get(url, headers=world.h_supervisor).get_json()
    assert len(rows) == 7
    assert len(seven_rows) == len(one_row), (len(one_row), len(seven_rows))
    devices = {"phone-x-0001"} | {f"phone-{n}-0001" for n in range(6)}
    assert {row["lease"]["device_id"] for row in rows} == devices


def test_the_lease_shows_holder_device_and_expiry_and_stays_visible_once_expired(
    app, client, world, factories
):
    _named(world.inspector, "外勤查检员 孙勤")
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    url = f"{BASE}/{instruction.id}"
    taken = client.post(f"{url}/lease", json={"device_id": "phone-a-0001"}, headers=world.h_inspector)
    assert taken.status_code == 200
    lease = client.get(url, headers=world.h_supervisor).get_json()["lease"]
    assert lease["inspector_id"] == world.inspector.id
    assert lease["inspector_name"] == "外勤查检员 孙勤"
    assert lease["device_id"] == "phone-a-0001"
    assert lease["expires_at"] == taken.get_json()["expires_at"]
    assert lease["expired"] is False
    # the inspector's own view shows it too (it is their device)
    assert client.get(url, headers=world.h_inspector).get_json()["lease"]["device_id"] == "phone-a-0001"

    app.config["INSTRUCTION_LEASE_TTL"] = -1
    try:
        renewed = client.post(f"{url}/lease", json={"device_id": "phone-a-0001"}, headers=world.h_inspector)
        assert renewed.status_code == 200
    finally:
        del app.config["INSTRUCTION_LEASE_TTL"]
    expired = client.get(url, headers=world.h_supervisor).get_json()["lease"]
    assert (expired["device_id"], expired["expired"]) == ("phone-a-0001", True)


def test_a_reassignment_names_the_new_inspector_and_drops_the_lease(client, world):
    _named(world.other_inspector, "查检员 李明")
    instruction_id = client.post(
        BASE,
        json={
            "declaration_id": world.declaration.id,
            "item_codes": ["labels"],
            "inspector_id": world.inspector.id,
        },
        headers=world.h_supervisor,
    ).get_json()["id"]
    url = f"{BASE}/{instruction_id}"
    client.post(f"{url}/lease", json={"device_id": "phone-a-0001"}, headers=world.h_inspector)
    version = client.get(url, headers=world.h_supervisor).get_json()["version"]
    body = client.post(
        f"{url}/assign",
        json={"inspector_id": world.other_inspector.id, "expected_version": version},
        headers=world.h_supervisor,
    ).get_json()
    assert (body["inspector_id"], body["inspector_name"], body["lease"]) == (
        world.other_inspector.id,
        "查检员 李明",
        None,
    )
    stale = client.post(
        f"{url}/assign",
        json={"inspector_id": world.inspector.id, "expected_version": version},
        headers=world.h_supervisor,
    )
    assert (stale.status_code, stale.get_json()["error"]) == (409, "instruction.version_conflict")
