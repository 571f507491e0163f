"""Device leases: an instruction is worked on one device at a time; leases expire or are handed over."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

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


def lease_view(lease: InstructionLease | None) -> dict | None:
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
