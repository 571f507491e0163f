"""The daily roll-up: receipt counts per closed day, district, channel and code, and live counts for today.

Receipts are the largest table (several per application). A closed day's counts never change, so
`roll_up()` (the scheduled job, or `flask statistics rollup`) stores them once per day and district;
a period then reads the roll-up for the days it covers and counts only the rest (today, or days not
yet rolled up) from the receipts. Filters beyond district and channel (enterprise, HS chapter,
destination, certificate type) are not kept in the roll-up: those periods count from the receipts.
Rolled-up days are contiguous (each run fills every closed day after the last one), so "which days are
rolled up" is one range. Idempotent: a day is written once, in the transaction that marks it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.certificate_applications.models import ApplicationReceipt, CertificateApplication
from backend.certificates.models import Certificate
from backend.core.models import utcnow
from backend.declarations.models import Declaration, Receipt
from backend.extensions import db
from backend.inspections.models import Inspection
from backend.instructions.models import Instruction
from backend.review.models import RuleHit
from backend.statistics.sql import CST, Filters, bucket, date_bucket, declaration_clauses, in_period


class DailyReceiptCount(db.Model):
    """How many receipts of one code one district's applications of one channel received on one day."""

    __tablename__ = "statistics_daily_receipt"
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)


class RolledUpDay(db.Model):
    """A closed day whose counts are in the roll-up."""

    __tablename__ = "statistics_rolled_up_day"
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)


def today() -> date:
    return utcnow().astimezone(CST).date()


def rolled_range() -> tuple[date, date] | None:
    first, last = db.session.execute(
        sa.select(sa.func.min(RolledUpDay.day), sa.func.max(RolledUpDay.day))
    ).one()
    return None if first is None else (first, last)


