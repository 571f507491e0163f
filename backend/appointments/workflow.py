"""The appointment lifecycle: the only code that changes an appointment's status.

apply() checks the transition and which side may take it, the version, then sets the status, bumps
the version, writes the audit row and queues the announcement to the other side, in the caller's
transaction.
"""

from __future__ import annotations

from enum import StrEnum

from backend.appointments import errors  # noqa: F401  (registers the codes)
from backend.appointments.models import Appointment
from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.statemachine import StateMachine
from backend.realtime import district_room, enterprise_room, notify, user_room


class Status(StrEnum):
    REQUESTED = "requested"  # 已预约，待海关确认
    PROPOSED = "proposed"  # 海关建议改期，待企业答复
    CONFIRMED = "confirmed"  # 已确认
    DECLINED = "declined"  # 海关不予安排
    CANCELLED = "cancelled"  # 已取消


class Event(StrEnum):
    CONFIRM = "confirm"
    PROPOSE = "propose"
    ACCEPT_PROPOSAL = "accept_proposal"
    DECLINE_PROPOSAL = "decline_proposal"
    DECLINE = "decline"
    CANCEL = "cancel"


ENTERPRISE, CUSTOMS = "enterprise", "customs"
S, E = Status, Event
TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (S.REQUESTED, E.CONFIRM): S.CONFIRMED,
    (S.REQUESTED, E.PROPOSE): S.PROPOSED,
    (S.REQUESTED, E.DECLINE): S.DECLINED,
    (S.PROPOSED, E.ACCEPT_PROPOSAL): S.CONFIRMED,
    # The enterprise turns the proposal down: back to its own request, customs decides again.
    (S.PROPOSED, E.DECLINE_PROPOSAL): S.REQUESTED,
    (S.REQUESTED, E.CANCEL): S.CANCELLED,
    (S.PROPOSED, E.CANCEL): S.CANCELLED,
    (S.CONFIRMED, E.CANCEL): S.CANCELLED,
}

# Which side may take each event.
SIDES: dict[Event, frozenset[str]] = {
    E.CONFIRM: frozenset({CUSTOMS}),
    E.PROPOSE: frozenset({CUSTOMS}),
    E.DECLINE: frozenset({CUSTOMS}),
    E.ACCEPT_PROPOSAL: frozenset({ENTERPRISE}),
    E.DECLINE_PROPOSAL: frozenset({ENTERPRISE}),
    E.CANCEL: frozenset({ENTERPRISE, CUSTOMS}),
}


MACHINE = StateMachine("appointment", TRANSITIONS, initial=S.REQUESTED)


def side_of(actor: Actor) -> str:
    return ENTERPRISE if actor.is_enterprise else CUSTOMS


def apply(
    appointment: Appointment,
    event: Event,
    *,
    actor: Actor,
    expected_version: int | None = None,
    detail: dict | None = None,
) -> None:
    """Move `appointment` along `event`; the caller commits."""
    if side_of(actor) not in SIDES[event]:
        raise MACHINE.refuse(appointment, event)
    change = MACHINE.apply(appointment, event, actor=actor, expected_version=expected_version)
    before, target = Status(change.before), Status(change.after)
    record_event(
        action=f"appointment.{event.value}",
        entity_type="appointment",
        entity_id=appointment.id,
        actor=actor,
        before={"status": before.value},
        after={"status": target.value, **(detail or {})},
        district_code=appointment.district_code,
    )
    announce(appointment, actor=actor, event=event.value)


def announce(appointment: Appointment, *, actor: Actor, event: str) -> None:
    """Tell the other side (and a booked inspector) that the appointment changed."""
    data = {
        "appointment_id": appointment.id,
        "status": appointment.status,
        "version": appointment.version,
        "event": event,
    }
    if side_of(actor) == ENTERPRISE:
        notify(district_room(appointment.district_code), "appointment.changed", data)
    else:
        notify(enterprise_room(appointment.enterprise_id), "appointment.changed", data)
    if appointment.inspector_id is not None:
        notify(user_room(appointment.inspector_id), "appointment.changed", data)
