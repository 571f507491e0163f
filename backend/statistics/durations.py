"""时效 figures: each stage's duration per case, counted in a histogram; median, p90 and bands in SQL.

(Summary: daily rows to the minute per accepted day and group; monthly rows per district in buckets of
two significant figures carrying their total seconds; percentiles interpolate between the buckets'
mean durations — exact while a bucket holds one duration, else within its width, at most 5 %.)

A stage's duration is fixed once its end is recorded (every stage time is a first occurrence, or the
last submission before acceptance), so the daily roll-up stores the durations of the stages that
ended on the closed days it rolls up, counted per (accepted day, end day, district, channel, HS
chapter, first inspector, stage, duration in whole minutes). A period (cases accepted in it) then reads:

- the roll-up rows of its accepted days, and
- live, the stages that ended after the last rolled day, computed case by case only for the cases with
  an event since then (found on the event times' indexes), with the same keys.

Both are histograms (grp, stage, seconds, n); the median and 90th percentile interpolate between
neighbours exactly as percentile_cont does, from running sums over the histogram, in one statement.
Durations are kept to the minute (the page shows hours to two decimals). Filters the roll-up does not
key (enterprise, destination, certificate type) count every case live.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.certificates.models import Certificate
from backend.declarations.models import ERecord, Receipt
from backend.extensions import db
from backend.identity.models import District, User
from backend.inspections.models import Inspection
from backend.instructions.models import Instruction
from backend.statistics.sql import Filters, bucket, day_start, dialect, seconds_between
from backend.statistics.timeliness import STAGES, cases

HISTOGRAM_HOURS = (4, 8, 24, 48, 72, 120, 240)
GROUPS = ("district", "channel", "hs_chapter", "inspector")
LATEST_CASE_DAYS = 366  # a roll-up looks for stage ends among the cases accepted this long before


class DailyDuration(db.Model):
    """How many cases accepted on `day` had `stage` end on `end_day` after `seconds` (to the minute)."""

    __tablename__ = "statistics_daily_duration"
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    end_day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    hs_chapter: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    inspector: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    stage: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    seconds: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)


class MonthlyDuration(db.Model):
    """The daily histogram summed per accepted month and district, durations in buckets of two
    significant figures of minutes (each with its cases' total seconds, so a bucket of one value is exact)."""

    __tablename__ = "statistics_monthly_duration"
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    stage: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    bucket: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)
    seconds_sum: Mapped[float] = mapped_column(sa.Float)


def bucket_of(seconds):
    """Minutes to two significant figures (exact below 100 minutes): at most 5 % wide."""
    minutes = sa.func.round(seconds / 60.0)

    def rounded(step: int):
        return sa.func.round(minutes / float(step)) * step

    return sa.cast(
        sa.case(
            (minutes < 100, minutes),
            (minutes < 1000, rounded(10)),
            (minutes < 10000, rounded(100)),
            (minutes < 100000, rounded(1000)),
            else_=rounded(10000),
        ),
        sa.Integer,
    )


def _month_of(day):
    if dialect() == "postgresql":
        return sa.cast(sa.func.date_trunc("month", day), sa.Date)
    return sa.func.strftime("%Y-%m-01", day)


def _minutes(seconds):
    """Seconds rounded to the whole minute (the histogram's resolution)."""
    return sa.cast(sa.func.round(seconds / 60.0), sa.Integer) * 60


def _as_date(text):
    return sa.cast(text, sa.Date) if dialect() == "postgresql" else text


def _stage_rows(case_rows, ended_from=None, ended_before=None):
    """One SELECT per stage over `case_rows`: the keys, the stage, its end and its minutes."""
    parts = []
    for stage, start, end, _, _ in STAGES:
        began, ended = case_rows.c[start], case_rows.c[end]
        clauses = [began.is_not(None), ended.is_not(None)]
        if ended_from is not None:
            clauses.append(ended >= ended_from)
        if ended_before is not None:
            clauses.append(ended < ended_before)
        parts.append(
            sa.select(
                _as_date(bucket(case_rows.c.accepted, "day")).label("day"),
                _as_date(bucket(ended, "day")).label("end_day"),
                case_rows.c.district_code,
                case_rows.c.channel,
                case_rows.c.hs_chapter,
                case_rows.c.inspector,
                sa.literal(stage).label("stage"),
                _minutes(seconds_between(began, ended)).label("seconds"),
            ).where(*clauses)
        )
    return sa.union_all(*parts).subquery("stage_rows")


