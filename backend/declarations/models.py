"""The export inspection application (declaration) with its parts, receipts and e-record."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import TimestampMixin, UTCDateTime, VersionedMixin, db, utcnow

_ORDERED = {"cascade": "all, delete-orphan", "passive_deletes": True}


class Declaration(TimestampMixin, VersionedMixin, db.Model):
    """出境检验检疫申请 / 电子底账申请."""

    __tablename__ = "declaration"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    # The customs district that inspects (关区); part of the inspection number.
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    status: Mapped[str] = mapped_column(sa.String(30), default="draft", index=True)
    inspection_no: Mapped[str | None] = mapped_column(sa.String(15), unique=True)
    source: Mapped[str] = mapped_column(sa.String(20), default="web")  # web | single_window
    # Indexed: deleting a draft checks this self-reference, which would otherwise scan the table.
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # 代理报检: the enterprise named as applicant/consignor when it is not the declaring enterprise
    # (`enterprise_id`, the agent); it authorised the agent, and sees the application too.
    principal_enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)

    # Basic data.
    applicant_code: Mapped[str | None] = mapped_column(sa.String(10))
    applicant_name: Mapped[str | None] = mapped_column(sa.String(200))
    consignor_code: Mapped[str | None] = mapped_column(sa.String(10))
    consignor_name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    consignor_name_en: Mapped[str | None] = mapped_column(sa.String(200))
    consignee_name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    consignee_name_en: Mapped[str | None] = mapped_column(sa.String(200))
    consignee_address: Mapped[str | None] = mapped_column(sa.String(300))
    trade_mode: Mapped[str | None] = mapped_column(sa.String(10))
    trade_country: Mapped[str | None] = mapped_column(sa.String(3))
    destination_country: Mapped[str | None] = mapped_column(sa.String(3), index=True)
    departure_port: Mapped[str | None] = mapped_column(sa.String(10))
    arrival_port: Mapped[str | None] = mapped_column(sa.String(10))
    transport_mode: Mapped[str | None] = mapped_column(sa.String(10))
    transport_name: Mapped[str | None] = mapped_column(sa.String(100))
    contract_no: Mapped[str | None] = mapped_column(sa.String(60))
    lc_no: Mapped[str | None] = mapped_column(sa.String(60))
    shipping_date: Mapped[date | None] = mapped_column(sa.Date)
    storage_place: Mapped[str | None] = mapped_column(sa.String(200))
    marks: Mapped[str | None] = mapped_column(sa.Text)
    special_requirements: Mapped[str | None] = mapped_column(sa.Text)
    # Header totals, checked against the goods lines ("三单一致").
    total_packages: Mapped[int | None] = mapped_column(sa.Integer)
    package_kind: Mapped[str | None] = mapped_column(sa.String(20))
    total_net_weight: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))
    total_gross_weight: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))

    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Last action by either side; auto-withdrawal counts 30 days from here for returned applications.
    last_action_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goods: Mapped[list[DeclarationGoods]] = relationship(order_by="DeclarationGoods.line_no", **_ORDERED)
    containers: Mapped[list[DeclarationContainer]] = relationship(
        order_by="DeclarationContainer.id", **_ORDERED
    )
    qualifications: Mapped[list[DeclarationQualification]] = relationship(
        order_by="DeclarationQualification.id", **_ORDERED
    )
    attachments: Mapped[list[DeclarationAttachment]] = relationship(
        order_by="DeclarationAttachment.id", **_ORDERED
    )
    certificates: Mapped[list[DeclarationCertificate]] = relationship(
        order_by="DeclarationCertificate.cert_code", **_ORDERED
    )
    receipts: Mapped[list[Receipt]] = relationship(order_by="Receipt.id", **_ORDERED)
    # Every e-record issued on the application, oldest first: one normally, more after a void and
    # re-issue (…001 voided, …002). `e_record` is the current one, the latest.
    e_records: Mapped[list[ERecord]] = relationship(back_populates="declaration", order_by="ERecord.id")

    @property
    def e_record(self) -> ERecord | None:
        return self.e_records[-1] if self.e_records else None

    __table_args__ = (
        # Keyset pagination of the enterprise's and the district's lists, newest first (with or without a
        # status filter).
        sa.Index("ix_declaration_enterprise_status_created", "enterprise_id", "status", "created_at", "id"),
        sa.Index("ix_declaration_enterprise_created", "enterprise_id", "created_at", "id"),
        sa.Index("ix_declaration_enterprise_accepted", "enterprise_id", "accepted_at", "id"),
        sa.Index("ix_declaration_district_created", "district_code", "created_at", "id"),
        sa.Index("ix_declaration_district_accepted", "district_code", "accepted_at", "id"),
    )


class DeclarationGoods(db.Model):
    """A goods line (货物明细)."""

    __tablename__ = "declaration_goods"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(sa.Integer)
    hs_code: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    ciq_code: Mapped[str | None] = mapped_column(sa.String(20))
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    origin_place: Mapped[str | None] = mapped_column(sa.String(100))
    quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(10))
    net_weight: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))  # kilograms
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    packing_kind: Mapped[str | None] = mapped_column(sa.String(20))
    packing_count: Mapped[int | None] = mapped_column(sa.Integer)
    producer_name: Mapped[str | None] = mapped_column(sa.String(200))
    producer_registration_no: Mapped[str | None] = mapped_column(sa.String(60))
    purpose: Mapped[str | None] = mapped_column(sa.String(40))
    batch_no: Mapped[str | None] = mapped_column(sa.String(60))
    __table_args__ = (sa.UniqueConstraint("declaration_id", "line_no", name="uq_declaration_goods_line"),)


class DeclarationContainer(db.Model):
    __tablename__ = "declaration_container"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration.id", ondelete="CASCADE"), index=True
    )
    size_type: Mapped[str] = mapped_column(sa.String(10))  # e.g. 20GP, 40HC, 40RF
    count: Mapped[int] = mapped_column(sa.Integer)
    numbers: Mapped[list | None] = mapped_column(sa.JSON)  # container numbers (ISO 6346)


class DeclarationQualification(db.Model):
    """A qualification the application names for its producer/exporter (企业资质)."""

    __tablename__ = "declaration_qualification"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration.id", ondelete="CASCADE"), index=True
    )
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("qualification_type.code"))
    number: Mapped[str] = mapped_column(sa.String(60))
    holder_name: Mapped[str | None] = mapped_column(sa.String(200))


class DeclarationAttachment(db.Model):
    """An attached document (contract, invoice, packing list, L/C…), stored by content hash."""

    __tablename__ = "declaration_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(30))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeclarationCertificate(db.Model):
    """A certificate the application needs (所需单证), with original and copy counts."""

    __tablename__ = "declaration_certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration.id", ondelete="CASCADE"), index=True
    )
    cert_code: Mapped[str] = mapped_column(sa.String(2))
    originals: Mapped[int] = mapped_column(sa.Integer, default=1)
    copies: Mapped[int] = mapped_column(sa.Integer, default=0)
    __table_args__ = (
        sa.UniqueConstraint("declaration_id", "cert_code", name="uq_declaration_certificate_code"),
    )


class Receipt(db.Model):
    """回执: one per transition, in the enterprise's words: code, text, time, who."""

    __tablename__ = "receipt"
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(30))
    text_zh: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    detail: Mapped[dict | None] = mapped_column(sa.JSON)
    actor_label: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ERecord(TimestampMixin, VersionedMixin, db.Model):
    """电子底账: issued when the application passes; only `normal` lets the customs declaration go on."""

    __tablename__ = "e_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    # The application's district, kept here so the board counts e-records without joining applications.
    district_code: Mapped[str] = mapped_column(sa.String(4))
    e_record_no: Mapped[str] = mapped_column(sa.String(18), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="normal", index=True)
    goods_category: Mapped[str] = mapped_column(sa.String(20))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The customs declaration that consumed it, as quoted by the clearance system.
    used_by_reference: Mapped[str | None] = mapped_column(sa.String(40))
    voided_reason: Mapped[str | None] = mapped_column(sa.Text)

    declaration: Mapped[Declaration] = relationship(back_populates="e_records")


