"""云签发 records: applications and their receipts, agent authorisations, attachments, blank paper stock,
prints, reprint requests and amend / replace / withdraw requests.

Issued certificates themselves are `models.Certificate`; everything here leads to or follows one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import JSONType, TimestampMixin, UTCDateTime, VersionedMixin, db, utcnow

if TYPE_CHECKING:
    from backend.declarations.models import ERecord
    from backend.identity.models import Enterprise

_BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class AgentAuthorisation(TimestampMixin, db.Model):
    """A consignor enterprise lets an agent enterprise apply for its certificates, for a period."""

    __tablename__ = "agent_authorisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    consignor_enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    agent_enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CertificateAttachment(TimestampMixin, db.Model):
    """A supporting document uploaded by an enterprise, its bytes in media storage by SHA-256."""

    __tablename__ = "certificate_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(200))


class CertificateApplication(TimestampMixin, VersionedMixin, db.Model):
    """证书申请: one certificate of one type for one e-record, from draft to issued (or refused).

    `form` holds what the enterprise filled in (consignee, conveyance, ports, marks, goods lines, the
    type's fields); `rule_results` what intelligent review found, rule by rule, at the last submission.
    """

    __tablename__ = "certificate_application"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    e_record_id: Mapped[int] = mapped_column(sa.ForeignKey("e_record.id"), index=True)
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("certificate_type.code"))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    delivery: Mapped[str] = mapped_column(sa.String(12), default="self_print")  # self_print | counter
    form: Mapped[dict] = mapped_column(JSONType)
    consignee_name: Mapped[str | None] = mapped_column(
        sa.String(200), index=True
    )  # from the form, for queries
    attachment_ids: Mapped[list] = mapped_column(JSONType, default=list)
    rule_results: Mapped[list | None] = mapped_column(JSONType)
    submitted_assurance: Mapped[str | None] = mapped_column(sa.String(10))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"), unique=True)
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate_application.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))

    receipts: Mapped[list[ApplicationReceipt]] = relationship(
        order_by="ApplicationReceipt.id", cascade="all, delete-orphan", passive_deletes=True
    )
    # Read-only, for listings that load them with the rows (the officer's queue: applicant, e-record).
    enterprise: Mapped[Enterprise] = relationship(viewonly=True)
    e_record: Mapped[ERecord] = relationship(viewonly=True)
    __table_args__ = (sa.Index("ix_certificate_application_district_status", "district_code", "status"),)


class ApplicationReceipt(db.Model):
    """回执 of a certificate application: code, text, time, who — one per transition."""

    __tablename__ = "certificate_application_receipt"
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("certificate_application.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20))
    text_zh: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    detail: Mapped[dict | None] = mapped_column(JSONType)
    actor_label: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
