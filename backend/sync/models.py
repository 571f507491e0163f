"""What each inspector's devices pushed: processed operations (the change feed lives in instructions)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import JSONType, UTCDateTime, db, utcnow

_BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")


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
