"""Device leases: an instruction is worked on one device at a time; leases expire or are handed over."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.instructions import errors  # noqa: F401
from backend.instructions.models import Instruction, InstructionLease

DEFAULT_TTL_SECONDS = 24 * 3600


def lease_ttl() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("INSTRUCTION_LEASE_TTL", DEFAULT_TTL_SECONDS)))


def active_lease(instruction_id: int) -> InstructionLease | None:
    lease = db.session.get(InstructionLease, instruction_id)
    if lease is None or lease.expires_at <= utcnow():
        return None
    return lease


def lease_view(lease: InstructionLease | sa.Row | None) -> dict | None:
    return None if lease is None else {"device_id": lease.device_id, "expires_at": lease.expires_at}


def hold(instruction: Instruction, *, device_id: str, take_over: bool = False) -> InstructionLease:
    """Give or renew this device's lease; another device's active lease is refused unless `take_over`."""
    now = utcnow()
    lease = db.session.get(InstructionLease, instruction.id)
    if lease is not None and lease.expires_at > now and lease.device_id != device_id and not take_over:
        raise DomainError("instruction.lease_held", detail={"lease": lease_view(lease)})
    if lease is None:
        lease = InstructionLease(instruction_id=instruction.id)
        db.session.add(lease)
    if lease.device_id != device_id or lease.inspector_id != instruction.inspector_id:
        lease.acquired_at = now
    lease.device_id = device_id
    lease.inspector_id = instruction.inspector_id
    lease.expires_at = now + lease_ttl()
    return lease


def grant(instructions: list[Instruction | sa.Row], *, device_id: str) -> dict[int, sa.Row]:
    """Give or renew this device's lease on each instruction in one statement (a pull's first page).

    A lease another device holds unexpired is left as it is (the caller read it under the inspector's
    lock; the condition keeps a racing take-over safe). Returns the leases written, by instruction id,
    as plain rows (the session's copies of older rows, if any, are stale until it commits).
    """
    if not instructions:
        return {}
    now = utcnow()
    expires_at = now + lease_ttl()
    table = InstructionLease.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    moved = sa.or_(
        table.c.device_id != insert.excluded.device_id, table.c.inspector_id != insert.excluded.inspector_id
    )
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.instruction_id],
        set_={
            "device_id": insert.excluded.device_id,
            "inspector_id": insert.excluded.inspector_id,
            "expires_at": insert.excluded.expires_at,
            "acquired_at": sa.case((moved, insert.excluded.acquired_at), else_=table.c.acquired_at),
        },
        where=sa.or_(table.c.expires_at <= sa.bindparam("now"), table.c.device_id == sa.bindparam("device")),
    ).returning(*table.c)
    rows = [
        {
            "instruction_id": instruction.id,
            "inspector_id": instruction.inspector_id,
            "device_id": device_id,
            "acquired_at": now,
            "expires_at": expires_at,
            "now": now,
            "device": device_id,
        }
        for instruction in instructions
    ]
    # executemany: one statement (batched VALUES), compiled once and cached whatever the page size
    written = db.session.execute(statement, rows).all()
    return {row.instruction_id: row for row in written}


def try_hold(instruction: Instruction, *, device_id: str) -> InstructionLease | None:
    """Hold the lease when no other device does; return the active lease either way."""
    current = active_lease(instruction.id)
    if current is not None and current.device_id != device_id:
        return current
    if current is not None and current.expires_at - utcnow() > lease_ttl() / 2:
        return current  # fresh enough: a pull renews only past half-life, so pulls stay cheap
    return hold(instruction, device_id=device_id)


def take_over(*, actor: Actor, instruction: Instruction, device_id: str) -> dict:
    """The inspector confirmed moving the work to `device_id`."""
    previous = active_lease(instruction.id)
    previous_device = previous.device_id if previous else None
    lease = hold(instruction, device_id=device_id, take_over=True)
    record_event(
        action="instruction.lease_taken_over",
        entity_type="instruction",
        entity_id=instruction.id,
        actor=actor,
        before={"device_id": previous_device},
        after={"device_id": device_id},
    )
    return {
        "instruction_id": instruction.id,
        "device_id": device_id,
        "expires_at": lease.expires_at,
        "previous_device_id": previous_device,
    }


def release(*, actor: Actor, instruction: Instruction, device_id: str) -> None:
    """The holding device gives the lease up (hand-over from the old phone)."""
    lease = active_lease(instruction.id)
    if lease is None or lease.device_id != device_id:
        raise DomainError("instruction.lease_not_held")
    db.session.delete(lease)
    record_event(
        action="instruction.lease_released",
        entity_type="instruction",
        entity_id=instruction.id,
        actor=actor,
        before={"device_id": device_id},
        after=None,
    )
