"""时效: how long each stage of a case took, from the receipts and events already recorded.

A case is an application accepted in the period. Its stage times: submitted (the last SUBMITTED
receipt before acceptance) → accepted → review decision (the first return, rejection, inspection
notice or approval after acceptance) → instruction (first one created) → on-site start (INSPECTING
receipt) → disposition (inspection concluded) → e-record issued → first certificate issued. Each
stage's duration is counted where both ends exist (backend/statistics/durations.py: per accepted day in
the roll-up, the median and 90th percentile in SQL); this module lists the cases late for a stage.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend.certificates.models import Certificate
from backend.core.models import utcnow
from backend.deadlines.calendar import ends_of_working_days
from backend.deadlines.catalog import STAGES as STAGES_CATALOG
from backend.deadlines.models import TimeLimit
from backend.deadlines.service import limits_for
from backend.declarations.models import Declaration, ERecord, Receipt
from backend.extensions import db
from backend.inspections.models import Inspection
from backend.instructions.models import Instruction
from backend.statistics.late import late_dispositions
from backend.statistics.sql import (
    CST,
    Filters,
    declaration_clauses,
    hs_chapter_of,
    in_period,
    seconds_between,
)

STAGES = (
    ("acceptance", "submitted", "accepted", "受理", "Acceptance"),
    ("review", "accepted", "decided", "单证审核", "Document review"),
    ("instruction", "decided", "instructed", "下达指令", "Instruction"),
    ("dispatch", "instructed", "started", "到场开始查检", "Start on site"),
    ("on_site", "started", "disposed", "现场查检与处置", "On-site inspection"),
    ("e_record", "disposed", "e_record", "签发电子底账", "E-record"),
    ("certificate", "e_record", "certificate", "证书签发", "Certificate"),
    ("total", "submitted", "e_record", "提交至电子底账", "Submitted to e-record"),
)
DECISION_CODES = ("RETURNED", "REJECTED", "INSPECTION_NOTICE", "E_RECORD_ISSUED")


def _stage_receipts(filters: Filters, only=None):
    """Per case of the period, its receipt times in one pass over its receipts: the last submission
    before acceptance, the first review decision and the first on-site start after it."""
    after = Receipt.created_at >= Declaration.accepted_at

    def when(condition, aggregate):
        return aggregate(sa.case((condition, Receipt.created_at)))

    query = (
        sa.select(
            Receipt.declaration_id,
            when(
                sa.and_(Receipt.code == "SUBMITTED", Receipt.created_at <= Declaration.accepted_at),
                sa.func.max,
            ).label("submitted"),
            when(sa.and_(Receipt.code.in_(DECISION_CODES), after), sa.func.min).label("decided"),
            when(sa.and_(Receipt.code == "INSPECTING", after), sa.func.min).label("started"),
        )
        .join(Declaration, Declaration.id == Receipt.declaration_id)
        .where(
            Receipt.code.in_(("SUBMITTED", "INSPECTING", *DECISION_CODES)),
            in_period(Declaration.accepted_at, filters),
            *declaration_clauses(filters),
        )
        .group_by(Receipt.declaration_id)
    )
    if only is not None:
        query = query.where(Receipt.declaration_id.in_(only))
    return query.subquery("stage_receipts")


def _first_inspector():
    first_instruction = (
        sa.select(Instruction.inspector_id)
        .where(Instruction.declaration_id == Declaration.id)
        .order_by(Instruction.id)
        .limit(1)
        .scalar_subquery()
    )
    return sa.cast(first_instruction, sa.String)


def cases(filters: Filters, *, only=None):
    """A CTE: one row per case accepted in the period (among `only`'s ids, if given), with every
    grouping (district, channel, HS chapter, first inspector; "-" when none) and its stage times."""
    instructed = (
        sa.select(sa.func.min(Instruction.created_at)).where(Instruction.declaration_id == Declaration.id)
    ).scalar_subquery()
    disposed = (
        sa.select(sa.func.min(Inspection.completed_at)).where(Inspection.declaration_id == Declaration.id)
    ).scalar_subquery()
    certificate = (
        sa.select(sa.func.min(Certificate.issued_at))
        .join(ERecord, ERecord.id == Certificate.e_record_id)
        .where(ERecord.declaration_id == Declaration.id)
    ).scalar_subquery()
    e_record = sa.select(ERecord.issued_at).where(ERecord.declaration_id == Declaration.id).scalar_subquery()
    stage_receipts = _stage_receipts(filters, only)
    query = (
        sa.select(
            Declaration.id.label("declaration_id"),
            Declaration.inspection_no,
            Declaration.district_code,
            Declaration.source.label("channel"),
            sa.func.coalesce(hs_chapter_of(), "-").label("hs_chapter"),
            sa.func.coalesce(_first_inspector(), "-").label("inspector"),
            stage_receipts.c.submitted,
            Declaration.accepted_at.label("accepted"),
            stage_receipts.c.decided,
            instructed.label("instructed"),
            stage_receipts.c.started,
            disposed.label("disposed"),
            e_record.label("e_record"),
            certificate.label("certificate"),
        )
        .outerjoin(stage_receipts, stage_receipts.c.declaration_id == Declaration.id)
        .where(Declaration.accepted_at.is_not(None), in_period(Declaration.accepted_at, filters))
        .where(*declaration_clauses(filters))
    )
    if only is not None:
        query = query.where(Declaration.id.in_(only))
    return query.cte("cases").prefix_with("MATERIALIZED")


# Stages with a time limit (backend/deadlines): (stage, when its clock starts, when it stops).
LATE_STAGES = (("review", "accepted", "decided"), ("instruction_start", "instructed", "started"))
MAX_LATE_CANDIDATES = 200  # per stage, earliest accepted first: the list shows 200 at most


def _limit_floor_seconds(stage: str) -> float | None:
    """The shortest limit any district has for `stage`, in seconds: no case quicker can be late
    (N working days end no earlier than N calendar days after the start)."""
    limits = sa.select(TimeLimit.amount, TimeLimit.unit).where(TimeLimit.stage == stage)
    rows = db.session.execute(limits).all()
    if not rows:
        return None
    return min(amount * (3600 if unit == "hours" else 86400) for amount, unit in rows)


def _stage_clock(stage: str):
    """(start, end) of a late-able stage for the application in the outer query (correlated)."""
    after = Receipt.created_at >= Declaration.accepted_at

    def first_receipt(codes):
        return (
            sa.select(sa.func.min(Receipt.created_at))
            .where(Receipt.declaration_id == Declaration.id, Receipt.code.in_(codes), after)
            .scalar_subquery()
        )

    if stage == "review":
        return Declaration.accepted_at, first_receipt(DECISION_CODES)
    instructed = (
        sa.select(sa.func.min(Instruction.created_at)).where(Instruction.declaration_id == Declaration.id)
    ).scalar_subquery()
    return instructed, first_receipt(("INSPECTING",))


def _late_against_catalog(filters: Filters, now) -> list[dict]:
    """Cases late for review or instruction start, by the district's time limit and working days.

    SQL walks the period's applications in order of acceptance (on its index) and keeps those whose
    stage took (or has taken so far) longer than the shortest limit of any district, stopping at
    MAX_LATE_CANDIDATES; only those few are checked against their own district's limit in working days.
    """
    late = []

    def dues(stage: str, candidates) -> dict:
        """Each candidate's deadline: the districts' limits read once, then working-day limits for all
        their start days at once (one calendar read per amount), hour limits by adding."""
        limits = limits_for(stage=stage, district_codes={row[2] for row in candidates})
        found = {}
        for amount in {limit.amount for limit in limits.values() if limit and limit.unit == "working_days"}:
            mine = [
                row
                for row in candidates
                if (limit := limits[row[2]]) and limit.unit == "working_days" and limit.amount == amount
            ]
            ends = ends_of_working_days({row[3].astimezone(CST).date() for row in mine}, amount)
            found.update({row[0]: ends[row[3].astimezone(CST).date()] for row in mine})
        for row in candidates:
            limit = limits[row[2]]
            if limit is None:
                found[row[0]] = None
            elif limit.unit == "hours":
                found[row[0]] = row[3] + timedelta(hours=limit.amount)
        return found

    for stage, _start, _end in LATE_STAGES:
        floor = _limit_floor_seconds(stage)
        if floor is None:
            continue
        begun, ended = _stage_clock(stage)
        elapsed = seconds_between(begun, sa.func.coalesce(ended, now))
        query = (
            sa.select(Declaration.id, Declaration.inspection_no, Declaration.district_code, begun, ended)
            .where(
                Declaration.accepted_at.is_not(None),
                in_period(Declaration.accepted_at, filters),
                *declaration_clauses(filters),
                begun.is_not(None),
                elapsed > floor,
            )
            .order_by(Declaration.accepted_at, Declaration.id)
            .limit(MAX_LATE_CANDIDATES)
        )
        candidates = db.session.execute(query).all()
        deadlines = dues(stage, candidates)
        for declaration_id, inspection_no, district, _began, done in candidates:
            deadline = deadlines[declaration_id]
            if deadline is not None and (done or now) > deadline:
                late.append(_late_row(declaration_id, inspection_no, district, stage, deadline, done))
    return late


def _late_row(declaration_id, inspection_no, district, stage, due, done) -> dict:
    return {
        "declaration_id": declaration_id,
        "inspection_no": inspection_no,
        "district": district,
        "late_stage": stage,
        "late_stage_name": f"{STAGES_CATALOG[stage][2]} {STAGES_CATALOG[stage][3]}",
        "deadline": due.isoformat(),
        "done_at": done.isoformat() if done else None,
    }


def overdue(filters: Filters, limit: int = 200) -> list[dict]:
    """Cases over their deadline with the stage that is late, earliest deadline first.

    Disposition: the deadline each instruction got when issued (backend/deadlines), against the
    inspection's conclusion (or now), the concluded ones from the roll-up (late.py). Review and
    instruction start: the time limits of the case's district in working days.
    """
    now = utcnow()
    late = [
        _late_row(declaration_id, inspection_no, district, "disposition", due, done_at)
        for declaration_id, inspection_no, district, due, done_at in late_dispositions(filters, now, limit)
    ]
    late += _late_against_catalog(filters, now)
    return sorted(late, key=lambda row: (row["deadline"], row["declaration_id"]))[:limit]
