"""Certificate types, the customs signing keys, numbering counters and issued certificates."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import JSONType, TimestampMixin, UTCDateTime, VersionedMixin, db, utcnow


class CertificateType(db.Model):
    """证书种类: seeded from catalog.CERTIFICATE_TYPES (fields, layout hints, languages as JSON)."""

    __tablename__ = "certificate_type"
    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    fields: Mapped[list] = mapped_column(JSONType)
    layout: Mapped[dict] = mapped_column(JSONType)
    languages: Mapped[list] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class SigningKey(TimestampMixin, db.Model):
    """A district's Ed25519 certificate signing key.

    The private key is stored encrypted (AES-GCM under a key derived from SECRET_KEY, see sealing.py).
    Production should keep it in an HSM or a cloud KMS instead and store only a handle here.
    Exactly one key per district is `active` (signs); `retired` keys only verify.
    """

    __tablename__ = "signing_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    algorithm: Mapped[str] = mapped_column(sa.String(20), default="Ed25519")
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    private_key_encrypted: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[str] = mapped_column(sa.String(10), default="active")  # active | retired
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index(
            "uq_signing_key_one_active",
            "district_code",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
    )


class CertificateCounter(db.Model):
    """The last serial handed out per (type, district, year); its row is locked to allocate the next."""

    __tablename__ = "certificate_counter"
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("certificate_type.code"), primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    last_serial: Mapped[int] = mapped_column(sa.Integer, default=0)


class Certificate(TimestampMixin, VersionedMixin, db.Model):
    """An issued certificate: frozen content, its seal, and whether it still stands."""

    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("certificate_type.code"))
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    year: Mapped[int] = mapped_column(sa.Integer)
    serial: Mapped[int] = mapped_column(sa.Integer)
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    # The e-record it certifies (set when issued through a certificate application).
    e_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("e_record.id"), index=True)
    # self_print | counter when issued through an application: originals then print only on blank paper.
    delivery: Mapped[str | None] = mapped_column(sa.String(12))
    # Copied from the content for the comprehensive query (综合查询): consignee name as printed.
    consignee_name: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="issued")  # issued | replaced | withdrawn
    status_reason: Mapped[str | None] = mapped_column(sa.String(500))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"))
    # Still standing but in question, e.g. `e_record_voided`: its e-record was voided after the original
    # was printed, so it is withdrawn only once the original comes back (verification says so meanwhile).
    flag: Mapped[str | None] = mapped_column(sa.String(30))
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content: Mapped[dict] = mapped_column(JSONType)
    content_sha256: Mapped[str] = mapped_column(sa.String(43))
    seal: Mapped[dict] = mapped_column(JSONType)
    key_id: Mapped[str] = mapped_column(sa.ForeignKey("signing_key.key_id"))
    # One original per certificate: every original printed after the first is a duplicate original.
    originals_printed: Mapped[int] = mapped_column(sa.Integer, default=0)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])
    __table_args__ = (
        sa.UniqueConstraint("type_code", "district_code", "year", "serial", name="uq_certificate_serial"),
    )
