"""The outbox: one row per receipt of an application that came in through the Single Window intake."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import UTCDateTime, db, utcnow

PENDING = "pending"  # waiting to be sent (or for its predecessors, or for its next attempt)
DELIVERED = "delivered"  # the receiver answered 2xx
PARKED = "parked"  # a 4xx answer, or too many failures: waits for an administrator's retry
STATUSES = (PENDING, DELIVERED, PARKED)


class OutboxMessage(db.Model):
    """A receipt message owed to the Single Window, in order per application (`sequence`)."""

    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    # What the receiver de-duplicates on: the same id on every attempt, push or pull.
    message_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration.id", ondelete="CASCADE"))
    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("receipt.id", ondelete="CASCADE"), unique=True)
    # 1, 2, 3… per application: message n is sent only once n-1 was delivered.
    sequence: Mapped[int] = mapped_column(sa.Integer)
    district_code: Mapped[str] = mapped_column(sa.String(4), index=True)
    # The system client whose intake message created the application: the pull feed shows it its own.
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A sender holds the message until then; a sender killed mid-delivery lets it go when it lapses.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_response_status: Mapped[int | None] = mapped_column(sa.Integer)
    last_response_body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The pull feed's order: given after the row's commit, in a serialised publish step (feed.py), so
    # a position is never handed out before a smaller one becomes visible. None: not published yet.
    feed_position: Mapped[int | None] = mapped_column(sa.BigInteger)
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("declaration_id", "sequence", name="uq_outbox_message_sequence"),
        # The sweep and the administrators' list: by status, oldest first.
        sa.Index("ix_outbox_message_status", "status", "id"),
        # The pull feed: a system client's messages after a cursor (and those not published yet).
        sa.Index("ix_outbox_message_recipient", "recipient_id", "id"),
        sa.Index("ix_outbox_message_feed", "recipient_id", "feed_position"),
    )


class FeedCounter(db.Model):
    """The last feed position given (one row): its row lock serialises the publish steps."""

    __tablename__ = "interchange_feed_counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_position: Mapped[int] = mapped_column(sa.BigInteger, default=0)
