"""The amend / replace / withdraw request's table: the only code that changes its status, through
backend.core.statemachine. requested → approved | rejected; one open request per certificate."""

from __future__ import annotations

from backend.amendments import errors  # noqa: F401  (error codes registered)
from backend.core.statemachine import StateMachine

MACHINE = StateMachine(
    "certificate_amendment",
    {("requested", "approve"): "approved", ("requested", "reject"): "rejected"},
    initial="requested",
    refusal_detail=lambda amendment, status, event: {"status": status},
)
OPEN = MACHINE.sources("approve")
