"""One-time enrolment codes: the proof from outside the password that a person's first security key
is theirs (issued by an administrator, or by the server's `flask identity enrolment-code` command)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import UTCDateTime, db, utcnow


class EnrolmentCode(db.Model):
    """Stored as its SHA-256 only; bound to one user, short-lived, used once."""

    __tablename__ = "enrolment_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # None when issued by the server command (no administrator yet holds a key).
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
