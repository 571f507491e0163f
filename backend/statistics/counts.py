"""Daily counts of the events the overview counts besides receipts: instructions issued, inspections
concluded, certificates issued and intelligent review's decisions, per closed day, district, channel
and key (the conclusion and disposition, the certificate type, …).

Like the receipts' roll-up (rollup.py), a period reads the stored days it covers and counts only the
rest (today, days not yet rolled up) from the domain tables, with the same SQL. Filters the roll-up
does not key (enterprise, HS chapter, destination, certificate type) count every day from the tables.
A closed day is counted as it stood when it was rolled up: an event is counted on the day it happened.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.certificate_applications.models import ApplicationReceipt, CertificateApplication
from backend.certificates.models import Certificate
from backend.core.receipts import SYSTEM_LABEL
from backend.declarations.models import Declaration, ERecord
from backend.extensions import db
from backend.inspections.models import Inspection
from backend.instructions.models import Instruction
from backend.statistics.rollup import split_period, summed
from backend.statistics.sql import Filters, bucket, date_bucket, declaration_clauses, in_period


class DailyCount(db.Model):
    """How many events of one figure and key one district's applications of one channel had on a day."""

    __tablename__ = "statistics_daily_count"
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    figure: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)


def _without_type(filters: Filters) -> Filters:
    """The filters minus certificate_type, which certificate figures read as "of this type"."""
    return replace(filters, certificate_type=None)


def certificate_clauses(filters: Filters) -> list:
    clauses = declaration_clauses(_without_type(filters), district_column=Certificate.district_code)
    if filters.enterprise_id is not None:
        clauses.append(Certificate.enterprise_id == filters.enterprise_id)
    if filters.certificate_type is not None:
        clauses.append(Certificate.type_code == filters.certificate_type)
    return clauses


def application_clauses(filters: Filters) -> list:
    clauses = declaration_clauses(
        _without_type(filters), district_column=CertificateApplication.district_code
    )
    if filters.certificate_type is not None:
        clauses.append(CertificateApplication.type_code == filters.certificate_type)
    return clauses


@dataclass(frozen=True)
class Source:
    """Where a figure's events are: the FROM with its joins, the event time, the columns it is
    counted by, the conditions that make a row an event, and the request's filters as clauses."""

    select_from: sa.Select
    at: sa.ColumnElement
    district: sa.ColumnElement
    key: sa.ColumnElement
    conditions: tuple = ()
    clauses: object = declaration_clauses


def _instructions() -> Source:
    """Instructions issued (cancelled ones included: they were issued)."""
    return Source(
        sa.select().select_from(Instruction).join(Declaration, Declaration.id == Instruction.declaration_id),
        Instruction.created_at,
        Declaration.district_code,
        sa.literal(""),
    )


def _inspections() -> Source:
    """On-site inspections concluded, keyed "conclusion|disposition"."""
    key = Inspection.conclusion.concat("|").concat(sa.func.coalesce(Inspection.disposition, ""))
    return Source(
        sa.select().select_from(Inspection).join(Declaration, Declaration.id == Inspection.declaration_id),
        Inspection.completed_at,
        Declaration.district_code,
        key,
        (Inspection.conclusion.is_not(None),),
    )


def _certificates() -> Source:
    """Certificates issued, keyed by type (in the certificate's district; channel of its application)."""
    return Source(
        sa.select()
        .select_from(Certificate)
        .outerjoin(ERecord, ERecord.id == Certificate.e_record_id)
        .outerjoin(Declaration, Declaration.id == ERecord.declaration_id),
        Certificate.issued_at,
        Certificate.district_code,
        Certificate.type_code,
        clauses=certificate_clauses,
    )


