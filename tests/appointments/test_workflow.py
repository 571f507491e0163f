"""The appointment transition table: allowed moves are audited, everything else is a 409."""

from datetime import timedelta

import pytest

from backend.appointments.models import Appointment
from backend.appointments.workflow import CUSTOMS, ENTERPRISE, SIDES, TRANSITIONS, Event, Status, apply
from backend.core.auth import Actor
from backend.core.enums import Assurance, Role
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db


def _actor(role: Role) -> Actor:
    return Actor(
        user_id=1,
        username=role.value,
        role=role,
        assurance=Assurance.PASSWORD,
        enterprise_id=1,
        district_code="5300",
        session_id="s",
    )


def _appointment(factories, status: Status) -> Appointment:
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="accepted")
    appointment = Appointment(
        declaration_id=declaration.id,
        enterprise_id=ent.id,
        district_code="5300",
        status=status.value,
        requested_date=(utcnow() + timedelta(days=1)).date(),
        requested_slot="morning",
        site_address="x",
        contact_name="x",
        contact_phone="12345",
    )
    db.session.add(appointment)
    db.session.commit()
    return appointment


@pytest.mark.parametrize("status", list(Status))
def test_every_event_in_every_state_for_each_side(factories, status):
    appointment = _appointment(factories, status)
    for event in Event:
        for side, role in ((ENTERPRISE, Role.ENTERPRISE), (CUSTOMS, Role.REVIEWER)):
            allowed = (status, event) in TRANSITIONS and side in SIDES[event]
            if allowed:
                continue
            with pytest.raises(DomainError) as caught:
                apply(appointment, event, actor=_actor(role))
            assert (caught.value.error, caught.value.status) == ("appointment.invalid_transition", 409)
    assert appointment.status == status.value and appointment.version == 1


def test_an_allowed_move_bumps_the_version_and_is_audited(factories):
    from backend.audit.models import AuditEvent

    appointment = _appointment(factories, Status.REQUESTED)
    apply(appointment, Event.DECLINE, actor=_actor(Role.SUPERVISOR), detail={"reason": "x"})
    db.session.commit()
    assert (appointment.status, appointment.version) == ("declined", 2)
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert (event.action, event.before, event.after) == (
        "appointment.decline",
        {"status": "requested"},
        {"status": "declined", "reason": "x"},
    )
