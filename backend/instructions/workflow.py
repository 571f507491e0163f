"""The instruction's lifecycle: the only code that changes an instruction's status.

pending → assigned → accepted → in_progress → completed | cancelled. A supervisor may reassign an
open instruction (the new inspector accepts again) and cancel it until it is completed.
"""

from __future__ import annotations

from enum import StrEnum

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.statemachine import StateMachine
from backend.instructions import errors  # noqa: F401  (registers the codes)
from backend.instructions.changes import record_change
from backend.instructions.models import Instruction
from backend.realtime import district_room, notify, user_room


class Status(StrEnum):
    PENDING = "pending"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Event(StrEnum):
    ASSIGN = "assign"
    ACCEPT = "accept"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


S, E = Status, Event
TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (S.PENDING, E.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, E.ASSIGN): S.ASSIGNED,
    (S.ACCEPTED, E.ASSIGN): S.ASSIGNED,
    (S.IN_PROGRESS, E.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, E.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, E.START): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.COMPLETE): S.COMPLETED,
    (S.PENDING, E.CANCEL): S.CANCELLED,
    (S.ASSIGNED, E.CANCEL): S.CANCELLED,
    (S.ACCEPTED, E.CANCEL): S.CANCELLED,
    (S.IN_PROGRESS, E.CANCEL): S.CANCELLED,
}
OPEN = frozenset({S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS})
MACHINE = StateMachine(
    "instruction",
    TRANSITIONS,
    initial=S.PENDING,
    refusal_detail=lambda instruction, status, event: {"status": status, "version": instruction.version},
    conflict_detail=lambda instruction: {
        "current_version": instruction.version,
        "status": instruction.status,
    },
)


def can_apply(instruction: Instruction, event: Event) -> bool:
    return MACHINE.can(instruction, event)


def apply(
    instruction: Instruction,
    event: Event,
    *,
    actor: Actor | None,
    inspector_id: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Status:
    """Move `instruction` along `event` (ASSIGN takes `inspector_id`): audit, sync change, realtime."""
    previous_inspector = instruction.inspector_id
    change = MACHINE.apply(instruction, event, actor=actor, expected_version=expected_version)
    before, target = Status(change.before), Status(change.after)
    if event == Event.ASSIGN:
        instruction.inspector_id = inspector_id
    record_event(
        action=f"instruction.{event.value}",
        entity_type="instruction",
        entity_id=instruction.id,
        actor=actor,
        before={"status": before.value, "inspector_id": previous_inspector},
        after={
            "status": target.value,
            "inspector_id": instruction.inspector_id,
            **({"reason": reason} if reason else {}),
        },
        district_code=instruction.district_code,
    )
    record_change(inspector_id=instruction.inspector_id, instruction_id=instruction.id)
    if previous_inspector not in (None, instruction.inspector_id):
        record_change(inspector_id=previous_inspector, instruction_id=instruction.id)  # its tombstone
    message = {
        "instruction_id": instruction.id,
        "status": target.value,
        "version": instruction.version,
        "inspector_id": instruction.inspector_id,
    }
    notify(district_room(instruction.district_code), "instruction.status", message)
    if event == Event.ASSIGN:
        notify(user_room(inspector_id), "instruction.assigned", message)
        if previous_inspector not in (None, inspector_id):
            notify(
                user_room(previous_inspector), "instruction.unassigned", {"instruction_id": instruction.id}
            )
    return target
