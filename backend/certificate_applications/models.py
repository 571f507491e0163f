"""证书申请 records: applications and their receipts, agent authorisations and supporting documents.

Issued certificates themselves are `backend.certificates.models.Certificate`; an application leads to one.
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
