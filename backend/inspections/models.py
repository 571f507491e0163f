"""The on-site inspection record of an instruction, and its chain of custody."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import JSONType, TimestampMixin, UTCDateTime, VersionedMixin, db, utcnow

_BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class Inspection(TimestampMixin, VersionedMixin, db.Model):
    """现场检验检疫: opened at start; conclusion, disposition and signature each carry a version."""

    __tablename__ = "inspection"
    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(sa.ForeignKey("instruction.id"), unique=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    conclusion: Mapped[str | None] = mapped_column(sa.String(10))  # pass | fail
    conclusion_notes: Mapped[str | None] = mapped_column(sa.Text)
    conclusion_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    # release | treatment | return | destroy | no_export, with the fields the kind requires.
    disposition: Mapped[str | None] = mapped_column(sa.String(20))
    disposition_fields: Mapped[dict | None] = mapped_column(JSONType)
    disposition_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    signature_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    signature_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item_results: Mapped[list[InspectionItemResult]] = relationship(
        order_by="InspectionItemResult.instruction_item_id", cascade="all, delete-orphan"
    )
    samples: Mapped[list[InspectionSample]] = relationship(
        order_by="InspectionSample.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list[InspectionPhoto]] = relationship(
        order_by="InspectionPhoto.id", cascade="all, delete-orphan"
    )


class InspectionItemResult(db.Model):
    """The finding for one inspection item: conforms / does_not_conform / not_applicable."""

    __tablename__ = "inspection_item_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    instruction_item_id: Mapped[int] = mapped_column(sa.ForeignKey("instruction_item.id"), unique=True)
    result: Mapped[str] = mapped_column(sa.String(20))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    measurements: Mapped[dict | None] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_by: Mapped[str | None] = mapped_column(sa.String(80))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectionSample(db.Model):
    """取样送检: a sample, keyed by the device's UUID so a retried add never doubles it."""

    __tablename__ = "inspection_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    sample_uid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    instruction_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instruction_item.id"))
    sample_no: Mapped[str] = mapped_column(sa.String(40))
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(14, 3))
    unit: Mapped[str] = mapped_column(sa.String(10))
    laboratory: Mapped[str] = mapped_column(sa.String(200))
    tests: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectionPhoto(db.Model):
    """A photo (uploaded through the media API) attached to the inspection or one of its items.

    A photo may be declared first (sync op photo.declare, sent with the findings ahead of the
    bytes): the row then exists with photo_id None — "photos pending" — until photo.attach links the
    uploaded photo, which is allowed even after the instruction was completed.
    """

    __tablename__ = "inspection_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    instruction_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instruction_item.id"))
    photo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("photo.id"))
    sha256: Mapped[str] = mapped_column(sa.String(64))  # of the bytes sent (declared, then checked)
    caption: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The phone's id of the photo (its upload's client_id), and what it declared before sending.
    client_photo_id: Mapped[str | None] = mapped_column(sa.String(36))
    original_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    original_exif: Mapped[dict | None] = mapped_column(JSONType)
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_gps: Mapped[dict | None] = mapped_column(JSONType)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "photo_id", name="uq_inspection_photo_photo"),
        sa.UniqueConstraint("inspection_id", "client_photo_id", name="uq_inspection_photo_client_photo_id"),
    )


GENESIS = ""  # the previous_sha256 of an inspection's first record


class EvidenceRecord(db.Model):
    """Chain of custody: one append-only row per recorded finding, photo link, disposition or signature.

    The rows of an inspection form a hash chain (backend/inspections/custody.py): `seq` numbers them
    1, 2, 3…, `previous_sha256` is the record_sha256 of the row before ("" for the first) and
    `record_sha256` hashes the canonical encoding of the row's content, provenance and that link."""

    __tablename__ = "evidence_record"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "seq", name="uq_evidence_record_inspection_seq"),)
    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(sa.Integer)
    previous_sha256: Mapped[str] = mapped_column(sa.String(64))
    record_sha256: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(30))  # item_result, sample, photo, conclusion, ...
    ref: Mapped[str] = mapped_column(sa.String(64))  # which item / sample / photo
    content: Mapped[dict] = mapped_column(JSONType)
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    actor_username: Mapped[str | None] = mapped_column(sa.String(80))
    device_id: Mapped[str | None] = mapped_column(sa.String(64))
    op_id: Mapped[str | None] = mapped_column(sa.String(36))
    device_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    server_time: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    latitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    accuracy_m: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 1))
