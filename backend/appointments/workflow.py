"""The appointment lifecycle: the only code that changes an appointment's status.

apply() checks the transition and which side may take it, the version, then sets the status, bumps
the version, writes the audit row, the receipt on the application (回执: what the enterprise, and the
Single Window for the applications it sent, hear about the booking) and queues the announcement to
the other side, in the caller's transaction.
"""

from __future__ import annotations

from enum import StrEnum

from backend.appointments import errors  # noqa: F401  (registers the codes)
from backend.appointments.catalog import SLOTS
from backend.appointments.models import Appointment
from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.receipts import write_receipt
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

REQUESTED = "requested"  # the booking itself: no transition, but a receipt like the others
# The receipt on the application per event: (code, 中文, English); {date} {slot} {reason} filled in.
RECEIPTS: dict[str, tuple[str, str, str]] = {
    REQUESTED: (
        "APPOINTMENT_REQUESTED",
        "查检预约已受理：{date} {slot_zh}，待海关确认。",
        "Inspection appointment accepted for {date} ({slot_en}), awaiting confirmation.",
    ),
    E.CONFIRM: (
        "APPOINTMENT_CONFIRMED",
        "查检预约已确认：{date} {slot_zh}。",
        "Inspection appointment confirmed: {date} ({slot_en}).",
    ),
    E.PROPOSE: (
        "APPOINTMENT_PROPOSED",
        "海关建议改期至 {date} {slot_zh}，请答复。",
        "Customs proposes {date} ({slot_en}) instead; please answer.",
    ),
    E.ACCEPT_PROPOSAL: (
        "APPOINTMENT_CONFIRMED",
        "查检预约已确认：{date} {slot_zh}。",
        "Inspection appointment confirmed: {date} ({slot_en}).",
    ),
    E.DECLINE_PROPOSAL: (
        "APPOINTMENT_PROPOSAL_DECLINED",
        "企业未接受改期建议，待海关重新安排。",
        "The proposed time was turned down; customs decides again.",
    ),
    E.DECLINE: ("APPOINTMENT_DECLINED", "海关不予安排查检预约：{reason}", "Appointment declined: {reason}"),
    E.CANCEL: ("APPOINTMENT_CANCELLED", "查检预约已取消：{reason}", "Appointment cancelled: {reason}"),
}


def write_appointment_receipt(appointment: Appointment, event: str, *, actor: Actor, detail: dict) -> None:
    """The receipt of a booking or of one of its transitions, on the application it belongs to."""
    code, zh, en = RECEIPTS[event]
    slot = SLOTS.get(detail.get("slot") or "", ("", "", "", ""))
    values = {
        "date": detail.get("date", ""),
        "slot_zh": slot[0],
        "slot_en": slot[1],
        "reason": detail.get("reason", ""),
    }
    write_receipt(
        appointment.declaration,
        code=code,
        text_zh=zh.format(**values),
        text_en=en.format(**values),
        actor=actor,
        detail={"appointment_id": appointment.id, "appointment_status": appointment.status, **detail},
    )


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
    write_appointment_receipt(appointment, event, actor=actor, detail=detail or {})
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
