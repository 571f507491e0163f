"""Statements per sync request, counted on the engine: a push costs a few statements per group of one
instruction's operations (not per operation), a pull a handful whatever the number of instructions."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import sqlalchemy as sa

from backend.extensions import db
from backend.inspections.models import EvidenceRecord, InspectionItemResult, InspectionSample
from backend.instructions.models import InstructionLease
from backend.sync.models import SyncOperation


@contextmanager
def counted():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def started(client, world, factories, declaration):
    instruction = factories.instruction(declaration, inspector=world.inspector)
    ops = [
        factories.op("instruction.accept", instruction.id, base_version=2),
        factories.op("instruction.start", instruction.id, base_version=3),
    ]
    assert {r["status"] for r in factories.push(client, world.h_inspector, ops)} == {"applied"}
    return instruction


def findings(factories, instruction, count: int, versions: dict) -> list[dict]:
    """`count` operations on one instruction: four samples to one chained item result, as a phone sends."""
    ops = []
    for n in range(count):
        if n % 5 == 4:
            item = instruction.items[n % 2].id
            body = {"result": "conforms", "notes": f"复核 {n}"}
            base = versions.get(item, 0)
            ops.append(
                factories.op("item_result.set", instruction.id, item_id=item, base_version=base, body=body)
            )
            versions[item] = base + 1
        else:
            body = {
                "sample_no": f"S-{n}",
                "quantity": "1.5",
                "unit": "kg",
                "laboratory": "lab",
                "tests": ["x"],
            }
            ops.append(factories.op("sample.add", instruction.id, sample_id=str(uuid.uuid4()), body=body))
    return ops


def count_of(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_a_100_operation_group_costs_at_most_two_statements_per_operation(client, world, factories):
    instruction = started(client, world, factories, world.declaration)
    versions: dict = {}
    costs = []
    for size in (50, 100):
        ops = findings(factories, instruction, size, versions)
        with counted() as statements:
            results = factories.push(client, world.h_inspector, ops)
        assert [r["status"] for r in results] == ["applied"] * size, results[:3]
        costs.append(len(statements))
    assert costs[1] <= 2 * 100, costs
    assert costs[1] - costs[0] <= 3, costs  # set-based: fifty more operations, (almost) no more statements
    assert count_of(InspectionSample) == 120 and count_of(SyncOperation) == 2 + 150
    results = db.session.execute(sa.select(InspectionItemResult.version)).scalars().all()
    assert sorted(results) == [15, 15]
    seqs = db.session.execute(sa.select(EvidenceRecord.seq).order_by(EvidenceRecord.seq)).scalars().all()
    assert seqs == list(range(1, 1 + 1 + 150))  # start, then one custody row per operation, one chain


def test_a_failure_inside_a_group_is_reported_by_its_operation_and_the_rest_of_the_group_waits(
    client, world, factories
):
    instruction = started(client, world, factories, world.declaration)
    ops = findings(factories, instruction, 10, {})
    reused = {**ops[1], "op_id": str(uuid.uuid4())}  # a new operation adding the same sample again
    results = factories.push(client, world.h_inspector, [*ops[:5], reused, *ops[5:]])
    assert [r["status"] for r in results] == ["applied"] * 5 + ["rejected"] + ["skipped"] * 5
    assert results[5]["error"] == "inspection.sample_exists" and results[6]["blocked_by"] == reused["op_id"]
    assert count_of(InspectionSample) == 4 and count_of(SyncOperation) == 2 + 5 + 1


def test_a_sample_shared_by_two_instructions_keeps_the_batch_order(client, world, factories):
    first = started(client, world, factories, world.declaration)
    second = started(
        client, world, factories, factories.declaration(world.enterprise, status="inspection_notice")
    )
    a, b = findings(factories, first, 2, {}), findings(factories, second, 1, {})
    b_again = factories.op("sample.add", first.id, sample_id=b[0]["target"]["sample_id"], body=b[0]["body"])
    results = factories.push(client, world.h_inspector, [a[0], b[0], a[1], b_again])
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "rejected"]


def test_a_first_pull_costs_the_same_statements_for_two_or_twelve_instructions(client, world, factories):
    def first_pull(device: str, expected: int) -> int:
        with counted() as statements:
            response = client.get(
                "/api/v1/sync/pull",
                query_string={"device_id": device, "limit": 200},
                headers=world.h_inspector,
            )
        changes = response.get_json()["changes"]
        assert len(changes) == expected
        assert {c["instruction"]["lease"]["device_id"] for c in changes} == {device}  # leases granted
        return len(statements)

    for _ in range(2):
        factories.instruction(
            factories.declaration(world.enterprise, status="inspection_notice"), inspector=world.inspector
        )
    few = first_pull("phone-a-0001", 2)
    db.session.execute(sa.delete(InstructionLease))
    db.session.commit()
    for _ in range(10):
        factories.instruction(
            factories.declaration(world.enterprise, status="inspection_notice"), inspector=world.inspector
        )
    many = first_pull("phone-b-0002", 12)
    assert many == few and many <= 16, (few, many)
    assert count_of(InstructionLease) == 12
