"""改证 / 重发 / 撤证 records: a request to amend, replace or withdraw an issued certificate."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import JSONType, TimestampMixin, UTCDateTime, VersionedMixin, db


class CertificateAmendment(TimestampMixin, VersionedMixin, db.Model):
    """改证 / 重发 / 撤证 request: requested → approved | rejected, the original paper returned first."""

    __tablename__ = "certificate_amendment"
    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # amend | replace | withdraw
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")
    reason: Mapped[str] = mapped_column(sa.String(500))
    attachment_ids: Mapped[list] = mapped_column(JSONType, default=list)
    changes: Mapped[dict | None] = mapped_column(JSONType)  # amend: the form fields that change
    rule_results: Mapped[list | None] = mapped_column(JSONType)
    original_returned: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    original_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.String(500))
    new_certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"))