class ERecordConsumption(db.Model):
    """核销: one line of an export customs declaration that used part of an e-record's goods line.

    (customs_declaration_no, line_no) is the idempotency key: a line consumes once, whatever retries.
    """

    __tablename__ = "e_record_consumption"
    id: Mapped[int] = mapped_column(primary_key=True)
    e_record_id: Mapped[int] = mapped_column(sa.ForeignKey("e_record.id"), index=True)
    customs_declaration_no: Mapped[str] = mapped_column(sa.String(40))
    line_no: Mapped[int] = mapped_column(sa.Integer)  # the customs declaration's line
    goods_line_no: Mapped[int] = mapped_column(sa.Integer)  # the application's goods line it draws on
    hs_code: Mapped[str] = mapped_column(sa.String(10))
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(18, 3))
    quantity_unit: Mapped[str] = mapped_column(sa.String(10))
    net_weight: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))  # kilograms
    packages: Mapped[int | None] = mapped_column(sa.Integer)
    port_of_exit: Mapped[str] = mapped_column(sa.String(10))
    destination_country: Mapped[str] = mapped_column(sa.String(3))
    consumed_by: Mapped[str] = mapped_column(sa.String(120))
    consumed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        sa.UniqueConstraint("customs_declaration_no", "line_no", name="uq_e_record_consumption_line"),
    )


class InspectionNoCounter(db.Model):
    """The last serial handed out per (district, year); its row is locked while a number is allocated."""

    __tablename__ = "inspection_no_counter"
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    last_serial: Mapped[int] = mapped_column(sa.Integer, default=0)


class IntakeMessage(db.Model):
    """A Single Window message accepted once: retries with the same id replay the stored result."""

    __tablename__ = "intake_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    message_id: Mapped[str] = mapped_column(sa.String(64))
    body_sha256: Mapped[str] = mapped_column(sa.String(64))
    # Filled in the same transaction; the row is inserted first so a concurrent retry waits on it.
    declaration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    response: Mapped[dict | None] = mapped_column(sa.JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (sa.UniqueConstraint("sender_id", "message_id", name="uq_intake_message_sender"),)
