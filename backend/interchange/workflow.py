"""A receipt message's lifecycle: the only code that changes an outbox message's status.

pending → delivered (the receiver answered 2xx) | parked (a 4xx, or too many failures); an
administrator's retry puts a parked (or waiting) message back to pending, its attempts from zero.
Messages have no version column: the sender's lease and row lock order the changes.
"""

from __future__ import annotations

from enum import StrEnum

from backend.core.models import utcnow
from backend.core.statemachine import StateMachine
from backend.interchange import errors  # noqa: F401  (registers the codes)
from backend.interchange.models import DELIVERED, PARKED, PENDING, OutboxMessage


class Event(StrEnum):
    DELIVER = "deliver"
    PARK = "park"
    RETRY = "retry"


E = Event
MACHINE = StateMachine(
    "interchange",
    {
        (PENDING, E.DELIVER): DELIVERED,
        (PENDING, E.PARK): PARKED,
        (PARKED, E.RETRY): PENDING,
        (PENDING, E.RETRY): PENDING,
    },
    initial=PENDING,
    error="interchange.already_delivered",  # the only refusal a caller can meet: retrying a delivered one
)


def delivered(message: OutboxMessage) -> None:
    MACHINE.apply(message, E.DELIVER)
    message.delivered_at = utcnow()


def parked(message: OutboxMessage) -> None:
    MACHINE.apply(message, E.PARK)
    message.parked_at = utcnow()


def retried(message: OutboxMessage) -> None:
    """Back to pending now, its attempts counted from zero."""
    MACHINE.apply(message, E.RETRY)
    message.attempts = 0
    message.next_attempt_at = message.lease_until = message.parked_at = None
