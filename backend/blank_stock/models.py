"""空白证书 records: the per-type serial counter, blank paper stock and its sheets, printed originals and
reprint requests. Each sheet is printed once (for a `backend.certificates.models.Certificate`) or spoiled.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import TimestampMixin, UTCDateTime, VersionedMixin, db, utcnow

_BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class BlankSerialCounter(db.Model):
    """The last blank-paper serial handed out per certificate type (locked to allocate a range)."""

    __tablename__ = "blank_serial_counter"
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("certificate_type.code"), primary_key=True)
    last_serial: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class BlankStock(TimestampMixin, VersionedMixin, db.Model):
    """空白证书申请: N sheets of a type for an enterprise (or the district's own counter stock).

    requested → allocated (serial_first..serial_last) → received; or refused. Customs' own stock is
    allocated directly (enterprise_id NULL) and counts as received at once.
    """

    __tablename__ = "blank_stock"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("certificate_type.code"))
    quantity: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(12), default="requested")
    serial_first: Mapped[int | None] = mapped_column(sa.BigInteger)
    serial_last: Mapped[int | None] = mapped_column(sa.BigInteger)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    allocated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.String(500))


class BlankSheet(db.Model):
    """One serial-numbered sheet: available → printed (once) | spoiled. (type, serial) is unique."""

    __tablename__ = "blank_sheet"
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    stock_id: Mapped[int] = mapped_column(sa.ForeignKey("blank_stock.id"), index=True)
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("certificate_type.code"))
    serial: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(10), default="available")
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"), index=True)
    spoiled_reason: Mapped[str | None] = mapped_column(sa.String(500))
    spoiled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    spoiled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    stock: Mapped[BlankStock] = relationship()
    __table_args__ = (sa.UniqueConstraint("type_code", "serial", name="uq_blank_sheet_type_serial"),)


class ReprintRequest(TimestampMixin, VersionedMixin, db.Model):
    """A request to print an original again: requested → approved → used | rejected."""

    __tablename__ = "reprint_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.String(500))


class CertificatePrint(db.Model):
    """A printed original: which sheet (consumed once: unique), which certificate, who, when."""

    __tablename__ = "certificate_print"
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate.id"), index=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("blank_sheet.id"), unique=True)
    variant: Mapped[str] = mapped_column(sa.String(20))  # original | duplicate_original
    channel: Mapped[str] = mapped_column(sa.String(12))  # self_print | counter
    reprint_request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reprint_request.id"), unique=True)
    printed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sheet: Mapped[BlankSheet] = relationship()
