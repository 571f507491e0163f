"""Instruction (指令), the inspection items (查检要求) it requires, its device lease, and the change feed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import JSONType, TimestampMixin, UTCDateTime, VersionedMixin, db

if TYPE_CHECKING:
    from backend.declarations.models import Declaration
    from backend.identity.models import Enterprise, User

_BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class Instruction(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "instruction"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    source: Mapped[str] = mapped_column(sa.String(20))  # risk_rule | manual
    # Why it exists: the rule hits (rule ids, reasons, the random draw) or the officer's note.
    reason: Mapped[dict | None] = mapped_column(JSONType)
    priority: Mapped[int] = mapped_column(sa.Integer, default=3)  # 1 highest … 5 lowest
    site_address: Mapped[str | None] = mapped_column(sa.String(300))
    site_lat: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    site_lon: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    site_contact: Mapped[str | None] = mapped_column(sa.String(120))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The inspector it is assigned to.
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # A re-inspection after treatment (处置 → 熏蒸 → 复检) names the instruction whose finding it follows.
    follows_instruction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instruction.id"), index=True)

    items: Mapped[list[InstructionItem]] = relationship(
        order_by="InstructionItem.seq", cascade="all, delete-orphan", back_populates="instruction"
    )
    # Read-only context for responses (names, numbers, the lease); lists load them with selectinload.
    inspector: Mapped[User | None] = relationship(foreign_keys=[inspector_id], viewonly=True)
    declaration: Mapped[Declaration] = relationship(viewonly=True)
    enterprise: Mapped[Enterprise] = relationship(viewonly=True)
    lease: Mapped[InstructionLease | None] = relationship(viewonly=True)
    follow_ups: Mapped[list[Instruction]] = relationship(
        foreign_keys=[follows_instruction_id], order_by="Instruction.id", viewonly=True
    )

    __table_args__ = (sa.Index("ix_instruction_inspector_status", "inspector_id", "status"),)


class InstructionItem(db.Model):
    """One thing to check on site, and the evidence it needs (e.g. a photo of the labels)."""

    __tablename__ = "instruction_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instruction.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(sa.Integer)
    # Catalog code: verify_goods, packaging, labels, quantity_weight, sampling, treatment_supervision.
    code: Mapped[str] = mapped_column(sa.String(40))
    description_zh: Mapped[str] = mapped_column(sa.String(300))
    description_en: Mapped[str] = mapped_column(sa.String(300))
    evidence: Mapped[list | None] = mapped_column(sa.JSON)  # e.g. ["photo"], ["photo", "measurement"]

    instruction: Mapped[Instruction] = relationship(back_populates="items")
    __table_args__ = (sa.UniqueConstraint("instruction_id", "seq", name="uq_instruction_item_seq"),)


class InstructionLease(db.Model):
    """The one device an instruction is worked on; another device must take it over explicitly."""

    __tablename__ = "instruction_lease"
    instruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instruction.id", ondelete="CASCADE"), primary_key=True
    )
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[str] = mapped_column(sa.String(64))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    inspector: Mapped[User] = relationship(viewonly=True)


# --- the change feed (backend/instructions/changes.py): what each inspector's devices must pull ---


class SyncCounter(db.Model):
    """Per-inspector change counter; its row lock orders concurrent writers so cursors never skip."""

    __tablename__ = "sync_counter"
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(_BIGINT, default=0)


class SyncChange(db.Model):
    """The latest change sequence of one instruction as seen by one inspector (tombstone when moved away)."""

    __tablename__ = "sync_change"
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    instruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instruction.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(_BIGINT)
    __table_args__ = (sa.Index("ix_sync_change_inspector_seq", "inspector_id", "seq", unique=True),)
