"""record_event(): the single way to write the audit trail."""

from __future__ import annotations

from datetime import datetime

from flask import g, has_request_context

from backend.audit.models import AuditEvent
from backend.core.auth import Actor
from backend.extensions import db


def record_event(
    *,
    action: str,
    entity_type: str,
    entity_id: str | int,
    actor: Actor | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction (it commits or rolls back with the change)."""
    event = AuditEvent(
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        actor_user_id=actor.user_id if actor else None,
        actor_username=actor.username if actor else "system",
        assurance=str(actor.assurance) if actor else None,
        before=before,
        after=after,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event


def query_events(
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor_username: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """Newest first; pass the last id seen as before_id for the next page."""
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    filters = {
        AuditEvent.entity_type: entity_type,
        AuditEvent.entity_id: entity_id,
        AuditEvent.action: action,
        AuditEvent.actor_username: actor_username,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEvent.occurred_at < until)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.execute(query).scalars())