def _raw_counts(filters: Filters, codes) -> list[tuple[str, str, int]]:
    query = (
        sa.select(Declaration.district_code, Receipt.code, sa.func.count())
        .join(Declaration, Declaration.id == Receipt.declaration_id)
        .where(Receipt.code.in_(codes), in_period(Receipt.created_at, filters), *declaration_clauses(filters))
        .group_by(Declaration.district_code, Receipt.code)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def _rolled_counts(filters: Filters, codes, first: date, last: date) -> list[tuple[str, str, int]]:
    clauses = [DailyReceiptCount.code.in_(codes), *_rolled_clauses(DailyReceiptCount, filters, first, last)]
    query = (
        sa.select(
            DailyReceiptCount.district_code, DailyReceiptCount.code, sa.func.sum(DailyReceiptCount.count)
        )
        .where(*clauses)
        .group_by(DailyReceiptCount.district_code, DailyReceiptCount.code)
    )
    return [(district, code, int(count)) for district, code, count in db.session.execute(query).all()]


def split_period(filters: Filters) -> tuple[tuple[date, date] | None, list[Filters]]:
    """The days of the period the roll-up holds (first, last), or None, and the rest of the period as
    filters to count from the domain tables (before the roll-up began, after its last day)."""
    rolled = None if filters.needs_declaration_detail else rolled_range()
    if rolled is None or rolled[1] < filters.date_from or rolled[0] > filters.date_to:
        return None, [filters]
    first, last = max(rolled[0], filters.date_from), min(rolled[1], filters.date_to)
    rest = []
    if filters.date_from < first:
        rest.append(replace(filters, date_to=first - timedelta(days=1)))
    if last < filters.date_to:
        rest.append(replace(filters, date_from=last + timedelta(days=1)))
    return (first, last), rest


def summed(parts) -> dict[tuple, int]:
    """{(key, …): count} of (key, …, count) rows, counts of the same keys added."""
    merged: dict[tuple, int] = {}
    for *keys, count in parts:
        merged[tuple(keys)] = merged.get(tuple(keys), 0) + int(count)
    return merged


def receipt_counts(filters: Filters, codes) -> list[tuple[str, str, int]]:
    """(district, receipt code, count) over the period: roll-up for rolled days, receipts for the rest."""
    rolled, rest = split_period(filters)
    parts = [] if rolled is None else _rolled_counts(filters, codes, *rolled)
    for period in rest:
        parts += _raw_counts(period, codes)
    return [(district, code, count) for (district, code), count in summed(parts).items()]


def _rolled_clauses(table, filters: Filters, first: date, last: date) -> list:
    clauses = [table.day.between(first, last)]
    if filters.districts is not None:
        clauses.append(table.district_code.in_(filters.districts))
    if filters.channel is not None:
        clauses.append(table.channel == filters.channel)
    return clauses


def receipt_trend(filters: Filters, codes, granularity: str) -> dict[tuple, int]:
    """{(bucket, code): count} over the period, by day, week or month, rolled days from the roll-up."""
    rolled, rest = split_period(filters)
    parts = []
    if rolled is not None:
        key = date_bucket(DailyReceiptCount.day, granularity)
        parts += db.session.execute(
            sa.select(key, DailyReceiptCount.code, sa.func.sum(DailyReceiptCount.count))
            .where(DailyReceiptCount.code.in_(codes), *_rolled_clauses(DailyReceiptCount, filters, *rolled))
            .group_by(key, DailyReceiptCount.code)
        ).all()
    for period in rest:
        key = bucket(Receipt.created_at, granularity)
        parts += db.session.execute(
            sa.select(key, Receipt.code, sa.func.count())
            .join(Declaration, Declaration.id == Receipt.declaration_id)
            .where(
                Receipt.code.in_(codes), in_period(Receipt.created_at, period), *declaration_clauses(period)
            )
            .group_by(key, Receipt.code)
        ).all()
    return summed((str(key), code, count) for key, code, count in parts)


def roll_up(*, through: date | None = None) -> int:
    """Roll up every closed day after the last rolled one, through `through` (default yesterday).

    The first run starts at the day of the oldest receipt. Returns how many days were rolled up.
    The same transaction stores the other figures' counts of those days (statistics/counts.py), the
    stage durations that ended on them (statistics/durations.py) and the dispositions that ended late
    (statistics/late.py).
    """
    from backend.statistics.counts import roll_up_counts  # both read the rolled range
    from backend.statistics.durations import roll_up_durations
    from backend.statistics.late import roll_up_late

    through = min(through or today() - timedelta(days=1), today() - timedelta(days=1))
    rolled = rolled_range()
    if rolled is not None:
        first = rolled[1] + timedelta(days=1)
    else:
        oldest = db.session.execute(sa.select(sa.func.min(Receipt.created_at))).scalar()
        if oldest is None:
            return 0
        first = oldest.astimezone(CST).date()
    if first > through:
        return 0
    period = Filters(date_from=first, date_to=through)
    day = bucket(Receipt.created_at, "day")
    select = (
        sa.select(
            sa.cast(day, sa.String).label("day"),
            Declaration.district_code,
            Declaration.source,
            Receipt.code,
            sa.func.count(),
        )
        .join(Declaration, Declaration.id == Receipt.declaration_id)
        .where(in_period(Receipt.created_at, period))
        .group_by(day, Declaration.district_code, Declaration.source, Receipt.code)
    )
    rows = [
        {
            "day": date.fromisoformat(d),
            "district_code": district,
            "channel": channel,
            "code": code,
            "count": n,
        }
        for d, district, channel, code, n in db.session.execute(select).all()
    ]
    days = [first + timedelta(days=n) for n in range((through - first).days + 1)]
    try:
        # The days first: a concurrent run that marked them already makes this one stop here.
        db.session.execute(sa.insert(RolledUpDay), [{"day": d} for d in days])
        if rows:
            db.session.execute(sa.insert(DailyReceiptCount), rows)
        roll_up_counts(first, through)
        roll_up_durations(first, through)
        roll_up_late(first, through)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return 0
    return len(days)


# Indexes the figures read: each period filter is a range on one event time (receipts by code first).
# Declared here, beside the figures that need them, on the domains' tables.
STATISTICS_INDEXES = (
    sa.Index("ix_receipt_code_created", Receipt.code, Receipt.created_at),
    sa.Index("ix_instruction_created", Instruction.created_at),
    sa.Index("ix_inspection_completed", Inspection.completed_at),
    sa.Index("ix_certificate_issued", Certificate.issued_at),
    sa.Index(
        "ix_certificate_application_receipt_code_created",
        ApplicationReceipt.code,
        ApplicationReceipt.created_at,
    ),
    sa.Index("ix_certificate_application_submitted", CertificateApplication.submitted_at),
    sa.Index("ix_rule_hit_evaluated", RuleHit.evaluated_at),
)