def _review_decisions() -> Source:
    """Intelligent review's decisions, keyed "type|auto" (issued by the system) or "type|referred"."""
    automatic = sa.and_(
        ApplicationReceipt.code == "CERT_ISSUED", ApplicationReceipt.actor_label == SYSTEM_LABEL
    )
    key = CertificateApplication.type_code.concat(
        sa.case(
            (automatic, "|auto"), (ApplicationReceipt.code == "CERT_OFFICER_REVIEW", "|referred"), else_="|"
        )
    )
    return Source(
        sa.select()
        .select_from(ApplicationReceipt)
        .join(CertificateApplication, CertificateApplication.id == ApplicationReceipt.application_id)
        .join(Declaration, Declaration.id == CertificateApplication.declaration_id),
        ApplicationReceipt.created_at,
        CertificateApplication.district_code,
        key,
        (ApplicationReceipt.code.in_(("CERT_ISSUED", "CERT_OFFICER_REVIEW")),),
        application_clauses,
    )


SOURCES = {
    "instruction": _instructions,
    "inspection": _inspections,
    "certificate": _certificates,
    "review_decision": _review_decisions,
}


def _grouped(figure: str, filters: Filters, *, by: sa.ColumnElement | None = None) -> sa.Select:
    """COUNT … GROUP BY (by,) district, channel, key of the figure's events in the period; `by` is a
    function of the event time (the day it happened, a trend's bucket)."""
    source = SOURCES[figure]()
    keys = [
        source.district.label("district_code"),
        sa.func.coalesce(Declaration.source, "").label("channel"),
        source.key.label("key"),
    ]
    if by is not None:
        keys.insert(0, sa.cast(by(source.at), sa.String).label("day"))
    return (
        source.select_from.add_columns(*keys, sa.func.count().label("count"))
        .where(in_period(source.at, filters), *source.conditions, *source.clauses(filters))
        .group_by(*(key.element for key in keys))
    )


def roll_up_counts(first: date, through: date) -> None:
    """Store every figure's counts of the days first…through (in the caller's transaction)."""
    period = Filters(date_from=first, date_to=through)
    for figure in SOURCES:
        query = _grouped(figure, period, by=lambda at: bucket(at, "day"))
        rows = [
            {**row._asdict(), "day": date.fromisoformat(row.day), "figure": figure}
            for row in db.session.execute(query).all()
        ]
        if rows:
            db.session.execute(sa.insert(DailyCount), rows)


def _rolled(figure: str, filters: Filters, first: date, last: date, by=None) -> list[tuple]:
    """(district or `by` of the day, key, count) of the stored days first…last."""
    group = DailyCount.district_code if by is None else by(DailyCount.day)
    clauses = [DailyCount.figure == figure, DailyCount.day.between(first, last)]
    if filters.districts is not None:
        clauses.append(DailyCount.district_code.in_(filters.districts))
    if filters.channel is not None:
        clauses.append(DailyCount.channel == filters.channel)
    query = (
        sa.select(group, DailyCount.key, sa.func.sum(DailyCount.count))
        .where(*clauses)
        .group_by(group, DailyCount.key)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def _raw(figure: str, filters: Filters, by=None) -> list[tuple]:
    query = _grouped(figure, filters, by=by)
    first = (lambda row: row.district_code) if by is None else (lambda row: row.day)
    return [(first(row), row.key, row.count) for row in db.session.execute(query).all()]


def figure_counts(figure: str, filters: Filters) -> dict[tuple[str, str], int]:
    """{(district, key): count} of the figure's events in the period: stored days, the rest live."""
    rolled, rest = split_period(filters)
    parts = [] if rolled is None else _rolled(figure, filters, *rolled)
    for period in rest:
        parts += _raw(figure, period)
    return summed(parts)


def figure_trend(figure: str, filters: Filters, granularity: str) -> dict[str, int]:
    """{bucket: count} of the figure's events per day, week or month of the period."""
    rolled, rest = split_period(filters)
    parts = []
    if rolled is not None:
        parts += _rolled(figure, filters, *rolled, by=lambda day: date_bucket(day, granularity))
    for period in rest:
        parts += _raw(figure, period, by=lambda at: bucket(at, granularity))
    counted: dict[str, int] = {}
    for (key, _), count in summed(parts).items():
        counted[str(key)] = counted.get(str(key), 0) + count
    return counted
