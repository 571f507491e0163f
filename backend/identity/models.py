"""Organisation (districts, enterprises, qualifications) and people (users, tokens, keys)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import TimestampMixin, UTCDateTime, db, utcnow


class District(db.Model):
    """关区: a customs district, by its 4-digit code."""

    __tablename__ = "district"
    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("district.code"))


class Enterprise(TimestampMixin, db.Model):
    """An exporter or its agent, known by its 10-character customs code (海关十位编码)."""

    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    customs_code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    # Customs credit grade: advanced (高级认证), general (一般信用), dishonest (失信).
    credit_grade: Mapped[str] = mapped_column(sa.String(20), default="general")
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    contact_name: Mapped[str | None] = mapped_column(sa.String(100))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))

    qualifications: Mapped[list[Qualification]] = relationship(
        back_populates="enterprise", order_by="Qualification.id"
    )


class QualificationType(db.Model):
    """Catalog of enterprise qualifications (注册登记, 备案)."""

    __tablename__ = "qualification_type"
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))


class Qualification(TimestampMixin, db.Model):
    """企业资质: a registration or filing an enterprise holds, with its validity."""

    __tablename__ = "qualification"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("qualification_type.code"))
    number: Mapped[str] = mapped_column(sa.String(60))
    holder_name: Mapped[str | None] = mapped_column(sa.String(200))
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)

    enterprise: Mapped[Enterprise] = relationship(back_populates="qualifications")
    # One registration number may be held by one enterprise only once, but may appear under several
    # enterprises (a group's factories, records copied for an agent); applications name it freely.
    __table_args__ = (
        sa.UniqueConstraint(
            "enterprise_id", "type_code", "number", name="uq_qualification_enterprise_type_number"
        ),
        sa.Index("ix_qualification_type_number", "type_code", "number"),
    )


class User(TimestampMixin, db.Model):
    """A person or a system client. Exactly one role; scope by enterprise or district."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(30))
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str | None] = mapped_column(sa.ForeignKey("district.code"))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    email: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))

    enterprise: Mapped[Enterprise | None] = relationship()


class AuthToken(db.Model):
    """An issued access or refresh token, stored only as its SHA-256 so it can be revoked."""

    __tablename__ = "auth_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # access | refresh
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    assurance: Mapped[str] = mapped_column(sa.String(10))
    # The login both tokens of a pair descend from: revoking it ends the whole session.
    session_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    # The security key a key login was made with: removing the key ends the sessions it opened.
    security_key_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    # The system-client key (ClientKey) a client-key login was made with: revoking it ends its sessions.
    client_key_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class WebAuthnCredential(TimestampMixin, db.Model):
    """A registered security key or passkey (the seed's IC card / Ikey)."""

    __tablename__ = "webauthn_credential"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(sa.LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    transports: Mapped[str | None] = mapped_column(sa.String(200))
    name: Mapped[str | None] = mapped_column(sa.String(100))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClientKey(TimestampMixin, db.Model):
    """An Ed25519 public key of a system client or device, for challenge–response login."""

    __tablename__ = "client_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthChallenge(db.Model):
    """A single-use challenge with an expiry, consumed atomically (never kept in a cookie)."""

    __tablename__ = "auth_challenge"
    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(sa.String(128), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(30))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    audience: Mapped[str | None] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
