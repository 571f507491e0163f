"""AuditEvent: who (and with which assurance) did what to which entity, before → after."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import JSONType, UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    actor_username: Mapped[str | None] = mapped_column(sa.String(80))
    assurance: Mapped[str | None] = mapped_column(sa.String(10))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(50))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict | None] = mapped_column(JSONType)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))  # the server's id of the request
    # The request's facts (backend.audit.service.record_event reads them from the request context).
    client_request_id: Mapped[str | None] = mapped_column(sa.String(64))  # a client's X-Request-ID
    client_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    # The customs district whose administrators see the row (backend.audit.service.record_event).
    district_code: Mapped[str | None] = mapped_column(sa.String(4))
    __table_args__ = (
        sa.Index("ix_audit_event_entity", "entity_type", "entity_id"),
        # An administrator's trail: their district's rows, newest first, paged by id.
        sa.Index("ix_audit_event_district_id", "district_code", "id"),
    )
