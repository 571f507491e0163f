"""Time limits per stage and the calendar of days off and make-up working days (调休)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import TimestampMixin, db


class TimeLimit(TimestampMixin, db.Model):
    """How long one stage may take: the national default (district_code NULL) or a district's own."""

    __tablename__ = "time_limit"
    __table_args__ = (
        sa.UniqueConstraint("stage", "district_code", name="uq_time_limit_stage_district"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("unit IN ('working_days', 'hours')", name="unit"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(sa.String(40), index=True)
    district_code: Mapped[str | None] = mapped_column(sa.ForeignKey("district.code"))
    amount: Mapped[int] = mapped_column(sa.Integer)
    unit: Mapped[str] = mapped_column(sa.String(20))
    # Who last changed it (the audit trail has the full story); no foreign key: a catalog row outlives
    # the people who set it.
    updated_by_id: Mapped[int | None] = mapped_column(sa.Integer)


class CalendarDay(db.Model):
    """A day that breaks the Monday–Friday rule: a public holiday off, or a weekend day worked (调休)."""

    __tablename__ = "calendar_day"
    __table_args__ = (sa.CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name_zh: Mapped[str] = mapped_column(sa.String(50))
    name_en: Mapped[str | None] = mapped_column(sa.String(80))
