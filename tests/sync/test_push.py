"""Push: idempotent operations, per-instruction order, leases, strict envelopes, concurrent deliveries."""

import threading

import pytest
import sqlalchemy as sa

from backend.extensions import db
from backend.inspections.models import EvidenceRecord, InspectionSample
from backend.sync.models import SyncOperation

PUSH = "/api/v1/sync/push"


@pytest.fixture
def two_started(client, world, factories):
    """Two instructions of the inspector, accepted and started on phone A."""
    made = []
    for declaration in (
        world.declaration,
        factories.declaration(world.enterprise, status="inspection_notice"),
    ):
        instruction = factories.instruction(declaration, inspector=world.inspector)
        results = factories.push(
            client,
            world.h_inspector,
            [
                factories.op("instruction.accept", instruction.id, base_version=2),
                factories.op("instruction.start", instruction.id, base_version=3),
            ],
        )
        assert {r["status"] for r in results} == {"applied"}
        made.append(instruction)
    return made


def evidence_of(op_id):
    return db.session.execute(sa.select(sa.func.count()).where(EvidenceRecord.op_id == op_id)).scalar_one()


def test_a_duplicate_in_the_same_batch_and_a_resent_batch_apply_once(client, world, factories, two_started):
    first = two_started[0]
    sample = factories.op(
        "sample.add",
        first.id,
        sample_id="11111111-2222-4333-8444-555555555555",
        body={"sample_no": "S-9", "quantity": "1", "unit": "kg", "laboratory": "lab", "tests": ["moisture"]},
    )
    results = factories.push(client, world.h_inspector, [sample, sample])
    assert [(r["status"], r["replayed"]) for r in results] == [("applied", False), ("applied", True)]
    assert factories.push(client, world.h_inspector, [sample])[0]["replayed"] is True
    assert db.session.execute(sa.select(sa.func.count()).select_from(InspectionSample)).scalar_one() == 1
    assert evidence_of(sample["op_id"]) == 1
    again = factories.op("sample.add", first.id, sample_id=sample["target"]["sample_id"], body=sample["body"])
    refused = factories.push(client, world.h_inspector, [again])[0]
    assert (refused["status"], refused["error"]) == ("rejected", "inspection.sample_exists")


def test_a_failure_blocks_only_its_own_instruction(client, world, factories, two_started):
    a, b = two_started
    results = factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set", a.id, base_version=5, item_id=a.items[0].id, body={"result": "conforms"}
            ),
            factories.op(
                "item_result.set", b.id, base_version=0, item_id=b.items[0].id, body={"result": "conforms"}
            ),
            factories.op(
                "item_result.set", a.id, base_version=0, item_id=a.items[1].id, body={"result": "conforms"}
            ),
        ],
    )
    assert [r["status"] for r in results] == ["conflict", "applied", "skipped"]
    assert results[0]["server"]["version"] == 0 and results[0]["device"]["base_version"] == 5
    assert results[2]["blocked_by"] == results[0]["op_id"]
    stored = dict(db.session.execute(sa.select(SyncOperation.op_id, SyncOperation.status)).all())
    assert results[2]["op_id"] not in stored and stored[results[0]["op_id"]] == "conflict"
    replay = factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set",
                a.id,
                base_version=5,
                item_id=a.items[0].id,
                body={"result": "conforms"},
                op_id=results[0]["op_id"],
            )
        ],
    )[0]
    assert (replay["status"], replay["replayed"]) == ("conflict", True)


def test_a_lease_conflict_is_not_kept_so_the_operation_applies_after_a_take_over(
    client, world, factories, two_started
):
    a = two_started[0]
    op = factories.op(
        "item_result.set", a.id, base_version=0, item_id=a.items[0].id, body={"result": "conforms"}
    )
    held = factories.push(client, world.h_inspector, [op], device_id="phone-b-0002")[0]
    assert (held["status"], held["error"]) == ("conflict", "instruction.lease_held")
    assert held["server"]["lease"]["device_id"] == "phone-a-0001" and "device" not in held
    client.post(
        f"/api/v1/instructions/{a.id}/lease",
        json={"device_id": "phone-b-0002", "take_over": True},
        headers=world.h_inspector,
    )
    assert factories.push(client, world.h_inspector, [op], device_id="phone-b-0002")[0]["status"] == "applied"
    late = factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set", a.id, base_version=0, item_id=a.items[1].id, body={"result": "conforms"}
            )
        ],
    )[0]
    assert late["error"] == "instruction.lease_held"


def test_operations_on_instructions_not_yours_or_missing_are_rejected(client, world, factories, two_started):
    a = two_started[0]
    results = factories.push(
        client,
        world.h_other,
        [
            factories.op(
                "item_result.set", a.id, base_version=0, item_id=a.items[0].id, body={"result": "conforms"}
            ),
            factories.op("instruction.accept", 999999, base_version=1),
        ],
    )
    assert [(r["status"], r["http_status"], r["error"]) for r in results] == [
        ("rejected", 404, "resource.not_found"),
        ("rejected", 404, "resource.not_found"),
    ]
    wrong_item = factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set",
                a.id,
                base_version=0,
                item_id=two_started[1].items[0].id,
                body={"result": "conforms"},
            )
        ],
    )
    assert wrong_item[0]["error"] == "resource.not_found"


@pytest.mark.parametrize(
    "change",
    [
        {"op_id": "not-a-uuid"},
        {"type": "item_result.delete"},
        {"target": {"instruction_id": 1}},  # item_result.set without item_id
        {"base_version": None},
        {"recorded_at": "2026-11-27T10:00:00"},  # no offset
        {"location": {"lat": 91, "lon": 0}},
        {"extra": 1},
    ],
)
def test_a_malformed_envelope_refuses_the_whole_batch(client, world, factories, change):
    op = {
        **factories.op("item_result.set", 1, base_version=0, item_id=1, body={"result": "conforms"}),
        **change,
    }
    response = client.post(
        PUSH, json={"device_id": "phone-a-0001", "operations": [op]}, headers=world.h_inspector
    )
    assert (response.status_code, response.get_json()["error"]) == (422, "request.invalid")


def test_batch_limits_and_roles(client, world, factories):
    assert (
        client.post(
            PUSH, json={"device_id": "phone-a-0001", "operations": []}, headers=world.h_inspector
        ).status_code
        == 422
    )
    create = factories.op("sample.add", 1, base_version=3, sample_id="11111111-2222-4333-8444-555555555555")
    assert (
        client.post(
            PUSH, json={"device_id": "phone-a-0001", "operations": [create]}, headers=world.h_inspector
        ).status_code
        == 422
    )
    assert (
        client.post(
            PUSH, json={"device_id": "phone-a-0001", "operations": []}, headers=world.h_supervisor
        ).status_code
        == 403
    )


def test_concurrent_deliveries_of_one_operation_apply_it_once(app, world, factories, two_started):
    a = two_started[0]
    op = factories.op(
        "item_result.set", a.id, base_version=0, item_id=a.items[0].id, body={"result": "conforms"}
    )
    outcomes, barrier = [], threading.Barrier(6)
    db.session.commit()  # SQLite: this session must not hold the write lock the threads queue for

    def deliver():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(
                PUSH, json={"device_id": "phone-a-0001", "operations": [op]}, headers=world.h_inspector
            )
            outcomes.append(response.get_json()["results"][0])
            db.session.remove()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (
        sorted((r["status"], r["replayed"]) for r in outcomes)
        == [("applied", False)] + [("applied", True)] * 5
    )
    assert evidence_of(op["op_id"]) == 1