def roll_up_durations(first: date, through: date) -> None:
    """Store the durations of the stages that ended on the days first…through (in the caller's
    transaction, which marks those days rolled up)."""
    period = Filters(date_from=first - timedelta(days=LATEST_CASE_DAYS), date_to=through)
    rows = _stage_rows(cases(period), day_start(first), day_start(through + timedelta(days=1)))
    keys = [
        rows.c[name]
        for name in (
            "day",
            "end_day",
            "district_code",
            "channel",
            "hs_chapter",
            "inspector",
            "stage",
            "seconds",
        )
    ]
    select = sa.select(*keys, sa.func.count()).group_by(*keys)
    db.session.execute(sa.insert(DailyDuration).from_select([*(key.name for key in keys), "count"], select))
    _add_to_months(first, through)


def _add_to_months(first: date, through: date) -> None:
    """Add the daily rows of the stages that ended first…through to their accepted months."""
    if dialect() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    daily = DailyDuration.__table__.c
    month, bucket = _month_of(daily.day), bucket_of(daily.seconds)
    select = (
        sa.select(
            month,
            daily.district_code,
            daily.stage,
            bucket,
            sa.func.sum(daily.count),
            sa.func.sum(daily.seconds * daily.count),
        )
        .where(daily.end_day.between(first, through))
        .group_by(month, daily.district_code, daily.stage, bucket)
    )
    upsert = insert(MonthlyDuration).from_select(
        ["month", "district_code", "stage", "bucket", "count", "seconds_sum"], select
    )
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=["month", "district_code", "stage", "bucket"],
            set_={
                "count": MonthlyDuration.count + upsert.excluded.count,
                "seconds_sum": MonthlyDuration.seconds_sum + upsert.excluded.seconds_sum,
            },
        )
    )


def _touched_since(since):
    """Ids of the applications with a stage event at or after `since`, each found on a time index."""
    from backend.statistics.timeliness import DECISION_CODES

    codes = ("SUBMITTED", "ACCEPTED", "INSPECTING", *DECISION_CODES)
    return sa.union(
        sa.select(Receipt.declaration_id).where(Receipt.code.in_(codes), Receipt.created_at >= since),
        sa.select(Instruction.declaration_id).where(Instruction.created_at >= since),
        sa.select(Inspection.declaration_id).where(Inspection.completed_at >= since),
        sa.select(ERecord.declaration_id).where(ERecord.issued_at >= since),
        sa.select(ERecord.declaration_id)
        .join(Certificate, Certificate.e_record_id == ERecord.id)
        .where(Certificate.issued_at >= since),
    )


def _group_key(source, group_by: str):
    return source.c["district_code" if group_by == "district" else group_by]


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _full_months(first: date, last: date) -> tuple[date, date] | None:
    """The first and last day of the whole months within first…last (None if there is none)."""
    start = first if first.day == 1 else _next_month(first)
    after = _next_month(last) if _next_month(last) - timedelta(days=1) == last else last.replace(day=1)
    return (start, after - timedelta(days=1)) if start < after else None


def histogram(filters: Filters, group_by: str = "district"):
    """(grp, stage, bucket, n, total seconds) over the cases accepted in the period: roll-up plus live.

    Whole months of the rolled range come from the monthly table when grouped by district without a
    channel; the other rolled days from the daily table; stages that ended since, live.
    """
    from backend.statistics.rollup import rolled_range

    rolled = None if filters.needs_declaration_detail else rolled_range()
    if rolled is None or rolled[0] > filters.date_to:
        return _summed([_histogram_of(_stage_rows(cases(filters)), group_by)])
    since = day_start(rolled[1] + timedelta(days=1))
    parts = [
        _histogram_of(_stage_rows(cases(filters, only=_touched_since(since)), ended_from=since), group_by)
    ]
    # The roll-up began on the day of the oldest receipt: no stage ended before its first day.
    first, last = max(rolled[0], filters.date_from), min(rolled[1], filters.date_to)
    if first > last:
        return _summed(parts)
    months = _full_months(first, last) if group_by == "district" and filters.channel is None else None
    days = [(first, last)]
    if months is not None:
        monthly = MonthlyDuration.__table__.c
        clauses = [monthly.month.between(*months)]
        if filters.districts is not None:
            clauses.append(monthly.district_code.in_(filters.districts))
        parts.append(
            sa.select(
                monthly.district_code.label("grp"),
                monthly.stage,
                monthly.bucket,
                monthly.count.label("n"),
                monthly.seconds_sum.label("total"),
            ).where(*clauses)
        )
        days = [(first, months[0] - timedelta(days=1)), (months[1] + timedelta(days=1), last)]
    daily = DailyDuration.__table__.c
    for day_from, day_to in days:
        if day_from > day_to:
            continue
        clauses = [daily.day.between(day_from, day_to)]
        if filters.districts is not None:
            clauses.append(daily.district_code.in_(filters.districts))
        if filters.channel is not None:
            clauses.append(daily.channel == filters.channel)
        parts.append(
            sa.select(
                _group_key(DailyDuration.__table__, group_by).label("grp"),
                daily.stage,
                bucket_of(daily.seconds).label("bucket"),
                daily.count.label("n"),
                (daily.seconds * daily.count).label("total"),
            ).where(*clauses)
        )
    return _summed(parts)


