"""Property: random pushes with retries, duplicates, reordered batches, lost answers, two devices and an
officer editing at the desk end with exactly the records a reference model of docs/sync.md predicts.

The model is the protocol in a few lines: per-target versions, idempotency by op_id and content,
blocking after the first failure of an instruction in a batch, leases (lease conflicts are not kept).
Every answer the server gives is compared with the model's, so every conflict must be reported; at the
end the server's findings, samples, processed operations and custody rows must equal the model's:
nothing lost, nothing doubled.
"""

from __future__ import annotations

import collections
import copy
import itertools
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.core.enums import Role
from backend.extensions import db
from backend.inspections.models import EvidenceRecord, Inspection, InspectionItemResult, InspectionSample
from backend.sync.models import SyncOperation
from tests.helpers import (
    auth_headers,
    make_declaration,
    make_enterprise,
    make_instruction,
    make_op,
    make_user,
)

DEVICES = ("phone-a-0001", "phone-b-0002")
RESULTS = ("conforms", "does_not_conform", "not_applicable")
PUSH = "/api/v1/sync/push"
SEEN: collections.Counter = collections.Counter()  # outcomes over all examples, checked by the next test

device = st.sampled_from(DEVICES)
edit = st.tuples(st.just("edit"), device, st.integers(0, 1), st.integers(0, 1), st.sampled_from(RESULTS))
send = st.tuples(st.just("send"), device, st.integers(1, 5), st.booleans(), st.booleans(), st.booleans())
steps = st.lists(
    st.one_of(
        edit,
        edit,
        edit,
        send,
        send,
        send,
        st.tuples(st.just("sample"), device, st.integers(0, 1)),
        st.tuples(st.just("resend_old"), device, st.integers(0, 20)),
        st.tuples(st.just("reuse_id"), device, st.integers(0, 20)),
        st.tuples(
            st.just("officer"), st.integers(0, 1), st.integers(0, 1), st.sampled_from(RESULTS), st.booleans()
        ),
        st.tuples(st.just("take_over"), device, st.integers(0, 1)),
    ),
    min_size=10,
    max_size=40,
)


@dataclass
class Model:
    """The server as docs/sync.md describes it."""

    items: dict = field(default_factory=dict)  # item_id -> (version, result)
    samples: set = field(default_factory=set)
    stored: dict = field(default_factory=dict)  # op_id -> (content, status, error)
    lease: dict = field(default_factory=dict)  # instruction_id -> device

    def push(self, device_id: str, ops: list[dict]) -> list[tuple[str, str | None]]:
        blocked, answers = set(), []
        for op in ops:
            instruction, content = op["target"]["instruction_id"], _content(op)
            if op["op_id"] in self.stored:
                stored_content, status, error = self.stored[op["op_id"]]
                if stored_content != content:
                    blocked.add(instruction)
                    answers.append(("rejected", "sync.op_id_reused"))
                    continue
                if status != "applied":
                    blocked.add(instruction)
                answers.append((status, error))
                continue
            if instruction in blocked:
                answers.append(("skipped", "sync.blocked_by_earlier"))
                continue
            if self.lease.get(instruction, device_id) != device_id:
                blocked.add(instruction)
                answers.append(("conflict", "instruction.lease_held"))
                continue
            self.lease[instruction] = device_id
            status, error = self._apply(op)
            self.stored[op["op_id"]] = (content, status, error)
            if status != "applied":
                blocked.add(instruction)
            answers.append((status, error))
        return answers

    def _apply(self, op: dict) -> tuple[str, str | None]:
        if op["type"] == "sample.add":
            sample_id = op["target"]["sample_id"]
            if sample_id in self.samples:
                return "rejected", "inspection.sample_exists"
            self.samples.add(sample_id)
            return "applied", None
        item = op["target"]["item_id"]
        version, _ = self.items.get(item, (0, None))
        if op["base_version"] != version:
            return "conflict", "inspection.version_conflict"
        self.items[item] = (version + 1, op["body"]["result"])
        return "applied", None


