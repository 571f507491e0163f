"""The tables of the issued certificate (issued → replaced | withdrawn) and of the signing keys
(active → retired): the only code that changes their status, through backend.core.statemachine."""

from __future__ import annotations

from backend.audit.service import record_event
from backend.certificates import errors  # noqa: F401  (error codes registered)
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.statemachine import StateMachine

TRANSITIONS = {
    ("issued", "replace"): "replaced",
    ("issued", "withdraw"): "withdrawn",
}
MACHINE = StateMachine(
    "certificate",
    TRANSITIONS,
    initial="issued",
    refusal_detail=lambda certificate, status, event: {"status": status, "event": event},
)
# A district's signing key: the active one signs; a rotation retires it (it stays published).
KEYS = StateMachine(
    "signing_key", {("active", "retire"): "retired"}, initial="active", error="resource.conflict"
)


def ensure_allowed(certificate, event: str) -> str:
    return MACHINE.ensure(certificate, event)


def apply(certificate, event: str, *, actor: Actor | None, reason: str | None = None, superseded_by=None):
    """Check the transition, set the status, bump the version and write the audit row."""
    change = MACHINE.apply(certificate, event, actor=actor)
    certificate.status_changed_at = utcnow()
    if reason is not None:
        certificate.status_reason = reason
    if superseded_by is not None:
        certificate.superseded_by_id = superseded_by.id
    after = {"status": change.after, "reason": certificate.status_reason}
    if superseded_by is not None:
        after["superseded_by"] = superseded_by.certificate_no
    record_event(
        action=f"certificate.{change.after}", entity_type="certificate", entity_id=certificate.certificate_no,
        actor=actor, before={"status": change.before}, after=after,
        district_code=certificate.district_code,
    )
    return certificate
