"""SQL building blocks shared by the figures: the period, the filters, dialect-specific expressions.

Every figure is one GROUP BY statement; nothing here loads rows to count them. Days are China
Standard Time days (UTC+8, no daylight saving), so a period and a trend bucket mean what an officer
in Shenzhen means by "that day".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from backend.declarations.models import Declaration, DeclarationCertificate, DeclarationGoods
from backend.extensions import db

CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Filters:
    """A request's filters, with the district resolved to the codes it counts (None: every district)."""

    date_from: date
    date_to: date
    districts: tuple[str, ...] | None = None
    enterprise_id: int | None = None
    hs_chapter: str | None = None
    destination_country: str | None = None
    certificate_type: str | None = None
    channel: str | None = None

    @property
    def start(self) -> datetime:
        return day_start(self.date_from)

    @property
    def end(self) -> datetime:
        return day_start(self.date_to + timedelta(days=1))

    @property
    def needs_declaration_detail(self) -> bool:
        """Whether a filter looks beyond district and channel (the daily roll-up keeps only those)."""
        return any(
            value is not None
            for value in (
                self.enterprise_id,
                self.hs_chapter,
                self.destination_country,
                self.certificate_type,
            )
        )

    def describe(self) -> list[tuple[str, str]]:
        """The filters as (label, value) lines, for the head of an export."""
        lines = [("期间 period", f"{self.date_from.isoformat()} – {self.date_to.isoformat()} (UTC+8)")]
        lines.append(
            ("关区 districts", ", ".join(self.districts) if self.districts is not None else "全部 all")
        )
        for label, value in (
            ("企业 enterprise_id", self.enterprise_id),
            ("HS 章 hs_chapter", self.hs_chapter),
            ("目的国 destination_country", self.destination_country),
            ("证书类型 certificate_type", self.certificate_type),
            ("渠道 channel", self.channel),
        ):
            if value is not None:
                lines.append((label, str(value)))
        return lines


def day_start(day: date) -> datetime:
    """00:00 China Standard Time of `day`, in UTC."""
    return datetime.combine(day, time(0), tzinfo=CST).astimezone(UTC)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def in_period(column, filters: Filters):
    return sa.and_(column >= filters.start, column < filters.end)


def declaration_clauses(filters: Filters, declaration=Declaration, *, district_column=None) -> list:
    """WHERE clauses on an application (or its alias) for the request's filters."""
    clauses = []
    if filters.districts is not None:
        clauses.append(
            (district_column if district_column is not None else declaration.district_code).in_(
                filters.districts
            )
        )
    if filters.enterprise_id is not None:
        clauses.append(declaration.enterprise_id == filters.enterprise_id)
    if filters.destination_country is not None:
        clauses.append(declaration.destination_country == filters.destination_country)
    if filters.channel is not None:
        clauses.append(declaration.source == filters.channel)
    if filters.hs_chapter is not None:
        clauses.append(
            sa.exists().where(
                DeclarationGoods.declaration_id == declaration.id,
                sa.func.substr(DeclarationGoods.hs_code, 1, 2) == filters.hs_chapter,
            )
        )
    if filters.certificate_type is not None:
        clauses.append(
            sa.exists().where(
                DeclarationCertificate.declaration_id == declaration.id,
                DeclarationCertificate.cert_code == filters.certificate_type,
            )
        )
    return clauses


def hs_chapter_of(declaration=Declaration):
    """The HS chapter of the application's first goods line (a correlated scalar subquery)."""
    return (
        sa.select(sa.func.substr(DeclarationGoods.hs_code, 1, 2))
        .where(DeclarationGoods.declaration_id == declaration.id)
        .order_by(DeclarationGoods.line_no)
        .limit(1)
        .scalar_subquery()
    )


def local_time(column):
    """The timestamp as China Standard Time wall-clock time (for day/week/month buckets)."""
    if dialect() == "postgresql":
        return sa.func.timezone("Asia/Shanghai", column)
    return sa.func.datetime(column, "+8 hours")


def bucket(column, granularity: str):
    """The first day of the column's day/week (Monday)/month, as 'YYYY-MM-DD' text."""
    return date_bucket(local_time(column), granularity)


def date_bucket(local, granularity: str):
    """The first day of the day/week (Monday)/month of a China date or wall-clock time, as text."""
    if dialect() == "postgresql":
        return sa.func.to_char(sa.func.date_trunc(granularity, local), "YYYY-MM-DD")
    if granularity == "day":
        return sa.func.date(local)
    if granularity == "month":
        return sa.func.strftime("%Y-%m-01", local)
    weekday_from_monday = (sa.cast(sa.func.strftime("%w", local), sa.Integer) + 6) % 7
    return sa.func.date(
        local, sa.literal("-").concat(sa.cast(weekday_from_monday, sa.String)).concat(" days")
    )


def seconds_between(earlier, later):
    """`later - earlier` in seconds, as a float."""
    if dialect() == "postgresql":
        return sa.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


def count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def rate(numerator: int, denominator: int) -> float | None:
    """A share rounded to four places; None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


def buckets_between(start: date, end: date, granularity: str) -> list[str]:
    """Every bucket key of the period, so an empty day is a zero rather than a gap."""
    if granularity == "day":
        first = start
    elif granularity == "week":
        first = start - timedelta(days=start.weekday())
    else:
        first = start.replace(day=1)
    keys, day = [], first
    while day <= end:
        keys.append(day.isoformat())
        if granularity == "day":
            day += timedelta(days=1)
        elif granularity == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return keys
