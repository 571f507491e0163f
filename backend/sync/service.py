"""Pull (changes since a cursor) and push (a batch of idempotent operations), as docs/sync.md describes."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.core import metrics
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.errors import CATALOGUE, DomainError, preferred_language
from backend.extensions import db
from backend.inspections import lifecycle, operations, photos
from backend.inspections.custody import Provenance, canonical_json, sha256_hex
from backend.instructions import changes as change_feed
from backend.instructions import leases
from backend.instructions.models import Instruction, InstructionLease
from backend.instructions.service import get_visible
from backend.instructions.workflow import OPEN, Status
from backend.sync import errors  # noqa: F401
from backend.sync.documents import CATALOG_VERSION, CATALOGS, instruction_document, jsonable, load_documents
from backend.sync.models import SyncOperation
from backend.sync.schemas import OPERATION_BODIES, EmptyBody

CHUNK = 200  # operations per commit in a large batch

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
    instructions, declarations, inspections, appointments = load_documents([iid for _, iid in rows])
    current_leases = {
        row.instruction_id: row
        for row in db.session.execute(
            sa.select(InstructionLease).where(InstructionLease.instruction_id.in_([iid for _, iid in rows]))
        ).scalars()
    }
    changes = []
    for seq, instruction_id in rows:
        instruction = instructions[instruction_id]
        if instruction.inspector_id != actor.user_id:
            changes.append(
                {"seq": seq, "instruction_id": instruction_id, "removed": True, "instruction": None}
            )
            continue
        lease = current_leases.get(instruction_id)
        if Status(instruction.status) in OPEN:
            lease = _fresh_lease(instruction, lease, device_id)
        elif lease is not None and lease.expires_at <= utcnow():
            lease = None
        document = instruction_document(
            instruction,
            declarations[instruction.declaration_id],
            inspections.get(instruction_id),
            leases.lease_view(lease),
            appointments.get(instruction.declaration_id),
        )
        changes.append(
            {"seq": seq, "instruction_id": instruction_id, "removed": False, "instruction": document}
        )
    db.session.commit()
    return jsonable(
        {
            "cursor": cursor,
            "next_cursor": rows[-1][0] if rows else cursor,
            "has_more": has_more,
            "server_time": utcnow(),
            "catalog_version": CATALOG_VERSION,
            "catalogs": None if catalog_version == CATALOG_VERSION else CATALOGS,
            "changes": changes,
        }
    )


def _fresh_lease(instruction, lease: InstructionLease | None, device_id: str) -> InstructionLease | None:
    now = utcnow()
    if (
        lease is not None
        and lease.expires_at > now
        and (lease.device_id != device_id or lease.expires_at - now > leases.lease_ttl() / 2)
    ):
        return lease  # held elsewhere, or ours and fresh enough: no write
    return leases.hold(instruction, device_id=device_id)


def push(*, actor: Actor, device_id: str, operations: list[dict]) -> dict:
    """Apply a batch in order: each operation atomically with its record, committed every CHUNK operations."""
    blocked: dict[int, str] = {}
    results = []
    for start in range(0, len(operations), CHUNK):
        ops = operations[start : start + CHUNK]
        change_feed.lock_inspectors([actor.user_id])
        chunk = _Chunk(stored=_stored_many(actor, [op["op_id"].lower() for op in ops]))
        with change_feed.deferred_changes():
            for op in ops:
                results.append(_process(actor, device_id, op, blocked, chunk))
        db.session.commit()
    for result in results:  # counted once committed (replays of a lost answer apart)
        outcome = "replayed" if result.get("replayed") else result["status"]
        metrics.SYNC_OPERATIONS.labels(outcome=outcome).inc()
    lang = preferred_language()
    return {"results": [_with_message(result, lang) for result in results]}


@dataclass
class _Chunk:
    """What one chunk's transaction already holds: stored operations, locked instructions, renewed leases."""

    stored: dict[str, SyncOperation]
    locked: dict[int, Instruction] = field(default_factory=dict)
    leased: set[int] = field(default_factory=set)


def _stored_many(actor: Actor, op_ids: list[str]) -> dict[str, SyncOperation]:
    rows = db.session.execute(
        sa.select(SyncOperation).where(
            SyncOperation.user_id == actor.user_id, SyncOperation.op_id.in_(op_ids)
        )
    ).scalars()
    return {row.op_id: row for row in rows}


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


def _replay(stored: SyncOperation, op_hash: str, op_id: str, instruction_id: int, blocked: dict) -> dict:
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
        return {
            "op_id": op_id,
            "status": "skipped",
            "replayed": False,
            "error": "sync.blocked_by_earlier",
            "blocked_by": blocked[instruction_id],
        }
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


def _record(actor: Actor, device_id: str, op: dict, op_id: str, op_hash: str, result: dict) -> SyncOperation:
    row = SyncOperation(
        user_id=actor.user_id,
        op_id=op_id,
        device_id=device_id,
        instruction_id=op["target"]["instruction_id"],
        op_type=op["type"],
        body_sha256=op_hash,
        status=result["status"],
        result=result,
    )
    db.session.add(row)
    db.session.flush()
    return row
