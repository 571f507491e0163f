"""The instruction transition table: allowed moves bump the version and audit; all others are 409."""

import pytest

from backend.audit.models import AuditEvent
from backend.errors import DomainError
from backend.extensions import db
from backend.instructions.workflow import TRANSITIONS, Event, Status, apply


def test_the_happy_path_moves_through_every_state_and_audits_each_step(world, factories):
    instruction = factories.instruction(world.declaration)
    assert (instruction.status, instruction.version) == ("pending", 1)
    for event, expected in [
        (Event.ASSIGN, "assigned"),
        (Event.ACCEPT, "accepted"),
        (Event.START, "in_progress"),
        (Event.COMPLETE, "completed"),
    ]:
        apply(instruction, event, actor=None, inspector_id=world.inspector.id)
        assert instruction.status == expected
    db.session.commit()
    assert instruction.version == 5
    actions = db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions == [
        "instruction.created",
        "instruction.assign",
        "instruction.accept",
        "instruction.start",
        "instruction.complete",
    ]


@pytest.mark.parametrize("status", list(Status))
def test_every_forbidden_transition_is_a_409_with_a_stable_code(world, factories, status):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    instruction.status = status.value
    db.session.commit()
    for event in Event:
        if (status, event) in TRANSITIONS:
            continue
        with pytest.raises(DomainError) as caught:
            apply(instruction, event, actor=None, inspector_id=world.inspector.id)
        assert (caught.value.error, caught.value.status) == ("instruction.invalid_transition", 409)
    assert instruction.status == status.value


def test_cancel_is_allowed_from_every_open_state_and_never_after_completion():
    for status in (Status.PENDING, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS):
        assert TRANSITIONS[(status, Event.CANCEL)] == Status.CANCELLED
    assert (Status.COMPLETED, Event.CANCEL) not in TRANSITIONS
    assert not any(state in (Status.COMPLETED, Status.CANCELLED) for state, _ in TRANSITIONS)


def test_a_stale_expected_version_is_a_409(world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    with pytest.raises(DomainError) as caught:
        apply(instruction, Event.ACCEPT, actor=None, expected_version=1)
    assert caught.value.error == "instruction.version_conflict"
