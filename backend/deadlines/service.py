"""时限 use cases: the due time of a stage, and the administrators' upkeep of limits and calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.permissions import district_clause, is_national
from backend.deadlines import errors  # noqa: F401  (registers the error codes)
from backend.deadlines.calendar import end_of_working_days
from backend.deadlines.catalog import STAGES
from backend.deadlines.models import CalendarDay, TimeLimit
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import District


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise DomainError("deadlines.unknown_stage", stage=stage, errors={"stage": ["unknown"]})


def _district_chain(district_code: str | None) -> list[str]:
    """The district, its parent, its parent's parent…: the nearest one with its own limit wins."""
    chain: list[str] = []
    code = district_code
    while code is not None and code not in chain:
        chain.append(code)
        code = db.session.execute(
            db.select(District.parent_code).where(District.code == code)
        ).scalar_one_or_none()
    return chain


def limit_for(*, stage: str, district_code: str | None) -> TimeLimit | None:
    """The limit for a district: its own, else its parent's (直属海关), else the national default."""
    _check_stage(stage)
    rows = db.session.execute(db.select(TimeLimit).where(TimeLimit.stage == stage)).scalars().all()
    by_district = {row.district_code: row for row in rows}
    for code in _district_chain(district_code):
        if code in by_district:
            return by_district[code]
    return by_district.get(None)


def limits_for(*, stage: str, district_codes: set[str]) -> dict[str, TimeLimit | None]:
    """limit_for many districts at once: the stage's limits and the districts' parents read once."""
    _check_stage(stage)
    rows = db.session.execute(db.select(TimeLimit).where(TimeLimit.stage == stage)).scalars().all()
    by_district = {row.district_code: row for row in rows}
    parents = dict(db.session.execute(db.select(District.code, District.parent_code)).all())
    found: dict[str, TimeLimit | None] = {}
    for district_code in district_codes:
        found[district_code] = by_district.get(
            None
        )  # the national default, unless one up the chain has its own
        code, seen = district_code, set()
        while code is not None and code not in seen:
            if code in by_district:
                found[district_code] = by_district[code]
                break
            seen.add(code)
            code = parents.get(code)
    return found


def due_at(*, stage: str, district_code: str | None, start: datetime) -> datetime | None:
    """When work of `stage` begun at `start` (aware) in `district_code` is due; None if no limit is set."""
    limit = limit_for(stage=stage, district_code=district_code)
    if limit is None:
        return None
    if limit.unit == "hours":
        return start + timedelta(hours=limit.amount)
    return end_of_working_days(start, limit.amount)


def _ensure_may_edit(actor: Actor, district_code: str | None) -> None:
    """National rows: the national level's administrators; a district's row: its own administrators."""
    allowed = is_national(actor) if district_code is None else district_code == actor.district_code
    if not allowed:
        raise DomainError(
            "deadlines.district_forbidden", errors={"district_code": [f"must be {actor.district_code}"]}
        )


def list_time_limits(*, actor: Actor) -> list[TimeLimit]:
    """The national defaults and the limits of every district the actor may read, by stage."""
    query = db.select(TimeLimit).where(
        TimeLimit.district_code.is_(None) | district_clause(actor, TimeLimit.district_code)
    )
    rows = db.session.execute(query).scalars().all()
    return sorted(rows, key=lambda r: (list(STAGES).index(r.stage), r.district_code or ""))


def _limit_view(row: TimeLimit | None) -> dict | None:
    return None if row is None else {"amount": row.amount, "unit": row.unit}


def set_time_limit(
    *, actor: Actor, stage: str, amount: int, unit: str, district_code: str | None = None
) -> TimeLimit:
    """Set a stage's national default, or the actor's district's own limit (created if missing)."""
    _check_stage(stage)
    _ensure_may_edit(actor, district_code)
    row = db.session.execute(
        db.select(TimeLimit).where(TimeLimit.stage == stage, _same_district(district_code)).with_for_update()
    ).scalar_one_or_none()
    before = _limit_view(row)
    if row is None:
        row = TimeLimit(stage=stage, district_code=district_code, amount=amount, unit=unit)
        db.session.add(row)
    row.amount, row.unit, row.updated_by_id = amount, unit, actor.user_id
    db.session.flush()
    _audit("deadlines.time_limit_set", stage, district_code, actor, before, _limit_view(row))
    db.session.commit()
    return row


def remove_time_limit(*, actor: Actor, stage: str, district_code: str | None) -> None:
    """Drop a district's own limit (the parent's or the national default applies again)."""
    _check_stage(stage)
    if district_code is None:
        raise DomainError("deadlines.default_required")
    _ensure_may_edit(actor, district_code)
    row = db.session.execute(
        db.select(TimeLimit).where(TimeLimit.stage == stage, TimeLimit.district_code == district_code)
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("resource.not_found")
    _audit("deadlines.time_limit_removed", stage, district_code, actor, _limit_view(row), None)
    db.session.delete(row)
    db.session.commit()


def _same_district(district_code: str | None):
    if district_code is None:
        return TimeLimit.district_code.is_(None)
    return TimeLimit.district_code == district_code


def _audit(action, stage, district_code, actor, before, after) -> None:
    record_event(
        action=action,
        entity_type="time_limit",
        entity_id=f"{stage}:{district_code or 'national'}",
        actor=actor,
        before=before,
        after=after,
        district_code=district_code or actor.district_code,
    )


def list_calendar(*, year: int) -> list[CalendarDay]:
    """The holidays and make-up working days of a year, by date."""
    query = (
        db.select(CalendarDay)
        .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(CalendarDay.day)
    )
    return list(db.session.execute(query).scalars())


def _day_view(row: CalendarDay | None) -> dict | None:
    return None if row is None else {"kind": row.kind, "name_zh": row.name_zh, "name_en": row.name_en}


def set_calendar_day(
    *, actor: Actor, day: date, kind: str, name_zh: str, name_en: str | None = None
) -> CalendarDay:
    """Mark a day as a holiday or a make-up working day (the national level's administrators)."""
    _ensure_may_edit(actor, None)
    row = db.session.get(CalendarDay, day, with_for_update=True)
    before = _day_view(row)
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.kind, row.name_zh, row.name_en = kind, name_zh, name_en
    record_event(
        action="deadlines.calendar_day_set",
        entity_type="calendar_day",
        entity_id=day.isoformat(),
        actor=actor,
        before=before,
        after=_day_view(row),
    )
    db.session.commit()
    return row


def remove_calendar_day(*, actor: Actor, day: date) -> None:
    """The day follows the Monday–Friday rule again."""
    _ensure_may_edit(actor, None)
    row = db.session.get(CalendarDay, day)
    if row is None:
        raise DomainError("resource.not_found")
    record_event(
        action="deadlines.calendar_day_removed",
        entity_type="calendar_day",
        entity_id=day.isoformat(),
        actor=actor,
        before=_day_view(row),
        after=None,
    )
    db.session.delete(row)
    db.session.commit()
