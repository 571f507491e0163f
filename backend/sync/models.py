"""What each inspector's devices must pull (change sequence) and what they pushed (processed operations)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import JSONType, UTCDateTime, db, utcnow

_BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class SyncCounter(db.Model):
    """Per-inspector change counter; its row lock orders concurrent writers so cursors never skip."""

    __tablename__ = "sync_counter"
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(_BIGINT, default=0)


class SyncChange(db.Model):
    """The latest change sequence of one instruction as seen by one inspector (tombstone when moved away)."""

    __tablename__ = "sync_change"
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    instruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instruction.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(_BIGINT)
    __table_args__ = (sa.Index("ix_sync_change_inspector_seq", "inspector_id", "seq", unique=True),)


class SyncOperation(db.Model):
    """A processed push operation, stored with its effect so a retry returns the original result."""

    __tablename__ = "sync_operation"
    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    op_id: Mapped[str] = mapped_column(sa.String(36))
    device_id: Mapped[str] = mapped_column(sa.String(64))
    instruction_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    op_type: Mapped[str] = mapped_column(sa.String(40))
    body_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20))  # applied | conflict | rejected
    result: Mapped[dict] = mapped_column(JSONType)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (sa.UniqueConstraint("user_id", "op_id", name="uq_sync_operation_user_op"),)
