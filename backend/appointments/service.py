"""Use cases of appointments: book, list, read, confirm, propose, answer a proposal, decline, cancel."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from backend.appointments import errors  # noqa: F401  (registers the codes)
from backend.appointments.models import Appointment
from backend.appointments.workflow import (
    MACHINE,
    REQUESTED,
    Event,
    Status,
    announce,
    apply,
    write_appointment_receipt,
)
from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.china_time import china_date
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause, ensure_can_read, ensure_can_see
from backend.declarations.models import Declaration
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import User
from backend.instructions import workflow as instruction_workflow
from backend.instructions.changes import lock_inspectors, record_change
from backend.instructions.models import Instruction
from backend.instructions.service import open_instruction_of

BOOKABLE = ("accepted", "inspection_notice")


def _not_past(day: date, field: str) -> None:
    if day < china_date(utcnow()):  # China's day: from 00:00 to 08:00 there, UTC still says yesterday
        raise DomainError("appointment.date_in_past", errors={field: ["in the past"]})


def book_appointment(
    *,
    actor: Actor,
    declaration_id: int,
    date: date,
    slot: str,
    site_address: str,
    contact_name: str,
    contact_phone: str,
    note: str | None = None,
) -> Appointment:
    """预约查检: the enterprise asks for a date and slot for one of its accepted applications."""
    declaration = db.session.get(Declaration, declaration_id)
    if declaration is None:
        raise DomainError("resource.not_found")
    appointment = book_in_transaction(
        actor=actor,
        declaration=declaration,
        date=date,
        slot=slot,
        site_address=site_address,
        contact_name=contact_name,
        contact_phone=contact_phone,
        note=note,
    )
    db.session.commit()
    return appointment


def book_in_transaction(
    *,
    actor: Actor,
    declaration: Declaration,
    date: date,
    slot: str,
    site_address: str,
    contact_name: str,
    contact_phone: str,
    note: str | None = None,
) -> Appointment:
    """The booking of book_appointment (also the Single Window's, appointments/intake.py); the caller
    commits, or rolls back on a DomainError."""
    ensure_can_see(actor, declaration)
    if declaration.status not in BOOKABLE:
        raise DomainError("appointment.declaration_not_bookable", status=declaration.status)
    _not_past(date, "date")
    appointment = MACHINE.new(
        Appointment,
        declaration_id=declaration.id,
        enterprise_id=declaration.enterprise_id,
        district_code=declaration.district_code,
        requested_date=date,
        requested_slot=slot,
        site_address=site_address,
        contact_name=contact_name,
        contact_phone=contact_phone,
        note=note,
        created_by_id=actor.user_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(appointment)
            db.session.flush()
    except IntegrityError:
        raise DomainError("appointment.already_open") from None
    record_event(
        action="appointment.requested",
        entity_type="appointment",
        entity_id=appointment.id,
        actor=actor,
        after={"status": "requested", "date": date.isoformat(), "slot": slot},
        district_code=appointment.district_code,
    )
    write_appointment_receipt(
        appointment, REQUESTED, actor=actor, detail={"date": date.isoformat(), "slot": slot}
    )
    announce(appointment, actor=actor, event=REQUESTED)
    return appointment


def list_appointments(
    *,
    actor: Actor,
    status: str | None = None,
    declaration_id: int | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[Appointment]:
    """The enterprise's own appointments, or the district's for customs; newest first."""
    query = sa.select(Appointment).options(selectinload(Appointment.declaration))
    if actor.is_enterprise:
        query = query.where(Appointment.enterprise_id == actor.enterprise_id)
    else:
        query = query.where(district_clause(actor, Appointment.district_code))
    if status:
        query = query.where(Appointment.status == status)
    if declaration_id:
        query = query.where(Appointment.declaration_id == declaration_id)
    return keyset_page(query, id_column=Appointment.id, limit=limit, cursor=before_id or None)[0]


def get_appointment(*, actor: Actor, appointment_id: int, for_update: bool = False) -> Appointment:
    query = sa.select(Appointment).where(Appointment.id == appointment_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    appointment = db.session.execute(query).scalar_one_or_none()
    if appointment is None:
        raise DomainError("resource.not_found")
    (ensure_can_see if for_update else ensure_can_read)(
        actor, enterprise_id=appointment.enterprise_id, district_code=appointment.district_code
    )
    return appointment


def _inspector(actor: Actor, inspector_id: int) -> User:
    user = db.session.get(User, inspector_id)
    if (
        user is None
        or user.role != Role.INSPECTOR
        or not user.active
        or user.district_code != actor.district_code
    ):
        raise DomainError("appointment.invalid_inspector", errors={"inspector_id": ["not an inspector here"]})
    return user


def _book_inspector(appointment: Appointment, event: Event, *, actor, expected_version, detail) -> None:
    """Apply the confirming event; the partial unique index refuses a second booking of the slot."""
    try:
        with db.session.begin_nested():
            apply(appointment, event, actor=actor, expected_version=expected_version, detail=detail)
            db.session.flush()
    except IntegrityError:
        raise DomainError("appointment.inspector_busy") from None


def _link_instruction(appointment: Appointment, *, actor: Actor) -> None:
    """Tie a confirmed booking to the application's open instruction, so its inspector's pull carries it.

    An instruction nobody holds yet goes to the inspector customs named when confirming.
    """
    instruction = open_instruction_of(appointment.declaration_id)
    if instruction is None:
        return
    lock_inspectors([instruction.inspector_id, appointment.inspector_id])
    appointment.instruction_id = instruction.id
    unassigned = instruction.status == instruction_workflow.Status.PENDING
    if unassigned and appointment.inspector_id and not actor.is_enterprise:
        instruction_workflow.apply(
            instruction, instruction_workflow.Event.ASSIGN, actor=actor, inspector_id=appointment.inspector_id
        )
    else:
        record_change(inspector_id=instruction.inspector_id, instruction_id=instruction.id)


def _unlink_instruction(appointment: Appointment) -> None:
    """A cancelled booking leaves the inspector's phone at the next pull."""
    if appointment.instruction_id is None:
        return
    instruction = db.session.get(Instruction, appointment.instruction_id)
    lock_inspectors([instruction.inspector_id])
    record_change(inspector_id=instruction.inspector_id, instruction_id=instruction.id)


def confirm(
    *,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    inspector_id: int,
    date: date | None = None,
    slot: str | None = None,
) -> Appointment:
    """Customs confirms, at the requested time unless another is given, with the inspector who goes."""
    appointment = get_appointment(actor=actor, appointment_id=appointment_id, for_update=True)
    _inspector(actor, inspector_id)
    appointment.confirmed_date = date or appointment.requested_date
    appointment.confirmed_slot = slot or appointment.requested_slot
    _not_past(appointment.confirmed_date, "date")
    appointment.inspector_id = inspector_id
    detail = {
        "date": appointment.confirmed_date.isoformat(),
        "slot": appointment.confirmed_slot,
        "inspector_id": inspector_id,
    }
    _book_inspector(appointment, Event.CONFIRM, actor=actor, expected_version=expected_version, detail=detail)
    _link_instruction(appointment, actor=actor)
    db.session.commit()
    return appointment


def propose(
    *,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    date: date,
    slot: str,
    inspector_id: int,
    note: str | None = None,
) -> Appointment:
    """Customs proposes another date/slot (and who would go); the enterprise accepts or declines."""
    appointment = get_appointment(actor=actor, appointment_id=appointment_id, for_update=True)
    _inspector(actor, inspector_id)
    _not_past(date, "date")
    appointment.proposed_date, appointment.proposed_slot = date, slot
    appointment.proposed_inspector_id, appointment.proposal_note = inspector_id, note
    apply(
        appointment,
        Event.PROPOSE,
        actor=actor,
        expected_version=expected_version,
        detail={"date": date.isoformat(), "slot": slot, "inspector_id": inspector_id},
    )
    db.session.commit()
    return appointment


def answer_proposal(*, actor: Actor, appointment_id: int, expected_version: int, accept: bool) -> Appointment:
    """The enterprise accepts customs' proposal (it becomes the confirmed booking) or declines it."""
    appointment = get_appointment(actor=actor, appointment_id=appointment_id, for_update=True)
    if not accept:
        apply(
            appointment,
            Event.DECLINE_PROPOSAL,
            actor=actor,
            expected_version=expected_version,
            detail={
                "declined_date": str(appointment.proposed_date),
                "declined_slot": appointment.proposed_slot,
            },
        )
        appointment.proposed_date = appointment.proposed_slot = appointment.proposed_inspector_id = None
        db.session.commit()
        return appointment
    if appointment.status == Status.PROPOSED:
        _not_past(appointment.proposed_date, "date")
        appointment.confirmed_date = appointment.proposed_date
        appointment.confirmed_slot = appointment.proposed_slot
        appointment.inspector_id = appointment.proposed_inspector_id
    detail = {
        "date": str(appointment.confirmed_date),
        "slot": appointment.confirmed_slot,
        "inspector_id": appointment.inspector_id,
    }
    _book_inspector(
        appointment, Event.ACCEPT_PROPOSAL, actor=actor, expected_version=expected_version, detail=detail
    )
    _link_instruction(appointment, actor=actor)
    db.session.commit()
    return appointment


def decline(*, actor: Actor, appointment_id: int, expected_version: int, reason: str) -> Appointment:
    """Customs declines the request with a reason."""
    appointment = get_appointment(actor=actor, appointment_id=appointment_id, for_update=True)
    apply(
        appointment, Event.DECLINE, actor=actor, expected_version=expected_version, detail={"reason": reason}
    )
    appointment.decline_reason = reason
    db.session.commit()
    return appointment


def cancel(*, actor: Actor, appointment_id: int, expected_version: int, reason: str) -> Appointment:
    """Either side cancels an open appointment; a confirmed slot becomes free again."""
    appointment = get_appointment(actor=actor, appointment_id=appointment_id, for_update=True)
    apply(
        appointment, Event.CANCEL, actor=actor, expected_version=expected_version, detail={"reason": reason}
    )
    appointment.cancel_reason = reason
    appointment.cancelled_by = "enterprise" if actor.is_enterprise else "customs"
    _unlink_instruction(appointment)
    db.session.commit()
    return appointment