def _summed(parts):
    union = sa.union_all(*parts).subquery("parts")
    keys = (union.c.grp, union.c.stage, union.c.bucket)
    return (
        sa.select(
            *keys,
            sa.func.sum(union.c.n).label("n"),
            (sa.func.sum(union.c.total) / sa.func.sum(union.c.n)).label("seconds"),
        )
        .group_by(*keys)
        .subquery("histogram")
    )


def _histogram_of(rows, group_by: str):
    return sa.select(
        _group_key(rows, group_by).label("grp"),
        rows.c.stage,
        bucket_of(rows.c.seconds).label("bucket"),
        sa.literal(1).label("n"),
        rows.c.seconds.label("total"),
    )


def _floor(value):
    return sa.func.floor(value) if dialect() == "postgresql" else sa.cast(value, sa.Integer)


def _percentiles(counted):
    """Per group and stage: count, median and 90th percentile in seconds (percentile_cont's
    interpolation: the value at position p·(n−1), between its two neighbours)."""
    window = {"partition_by": (counted.c.grp, counted.c.stage)}
    ranked = sa.select(
        counted.c.grp,
        counted.c.stage,
        counted.c.seconds,
        sa.func.sum(counted.c.n).over(**window, order_by=counted.c.bucket).label("running"),
        sa.func.sum(counted.c.n).over(**window).label("total"),
    ).subquery("ranked")

    def percentile(p: float):
        position = p * (ranked.c.total - 1)
        lower = _floor(position)

        def value_at(index):  # the seconds of the index-th case (0-based) in order
            return sa.func.min(sa.case((ranked.c.running > index, ranked.c.seconds)))

        below, above = value_at(lower), value_at(lower + 1)
        fraction = sa.func.max(position - lower)
        return below + (sa.func.coalesce(above, below) - below) * fraction

    return sa.select(
        sa.literal("stage").label("kind"),
        ranked.c.grp,
        ranked.c.stage,
        sa.func.max(ranked.c.total).label("count"),
        percentile(0.5).label("median"),
        percentile(0.9).label("p90"),
    ).group_by(ranked.c.grp, ranked.c.stage)


def _bands(counted):
    """Cases of the "total" stage (submitted to e-record) per hour band, as rows of the same shape."""
    hours = counted.c.seconds / 3600.0
    band = sa.case(
        *[(hours < upper, index) for index, upper in enumerate(HISTOGRAM_HOURS)], else_=len(HISTOGRAM_HOURS)
    )
    return (
        sa.select(
            sa.literal("band").label("kind"),
            sa.literal("-").label("grp"),
            sa.cast(band, sa.String).label("stage"),
            sa.func.sum(counted.c.n).label("count"),
            sa.null().label("median"),
            sa.null().label("p90"),
        )
        .where(counted.c.stage == "total")
        .group_by(band)
    )


def stage_durations_and_distribution(filters: Filters, group_by: str = "district") -> tuple[list, list]:
    """Per group and stage: count, median and p90 in hours; and the cases per band of the time from
    submission to e-record. One statement: the histogram is built once for both."""
    counted = histogram(filters, group_by).element.cte("histogram")
    if dialect() == "postgresql":
        counted = counted.prefix_with("MATERIALIZED")
    rows = db.session.execute(sa.union_all(_percentiles(counted), _bands(counted))).all()
    order = {stage: index for index, (stage, *_rest) in enumerate(STAGES)}
    labels = _group_labels(group_by)
    durations = sorted(
        (
            {
                "group": group,
                "group_name": labels.get(group, group),
                "stage": stage,
                "count": int(count),
                "median_hours": round(float(median) / 3600, 2),
                "p90_hours": round(float(p90) / 3600, 2),
            }
            for kind, group, stage, count, median, p90 in rows
            if kind == "stage"
        ),
        key=lambda row: (row["group"], order[row["stage"]]),
    )
    counts = {int(stage): int(count) for kind, _, stage, count, _, _ in rows if kind == "band"}
    bands = []
    for index, lower in enumerate((0, *HISTOGRAM_HOURS)):
        upper = HISTOGRAM_HOURS[index] if index < len(HISTOGRAM_HOURS) else None
        label = f"{lower}–{upper} h" if upper is not None else f"≥ {lower} h"
        bands.append({"band": label, "count": counts.get(index, 0)})
    return durations, bands


def _group_labels(group_by: str) -> dict[str, str]:
    if group_by == "district":
        return dict(db.session.execute(sa.select(District.code, District.name_zh)).all())
    if group_by != "inspector":
        return {"-": "—"}
    names = db.session.execute(sa.select(User.id, User.username)).all()
    return {"-": "未派查检 no inspector", **{str(user_id): name for user_id, name in names}}
