"""The only code that changes an issued certificate's status (issued → replaced | withdrawn)."""

from __future__ import annotations

from backend.audit.service import record_event
from backend.certificates import errors  # noqa: F401  (error codes registered)
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.errors import DomainError

TRANSITIONS = {
    ("issued", "replace"): "replaced",
    ("issued", "withdraw"): "withdrawn",
}


def ensure_allowed(certificate, event: str) -> str:
    target = TRANSITIONS.get((certificate.status, event))
    if target is None:
        raise DomainError(
            "certificate.invalid_transition", detail={"status": certificate.status, "event": event}
        )
    return target


def apply(certificate, event: str, *, actor: Actor | None, reason: str | None = None, superseded_by=None):
    """Check the transition, set the status, bump the version and write the audit row."""
    target = ensure_allowed(certificate, event)
    before = {"status": certificate.status}
    certificate.status = target
    certificate.status_changed_at = utcnow()
    if reason is not None:
        certificate.status_reason = reason
    if superseded_by is not None:
        certificate.superseded_by_id = superseded_by.id
    certificate.version += 1
    after = {"status": target, "reason": certificate.status_reason}
    if superseded_by is not None:
        after["superseded_by"] = superseded_by.certificate_no
    record_event(
        action=f"certificate.{target}", entity_type="certificate", entity_id=certificate.certificate_no,
        actor=actor, before=before, after=after,
        district_code=certificate.district_code,
    )
    return certificate