def _content(op: dict) -> tuple:
    return tuple(sorted((key, repr(value)) for key, value in op.items() if key != "op_id"))


@dataclass
class Device:
    name: str
    outbox: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # every batch sent, for retries
    known: dict = field(default_factory=dict)  # item_id -> server version last seen

    def base_for(self, item_id: int) -> int:
        """The pulled version plus one per own operation on it still in the outbox (docs/sync.md)."""
        pending = sum(1 for op in self.outbox if op["target"].get("item_id") == item_id)
        return self.known.get(item_id, 0) + pending


def _world(client):
    supervisor = make_user(Role.SUPERVISOR)
    inspector = make_user(Role.INSPECTOR)
    enterprise = make_enterprise()
    headers = auth_headers(inspector)
    instructions = []
    for _ in range(2):
        instruction = make_instruction(
            make_declaration(enterprise, status="inspection_notice"), inspector=inspector
        )
        response = client.post(
            PUSH,
            headers=headers,
            json={
                "device_id": DEVICES[0],
                "operations": [
                    make_op("instruction.accept", instruction.id, base_version=2),
                    make_op("instruction.start", instruction.id, base_version=3),
                ],
            },
        )
        assert [r["status"] for r in response.get_json()["results"]] == ["applied", "applied"]
        instructions.append((instruction.id, [item.id for item in instruction.items[:2]]))
    return headers, auth_headers(supervisor), instructions


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=steps)
def test_random_pushes_end_with_exactly_the_intended_records(client, program):
    headers, officer, instructions = _world(client)
    model = Model(lease={instruction_id: DEVICES[0] for instruction_id, _ in instructions})
    devices = {name: Device(name) for name in DEVICES}
    counter = itertools.count()

    def send(dev: Device, batch: list[dict], lose_answer: bool = False) -> None:
        expected = model.push(dev.name, batch)
        response = client.post(PUSH, json={"device_id": dev.name, "operations": batch}, headers=headers)
        assert response.status_code == 200, response.get_json()
        got = [(r["status"], r.get("error")) for r in response.get_json()["results"]]
        SEEN.update(f"{status}:{error}" if error else status for status, error in got)
        assert got == expected, (batch, got, expected)
        dev.sent.append(batch)
        if lose_answer:
            return  # the device never heard back: everything stays in its outbox
        answered = {op["op_id"] for op, (status, _) in zip(batch, got, strict=True) if status != "skipped"}
        for op, (status, _) in zip(batch, got, strict=True):
            item = op["target"].get("item_id")
            if item is not None and status in ("applied", "conflict"):
                dev.known[item] = model.items.get(item, (0, None))[0]  # as the next pull would show
        dev.outbox = [op for op in dev.outbox if op["op_id"] not in answered]

    for step in program:
        kind, args = step[0], step[1:]
        if kind == "edit":
            dev, (instruction_id, items) = devices[args[0]], instructions[args[1]]
            item = items[args[2]]
            dev.outbox.append(
                make_op(
                    "item_result.set",
                    instruction_id,
                    item_id=item,
                    base_version=dev.base_for(item),
                    body={"result": args[3], "notes": f"n{next(counter)}"},
                )
            )
        elif kind == "sample":
            dev, (instruction_id, _) = devices[args[0]], instructions[args[1]]
            dev.outbox.append(
                make_op(
                    "sample.add",
                    instruction_id,
                    sample_id=str(uuid.uuid4()),
                    body={
                        "sample_no": f"S-{next(counter)}",
                        "quantity": "1",
                        "unit": "kg",
                        "laboratory": "lab",
                        "tests": ["moisture"],
                    },
                )
            )
        elif kind == "send":
            dev, size, duplicate, reverse, lose_answer = devices[args[0]], *args[1:]
            batch = list(dev.outbox[:size])
            if batch:
                batch = batch + batch[:1] if duplicate else batch
                send(dev, batch[::-1] if reverse else batch, lose_answer)
        elif kind == "resend_old":
            dev = devices[args[0]]
            if dev.sent:
                send(dev, dev.sent[args[1] % len(dev.sent)])
        elif kind == "reuse_id":
            dev = devices[args[0]]
            if dev.sent:
                old = copy.deepcopy(dev.sent[args[1] % len(dev.sent)][0])
                old["recorded_at"] = "2026-11-27T11:11:11+08:00"  # same id, other content
                send(dev, [old])
        elif kind == "officer":
            item = instructions[args[0]][1][args[1]]
            version = model.items.get(item, (0, None))[0]
            base = version + 1 if args[3] else version
            response = client.put(
                f"/api/v1/inspections/{instructions[args[0]][0]}/items/{item}",
                json={"base_version": base, "result": args[2]},
                headers=officer,
            )
            if args[3]:
                assert (response.status_code, response.get_json()["error"]) == (
                    409,
                    "inspection.version_conflict",
                )
            else:
                assert response.status_code == 200, response.get_json()
                model.items[item] = (version + 1, args[2])
        elif kind == "take_over":
            instruction_id = instructions[args[1]][0]
            response = client.post(
                f"/api/v1/instructions/{instruction_id}/lease",
                headers=headers,
                json={"device_id": args[0], "take_over": True},
            )
            assert response.status_code == 200
            model.lease[instruction_id] = args[0]

    # Drain: each device takes the leases over and sends its outbox until nothing is left.
    for dev in devices.values():
        for instruction_id, _ in instructions:
            client.post(
                f"/api/v1/instructions/{instruction_id}/lease",
                headers=headers,
                json={"device_id": dev.name, "take_over": True},
            )
            model.lease[instruction_id] = dev.name
        for _ in range(len(dev.outbox) + 1):
            if dev.outbox:
                send(dev, list(dev.outbox))
        assert dev.outbox == []

    _assert_server_equals_model(model, instructions)


