"""Dispositions over their deadline (时限): the instructions whose inspection was concluded after the
deadline the instruction got when issued, and the open ones whose deadline has passed.

A disposition concluded late stays late, so the daily roll-up stores those that were concluded on the
days it rolls up (one row per instruction); a period then reads them on the deadline's index, adds the
ones concluded since (on the conclusion time's index) and the open instructions past their deadline
(on the open statuses' (status, deadline) index) — never every instruction of the period.
Filters the roll-up does not key (enterprise, HS chapter, destination, certificate type) read live.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import UTCDateTime
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.inspections.models import Inspection
from backend.instructions.models import Instruction
from backend.statistics.sql import Filters, day_start, declaration_clauses, dialect, in_period

OPEN_INSTRUCTION = ("pending", "assigned", "accepted", "in_progress")  # spelt out: an index range each


class LateDisposition(db.Model):
    """An instruction whose inspection was concluded after its deadline, as of a rolled-up day."""

    __tablename__ = "statistics_late_disposition"
    instruction_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.Integer)
    inspection_no: Mapped[str | None] = mapped_column(sa.String(20))
    district_code: Mapped[str] = mapped_column(sa.String(4))
    channel: Mapped[str] = mapped_column(sa.String(20))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _concluded_late(filters: Filters):
    """Instructions of the period's applications concluded after their deadline (a SELECT to narrow)."""
    return (
        sa.select(
            Instruction.id.label("instruction_id"),
            Declaration.id.label("declaration_id"),
            Declaration.inspection_no,
            Declaration.district_code,
            Declaration.source.label("channel"),
            Declaration.accepted_at,
            Instruction.deadline,
            Inspection.completed_at.label("done_at"),
        )
        .select_from(Instruction)
        .join(Declaration, Declaration.id == Instruction.declaration_id)
        .join(Inspection, Inspection.instruction_id == Instruction.id)
        .where(
            Instruction.status != "cancelled",
            Instruction.deadline.is_not(None),
            Inspection.completed_at > Instruction.deadline,
            Declaration.accepted_at.is_not(None),
        )
    )


def roll_up_late(first: date, through: date) -> None:
    """Store the dispositions concluded late on the days first…through (in the caller's transaction).
    A conclusion moved later and rolled up again keeps its first row."""
    if dialect() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    concluded = Inspection.completed_at
    select = _concluded_late(Filters(date_from=first, date_to=through)).where(
        concluded >= day_start(first), concluded < day_start(through + timedelta(days=1))
    )
    columns = [column.name for column in select.selected_columns]
    db.session.execute(insert(LateDisposition).from_select(columns, select).on_conflict_do_nothing())


def _rolled(filters: Filters, limit: int) -> list[tuple]:
    late = LateDisposition
    clauses = [in_period(late.accepted_at, filters)]
    if filters.districts is not None:
        clauses.append(late.district_code.in_(filters.districts))
    if filters.channel is not None:
        clauses.append(late.channel == filters.channel)
    query = (
        sa.select(late.declaration_id, late.inspection_no, late.district_code, late.deadline, late.done_at)
        .where(*clauses)
        .order_by(late.deadline, late.declaration_id)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def _live(filters: Filters, since: datetime | None, limit: int) -> list[tuple]:
    """Concluded late since `since` (every one, if None) and not rolled up, in the period."""
    query = _concluded_late(filters).where(
        in_period(Declaration.accepted_at, filters), *declaration_clauses(filters)
    )
    if since is not None:
        rolled = sa.select(LateDisposition.instruction_id).where(
            LateDisposition.instruction_id == Instruction.id
        )
        query = query.where(Inspection.completed_at >= since, ~rolled.exists())
    query = (
        query.with_only_columns(
            Declaration.id,
            Declaration.inspection_no,
            Declaration.district_code,
            Instruction.deadline,
            Inspection.completed_at,
        )
        .order_by(Instruction.deadline, Declaration.id)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def _open_past_deadline(filters: Filters, now: datetime, limit: int) -> list[tuple]:
    """Open instructions of the period's applications whose deadline passed and not yet concluded.

    One ordered walk per open status on its (status, deadline) index, each stopping at `limit`: an IN
    over the statuses would sort every open instruction first."""
    concluded = sa.select(Inspection.id).where(
        Inspection.instruction_id == Instruction.id, Inspection.completed_at.is_not(None)
    )
    walks = []
    for status in OPEN_INSTRUCTION:
        walk = (
            sa.select(
                Declaration.id.label("declaration_id"),
                Declaration.inspection_no,
                Declaration.district_code,
                Instruction.deadline,
                Instruction.id.label("instruction_id"),
            )
            .select_from(Instruction)
            .join(Declaration, Declaration.id == Instruction.declaration_id)
            .where(
                Instruction.status == status,
                Instruction.deadline < now,
                ~concluded.exists(),
                in_period(Declaration.accepted_at, filters),
                *declaration_clauses(filters),
            )
            .order_by(Instruction.deadline, Instruction.id)
            .limit(limit)
            .subquery()
        )
        walks.append(sa.select(walk))
    merged = sa.union_all(*walks).subquery("open_late")
    query = (
        sa.select(merged.c.declaration_id, merged.c.inspection_no, merged.c.district_code)
        .add_columns(merged.c.deadline, sa.null())
        .order_by(merged.c.deadline, merged.c.instruction_id)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def late_dispositions(filters: Filters, now: datetime, limit: int) -> list[tuple]:
    """(declaration id, inspection no., district, deadline, concluded at or None), earliest deadline
    first, one per application (its earliest late deadline), at most `limit`."""
    from backend.statistics.rollup import rolled_range

    rolled = None if filters.needs_declaration_detail else rolled_range()
    if rolled is None:
        rows = _live(filters, None, limit)
    else:
        rows = _rolled(filters, limit) + _live(filters, day_start(rolled[1] + timedelta(days=1)), limit)
    rows += _open_past_deadline(filters, now, limit)
    first: dict[int, tuple] = {}
    for row in sorted(rows, key=lambda row: (row[3], row[0])):
        first.setdefault(row[0], row)
    return list(first.values())[:limit]
