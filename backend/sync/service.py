"""Pull (changes since a cursor) and push (a batch of idempotent operations), as docs/sync.md describes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from backend.core import metrics
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.errors import CATALOGUE, DomainError, preferred_language
from backend.extensions import db
from backend.inspections import grouping, lifecycle, operations, photos
from backend.inspections.custody import Provenance, canonical_json, sha256_hex
from backend.instructions import changes as change_feed
from backend.instructions import leases
from backend.instructions.models import Instruction, InstructionLease
from backend.instructions.service import get_visible, lock_visible
from backend.instructions.workflow import OPEN, Status
from backend.sync import errors  # noqa: F401
from backend.sync.documents import (
    CATALOG_VERSION,
    CATALOGS,
    as_json,
    jsonable,
    load_documents,
)
from backend.sync.models import SyncOperation
from backend.sync.schemas import OPERATION_BODIES, EmptyBody

# Operations per commit in a large batch (a phone sends up to 200 at a time: one chunk). 400, not 200:
# a 10,000-op batch on SQLite went from ~4,460 to ~5,090 ops/s, half the commits (each an fsync of the
# WAL) and half the chunk's set-based reads; the write lock is held ~80 ms per chunk at that rate.
CHUNK = 400

# Operations on an open inspection's findings: they touch their own instruction only (lifecycle steps
# also move the declaration, which instructions may share).
FINDINGS = {
    "item_result.set",
    "sample.add",
    "photo.declare",
    "photo.attach",
    "conclusion.set",
    "disposition.set",
    "signature.set",
}
# Target keys unique across instructions: a chunk whose instructions share one keeps the batch's order.
SHARED_TARGETS = ("sample_id", "photo_id", "client_photo_id")
# Applied in a group without a flush of their own: they read only what the group keeps in memory
# (backend/inspections/grouping.py); the others are flushed before and after.
BUFFERED = {"item_result.set", "sample.add", "conclusion.set", "disposition.set", "signature.set"}

# A conflict is kept for retries unless it is transient (a lease can be handed over, then the op retried).
CONFLICTS = {
    "inspection.version_conflict",
    "instruction.version_conflict",
    "instruction.invalid_transition",
    "instruction.lease_held",
}
# A photo link may arrive before its resumable upload has finished: refused, not kept, retried later.
TRANSIENT = {"instruction.lease_held", "inspection.photo_not_found"}

HANDLERS = {
    "instruction.accept": lambda i, p, op: lifecycle.accept(i, prov=p, base_version=op["base_version"]),
    "instruction.start": lambda i, p, op: lifecycle.start(i, prov=p, base_version=op["base_version"]),
    "instruction.complete": lambda i, p, op: lifecycle.complete(i, prov=p, base_version=op["base_version"]),
    "item_result.set": lambda i, p, op: operations.set_item_result(
        i, prov=p, item_id=op["target"]["item_id"], base_version=op["base_version"], body=op["body"]
    ),
    "sample.add": lambda i, p, op: operations.add_sample(
        i, prov=p, sample_id=op["target"]["sample_id"].lower(), body=op["body"]
    ),
    "photo.declare": lambda i, p, op: photos.declare_photo(
        i,
        prov=p,
        client_photo_id=op["target"]["client_photo_id"].lower(),
        item_id=op["target"].get("item_id"),
        body=op["body"],
    ),
    "photo.attach": lambda i, p, op: photos.attach_photo(
        i,
        prov=p,
        photo_id=op["target"]["photo_id"],
        item_id=op["target"].get("item_id"),
        body=op["body"],
        client_photo_id=(op["target"].get("client_photo_id") or "").lower() or None,
    ),
    "conclusion.set": lambda i, p, op: operations.set_conclusion(
        i, prov=p, base_version=op["base_version"], body=op["body"]
    ),
    "disposition.set": lambda i, p, op: operations.set_disposition(
        i, prov=p, base_version=op["base_version"], body=op["body"]
    ),
    "signature.set": lambda i, p, op: operations.set_signature(
        i, prov=p, base_version=op["base_version"], body=op["body"]
    ),
}


def pull(
    *, actor: Actor, device_id: str, cursor: int = 0, limit: int = 50, catalog_version: str | None = None
) -> dict:
    """The instructions changed for this inspector since `cursor`, as whole documents; grants free leases."""
    change_feed.lock_inspectors([actor.user_id])  # leases are written: queue behind this inspector's pushes
    rows = change_feed.changes_after(inspector_id=actor.user_id, cursor=cursor, limit=limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    documents = load_documents([iid for _, iid in rows])
    instructions = documents.instructions
    lease_table = InstructionLease.__table__
    current_leases = {
        row.instruction_id: row
        for row in db.session.execute(
            sa.select(lease_table).where(lease_table.c.instruction_id.in_([iid for _, iid in rows]))
        )
    }
    now = utcnow()
    due = [
        instruction
        for instruction in instructions.values()
        if instruction.inspector_id == actor.user_id
        and Status(instruction.status) in OPEN
        and _lease_due(current_leases.get(instruction.id), device_id, now)
    ]
    current_leases.update(leases.grant(due, device_id=device_id))  # one statement for the whole page
    changes = []
    for seq, instruction_id in rows:
        instruction = instructions[instruction_id]
        if instruction.inspector_id != actor.user_id:
            changes.append(
                {"seq": seq, "instruction_id": instruction_id, "removed": True, "instruction": None}
            )
            continue
        lease = current_leases.get(instruction_id)
        if lease is not None and lease.expires_at <= now:
            lease = None
        document = documents.document(instruction, leases.lease_view(lease))
        changes.append(
            {"seq": seq, "instruction_id": instruction_id, "removed": False, "instruction": document}
        )
    db.session.commit()
    page = as_json(
        {
            "cursor": cursor,
            "next_cursor": rows[-1][0] if rows else cursor,
            "has_more": has_more,
            "server_time": utcnow(),
            "catalog_version": CATALOG_VERSION,
            "changes": changes,
        }
    )
    page["catalogs"] = None if catalog_version == CATALOG_VERSION else CATALOGS  # plain JSON already
    return page


def _lease_due(lease: InstructionLease | None, device_id: str, now) -> bool:
    """Whether a pull by this device writes the lease: none or expired, or ours past its half-life."""
    if lease is None or lease.expires_at <= now:
        return True
    return lease.device_id == device_id and lease.expires_at - now <= leases.lease_ttl() / 2


def push(*, actor: Actor, device_id: str, operations: list[dict]) -> dict:
    """Apply a batch in order per instruction, committed every CHUNK operations.

    Each instruction's operations of a chunk are applied as one group in one savepoint, their rows
    inserted together; a group that fails anywhere is rolled back and applied again one operation at a
    time (each atomically with its record), so a failure is reported by the operation that caused it.
    """
    blocked: dict[int, str] = {}
    results: list[dict] = []
    for start in range(0, len(operations), CHUNK):
        ops = operations[start : start + CHUNK]
        change_feed.lock_inspectors([actor.user_id])
        locked = lock_visible(actor=actor, instruction_ids=[op["target"]["instruction_id"] for op in ops])
        chunk = _Chunk(
            stored=_stored_many(actor, [op["op_id"].lower() for op in ops]),
            locked=locked,
            reads=grouping.read_ahead(locked),
        )
        outcomes: dict[int, dict] = {}
        with change_feed.deferred_changes():
            for group in _groups(ops):
                if len(group) < 2 or not _apply_group(actor, device_id, ops, group, blocked, chunk, outcomes):
                    chunk.reads.forget()  # written outside a group, or rolled back: read again
                    for index in group:
                        outcomes[index] = _process(actor, device_id, ops[index], blocked, chunk)
        db.session.commit()
        results.extend(outcomes[index] for index in range(len(ops)))
    counted = Counter("replayed" if result.get("replayed") else result["status"] for result in results)
    for outcome, count in counted.items():  # counted once committed (replays of a lost answer apart)
        metrics.SYNC_OPERATIONS.labels(outcome=outcome).inc(count)
    lang = preferred_language()
    return {"results": [_with_message(result, lang) for result in results]}


def _groups(ops: list[dict]) -> list[list[int]]:
    """Indexes of the chunk's operations, a list per group of one instruction, each in the batch's order.

    A chunk of operations on findings only, whose instructions share no op_id, sample or photo, gets one
    group per instruction (no operation of one instruction can change another's outcome); otherwise
    (a lifecycle step moves a declaration two instructions may share) each run of one instruction's
    consecutive operations is a group, so the batch is applied exactly in its order.
    """
    by_instruction: dict[int, list[int]] = {}
    for index, op in enumerate(ops):
        by_instruction.setdefault(op["target"]["instruction_id"], []).append(index)
    if _independent(ops):
        return list(by_instruction.values())
    runs: list[list[int]] = []
    for index, op in enumerate(ops):
        if runs and ops[runs[-1][0]]["target"]["instruction_id"] == op["target"]["instruction_id"]:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _independent(ops: list[dict]) -> bool:
    owner: dict[tuple, int] = {}
    for op in ops:
        if op["type"] not in FINDINGS:
            return False
        target, instruction_id = op["target"], op["target"]["instruction_id"]
        keys = [("op", op["op_id"].lower())]
        keys += [(name, str(target[name]).lower()) for name in SHARED_TARGETS if target.get(name) is not None]
        if any(owner.setdefault(key, instruction_id) != instruction_id for key in keys):
            return False
    return True


def _apply_group(
    actor: Actor,
    device_id: str,
    ops: list[dict],
    group: list[int],
    blocked: dict,
    chunk: _Chunk,
    outcomes: dict[int, dict],
) -> bool:
    """One instruction's operations in one savepoint, rows inserted together; False, with nothing kept
    (rows, blocks, locks and leases noted in `chunk`), when any of them fails."""
    instruction_id = ops[group[0]]["target"]["instruction_id"]
    if instruction_id in blocked:
        return False  # replays and skips only: nothing to write
    before = (dict(blocked), set(chunk.leased), instruction_id in chunk.locked)
    added: list[str] = []
    done: dict[int, dict] = {}
    savepoint = db.session.begin_nested()
    try:
        with grouping.write_group(chunk.reads) as writes, db.session.no_autoflush:
            for index in group:
                op = ops[index]
                op_id, op_hash = op["op_id"].lower(), operation_hash(op)
                stored = chunk.stored.get(op_id)
                if stored is not None:
                    done[index] = _replay(stored, op_hash, op_id, instruction_id, blocked)
                    continue
                if instruction_id in blocked:
                    done[index] = _skipped(op_id, blocked[instruction_id])
                    continue
                buffered = op["type"] in BUFFERED
                if not buffered:  # it reads what the group wrote before it
                    writes.flush()
                done[index] = _apply(actor, device_id, op, op_id, chunk)
                chunk.stored[op_id] = _record(actor, device_id, op, op_id, op_hash, done[index], group=writes)
                added.append(op_id)
                if not buffered:
                    writes.flush()
            writes.flush()
        savepoint.commit()
    except (DomainError, IntegrityError):
        savepoint.rollback()
        blocked.clear()
        blocked.update(before[0])
        chunk.leased = before[1]
        if not before[2]:
            chunk.locked.pop(instruction_id, None)
        for op_id in added:
            chunk.stored.pop(op_id, None)
        return False
    outcomes.update(done)
    return True


@dataclass
class _Chunk:
    """What one chunk's transaction already holds: stored operations, locked instructions, renewed leases,
    and what its groups read of the inspections (grouping.Reads)."""

    stored: dict[str, SyncOperation | SimpleNamespace | sa.Row]
    locked: dict[int, Instruction] = field(default_factory=dict)
    leased: set[int] = field(default_factory=set)
    reads: grouping.Reads = field(default_factory=grouping.Reads)


def _stored_many(actor: Actor, op_ids: list[str]) -> dict[str, sa.Row]:
    """The operations of this chunk the user already pushed, as plain rows (a replay reads only their
    body_sha256, status and result).

    On PostgreSQL, one probe of the unique (user_id, op_id) index per id: a LATERAL subquery over the
    ids (its LIMIT keeps the planner from turning it into a join over a scan). With `op_id IN (…)`, a
    table without planner statistics (new, or grown since its last ANALYZE) was read by user_id alone:
    200 ids at the default selectivity seem to match every row, so each stored operation of the user
    was compared with the whole list, unhashed once the statement was prepared (a quarter of a
    10,000-operation push).
    """
    table = SyncOperation.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        statement = sa.select(table).where(table.c.user_id == actor.user_id, table.c.op_id.in_(op_ids))
    else:
        keys = (
            sa.func.unnest(sa.bindparam("op_ids", op_ids, type_=postgresql.ARRAY(sa.String)))
            .table_valued("op_id")
            .render_derived()
        )
        found = (
            sa.select(table)
            .where(table.c.user_id == actor.user_id, table.c.op_id == keys.c.op_id)
            .limit(1)
            .lateral()
        )
        statement = sa.select(found).select_from(keys).join(found, sa.true())
    return {row.op_id: row for row in db.session.execute(statement)}


def _with_message(result: dict, lang: str) -> dict:
    if "error" not in result:
        return result
    _, zh, en = CATALOGUE[result["error"]]
    text = en if lang == "en" else zh
    try:
        text = text.format(**result.pop("params", {}))
    except (KeyError, IndexError):
        pass
    out = {key: value for key, value in result.items() if key != "params"}
    position = list(out).index("error") + 1
    items = list(out.items())
    return dict(items[:position] + [("message", text)] + items[position:])


def operation_hash(op: dict) -> str:
    return sha256_hex(canonical_json({key: value for key, value in op.items() if key != "op_id"}))


def _stored(actor: Actor, op_id: str) -> SyncOperation | None:
    return db.session.execute(
        sa.select(SyncOperation).where(SyncOperation.user_id == actor.user_id, SyncOperation.op_id == op_id)
    ).scalar_one_or_none()


def _replay(
    stored: SyncOperation | SimpleNamespace | sa.Row,
    op_hash: str,
    op_id: str,
    instruction_id: int,
    blocked: dict,
) -> dict:
    if stored.body_sha256 != op_hash:
        blocked.setdefault(instruction_id, op_id)
        return {
            "op_id": op_id,
            "status": "rejected",
            "replayed": False,
            "http_status": 409,
            "error": "sync.op_id_reused",
        }
    if stored.status != "applied":
        blocked.setdefault(instruction_id, op_id)
    return {**stored.result, "replayed": True}


def _process(actor: Actor, device_id: str, op: dict, blocked: dict, chunk: _Chunk) -> dict:
    op_id, instruction_id = op["op_id"].lower(), op["target"]["instruction_id"]
    op_hash = operation_hash(op)
    stored = chunk.stored.get(op_id)
    if stored is not None:
        return _replay(stored, op_hash, op_id, instruction_id, blocked)
    if instruction_id in blocked:
        return _skipped(op_id, blocked[instruction_id])
    savepoint = db.session.begin_nested()
    try:
        with db.session.no_autoflush:  # one flush per operation, in _record: a third of the cost
            result = _apply(actor, device_id, op, op_id, chunk)
            chunk.stored[op_id] = _record(actor, device_id, op, op_id, op_hash, result)
        savepoint.commit()
        return result
    except DomainError as exc:
        savepoint.rollback()  # with the messages and changes it announced: the operation did not happen
        result = _failure(exc, op, op_id)
    except IntegrityError:  # the same op_id committed meanwhile by a concurrent delivery
        savepoint.rollback()
        return _replay(_stored(actor, op_id), op_hash, op_id, instruction_id, blocked)
    blocked[instruction_id] = op_id
    if result["error"] not in TRANSIENT:
        with db.session.begin_nested():
            chunk.stored[op_id] = _record(actor, device_id, op, op_id, op_hash, result)
    return result


def _skipped(op_id: str, blocked_by: str) -> dict:
    return {
        "op_id": op_id,
        "status": "skipped",
        "replayed": False,
        "error": "sync.blocked_by_earlier",
        "blocked_by": blocked_by,
    }


def _apply(actor: Actor, device_id: str, op: dict, op_id: str, chunk: _Chunk) -> dict:
    instruction_id = op["target"]["instruction_id"]
    instruction = chunk.locked.get(instruction_id)
    if instruction is None:  # locked until the chunk commits; a failure blocks the rest of the batch anyway
        instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
        chunk.locked[instruction_id] = instruction
    if instruction_id not in chunk.leased and Status(instruction.status) in OPEN:
        leases.hold(instruction, device_id=device_id)
        chunk.leased.add(instruction_id)
    prov = Provenance(
        actor=actor,
        device_id=device_id,
        op_id=op_id,
        recorded_at=op["recorded_at"],
        location=op.get("location"),
    )
    if OPERATION_BODIES[op["type"]] is EmptyBody:  # the other bodies are checked by their handlers
        operations.load_body(EmptyBody, op["body"])
    outcome = HANDLERS[op["type"]](instruction, prov, op)
    return jsonable(
        {
            "op_id": op_id,
            "status": "applied",
            "replayed": False,
            "version": outcome["version"],
            "data": outcome["data"],
        }
    )


def _failure(exc: DomainError, op: dict, op_id: str) -> dict:
    base = {"op_id": op_id, "replayed": False}
    if exc.error in CONFLICTS:
        detail = exc.detail or {}
        server = detail.get("server", {k: v for k, v in detail.items() if k != "device"})
        result = {**base, "status": "conflict", "error": exc.error, "server": server}
        if exc.error != "instruction.lease_held":
            result["device"] = {"base_version": op["base_version"], "body": op["body"]}
    else:
        result = {**base, "status": "rejected", "http_status": exc.status, "error": exc.error}
        if exc.errors:
            result["errors"] = exc.errors
    if exc.params:
        result["params"] = exc.params
    return jsonable(result)


def _record(
    actor: Actor,
    device_id: str,
    op: dict,
    op_id: str,
    op_hash: str,
    result: dict,
    *,
    group: grouping.WriteGroup | None = None,
) -> SyncOperation | SimpleNamespace:
    """The processed operation's row; in a group, kept aside for the group's insert (what a replay in
    the same chunk reads of it is the same: body_sha256, status, result)."""
    values = {
        "user_id": actor.user_id,
        "op_id": op_id,
        "device_id": device_id,
        "instruction_id": op["target"]["instruction_id"],
        "op_type": op["type"],
        "body_sha256": op_hash,
        "status": result["status"],
        "result": result,
    }
    if group is not None:
        group.add(SyncOperation, values)
        return SimpleNamespace(**values)
    row = SyncOperation(**values)
    db.session.add(row)
    db.session.flush()
    return row