def _assert_server_equals_model(model: Model, instructions) -> None:
    db.session.expire_all()
    item_ids = [item for _, items in instructions for item in items]
    rows = db.session.execute(
        sa.select(InspectionItemResult).where(InspectionItemResult.instruction_item_id.in_(item_ids))
    ).scalars()
    assert {row.instruction_item_id: (row.version, row.result) for row in rows} == model.items
    instruction_ids = [instruction_id for instruction_id, _ in instructions]
    samples = (
        db.session.execute(
            sa.select(InspectionSample.sample_uid)
            .join(Inspection, Inspection.id == InspectionSample.inspection_id)
            .where(Inspection.instruction_id.in_(instruction_ids))
        )
        .scalars()
        .all()
    )
    assert sorted(samples) == sorted(model.samples)  # none lost, none doubled
    stored = db.session.execute(
        sa.select(SyncOperation.op_id, SyncOperation.status).where(
            SyncOperation.instruction_id.in_(instruction_ids),
            SyncOperation.op_type.in_(["item_result.set", "sample.add"]),
        )
    ).all()
    assert dict(stored) == {op_id: status for op_id, (_, status, _) in model.stored.items()}
    custody = db.session.execute(
        sa.select(EvidenceRecord.op_id, sa.func.count())
        .where(EvidenceRecord.op_id.in_(list(model.stored)))
        .group_by(EvidenceRecord.op_id)
    ).all()
    assert dict(custody) == {
        op_id: 1 for op_id, (_, status, _) in model.stored.items() if status == "applied"
    }


def test_the_random_programs_reached_every_outcome():
    """Guards the generator: the property above saw applies, replays, conflicts, rejections and skips."""
    if not SEEN:  # run on its own: nothing to check
        return
    for outcome in (
        "applied",
        "conflict:inspection.version_conflict",
        "conflict:instruction.lease_held",
        "rejected:sync.op_id_reused",
        "skipped:sync.blocked_by_earlier",
    ):
        assert SEEN[outcome] > 0, (outcome, SEEN)
