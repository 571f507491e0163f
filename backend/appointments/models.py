"""Appointment (预约查检): a requested date and slot, and what customs made of it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import TimestampMixin, VersionedMixin, db

if TYPE_CHECKING:
    from backend.declarations.models import Declaration

ACTIVE = ("requested", "proposed", "confirmed")
_CONFIRMED = sa.text("status = 'confirmed'")
_ACTIVE = sa.text("status IN ('requested', 'proposed', 'confirmed')")


class Appointment(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "appointment"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="requested", index=True)
    # What the enterprise asked for.
    requested_date: Mapped[date] = mapped_column(sa.Date)
    requested_slot: Mapped[str] = mapped_column(sa.String(20))
    site_address: Mapped[str] = mapped_column(sa.String(300))
    contact_name: Mapped[str] = mapped_column(sa.String(100))
    contact_phone: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.Text)
    # Customs' counter-proposal, waiting for the enterprise.
    proposed_date: Mapped[date | None] = mapped_column(sa.Date)
    proposed_slot: Mapped[str | None] = mapped_column(sa.String(20))
    proposed_inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    proposal_note: Mapped[str | None] = mapped_column(sa.Text)
    # The booking both sides agreed on.
    confirmed_date: Mapped[date | None] = mapped_column(sa.Date)
    confirmed_slot: Mapped[str | None] = mapped_column(sa.String(20))
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # The instruction the confirmed booking is for (the application's open one when customs confirmed).
    instruction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instruction.id"), index=True)
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    cancelled_by: Mapped[str | None] = mapped_column(sa.String(20))  # enterprise | customs
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    declaration: Mapped[Declaration] = relationship(viewonly=True)  # its inspection number, in responses

    __table_args__ = (
        # No inspector is booked twice for the same slot; enforced by the database, so it holds under races.
        sa.Index(
            "uq_appointment_inspector_slot",
            "inspector_id",
            "confirmed_date",
            "confirmed_slot",
            unique=True,
            sqlite_where=_CONFIRMED,
            postgresql_where=_CONFIRMED,
        ),
        # At most one open appointment per application.
        sa.Index(
            "uq_appointment_open_per_declaration",
            "declaration_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )
