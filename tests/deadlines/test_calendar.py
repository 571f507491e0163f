"""时限: Chinese working days in China Standard Time, district overrides, and every instruction's deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.core.enums import Role
from backend.deadlines.calendar import end_of_working_days, ends_of_working_days, working_days_between
from backend.deadlines.models import TimeLimit
from backend.deadlines.service import due_at
from backend.extensions import db
from backend.instructions.models import Instruction

CST = timezone(timedelta(hours=8))


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=CST)


def close_of(year, month, day) -> datetime:
    """23:59:59 CST of that day, in UTC as due_at answers it."""
    return cst(year, month, day, 23, 59, 59).astimezone(UTC)


@pytest.mark.parametrize(
    "start, expected",
    [
        # A Friday: the weekend is skipped, the Monday is the one working day.
        (cst(2026, 1, 9, 10, 0), close_of(2026, 1, 12)),
        # A Saturday: the clock starts counting on Monday.
        (cst(2026, 1, 10, 15, 0), close_of(2026, 1, 12)),
        # New Year's Eve: 1–3 January are off, Sunday 4 January is a make-up working day (调休).
        (cst(2025, 12, 31, 9, 0), close_of(2026, 1, 4)),
        # The day before the Spring Festival: Saturday 14 February is worked.
        (cst(2026, 2, 13, 16, 0), close_of(2026, 2, 14)),
        # 01:00 in Beijing on Friday is still Thursday in UTC: the day is China's.
        (datetime(2026, 1, 8, 17, 0, tzinfo=UTC), close_of(2026, 1, 12)),
    ],
)
def test_one_working_day_for_review(app, start, expected):
    assert due_at(stage="review", district_code="5300", start=start) == expected


def test_several_working_days_across_a_nine_day_holiday_and_its_make_up_days(app):
    # 14 Feb (Sat) worked, 15–23 Feb off, so the 2nd working day after 13 Feb is Tuesday 24 Feb.
    limit = db.session.execute(
        db.select(TimeLimit).where(TimeLimit.stage == "instruction_start", TimeLimit.district_code.is_(None))
    ).scalar_one()
    assert (limit.amount, limit.unit) == (2, "working_days")
    assert due_at(stage="instruction_start", district_code="5301", start=cst(2026, 2, 13, 9)) == close_of(
        2026, 2, 24
    )
    assert working_days_between(cst(2026, 2, 13).date(), cst(2026, 3, 2).date()) == 7  # 14, 24–27, 28, 2


def test_many_start_days_at_once_end_where_each_would_alone(app):
    """One calendar read for a list of late cases gives the same deadlines as one read per case."""
    days = {cst(*day).date() for day in ((2025, 12, 31), (2026, 1, 9), (2026, 2, 13), (2026, 2, 20))}
    for count in (1, 2, 5):
        alone = {day: end_of_working_days(cst(day.year, day.month, day.day, 12), count) for day in days}
        assert ends_of_working_days(days, count) == alone
    assert ends_of_working_days(set(), 1) == {}


def test_a_district_row_overrides_the_default_and_subordinates_inherit_their_parents(app):
    db.session.add_all(
        [
            TimeLimit(stage="disposition", district_code="5300", amount=3, unit="working_days"),
            TimeLimit(stage="disposition", district_code="5320", amount=6, unit="hours"),
        ]
    )
    db.session.commit()
    start = cst(2026, 3, 2, 9, 0)  # a Monday
    assert due_at(stage="disposition", district_code="2200", start=start) == close_of(2026, 3, 9)  # 5 days
    assert due_at(stage="disposition", district_code="5300", start=start) == close_of(2026, 3, 5)  # its own
    assert due_at(stage="disposition", district_code="5301", start=start) == close_of(2026, 3, 5)  # parent's
    assert due_at(stage="disposition", district_code="5320", start=start) == start + timedelta(hours=6)


def test_an_instruction_issued_by_a_risk_rule_gets_its_deadline(client, factories, monkeypatch):
    import backend.instructions.service as instructions

    # Friday 18 September: Sunday 20 is a make-up working day, so five working days end on Thursday 24.
    monkeypatch.setattr(instructions, "utcnow", lambda: cst(2026, 9, 18, 10, 0).astimezone(UTC))
    db.session.add(TimeLimit(stage="disposition", district_code="5320", amount=7, unit="working_days"))
    db.session.commit()
    due = {}
    for district in ("5301", "5320"):
        enterprise = factories.enterprise(district_code=district)
        declaration = factories.declaration(enterprise, status="accepted", district_code=district)
        factories.risk_rule(district_code=district, hs_prefixes=["4419"])
        reviewer = factories.headers(factories.user(Role.REVIEWER, district_code=district))
        response = client.post(
            f"/api/v1/review/declarations/{declaration.id}/approve",
            json={"expected_version": 1},
            headers=reviewer,
        )
        assert response.status_code == 200, response.get_json()
        instruction = db.session.get(Instruction, response.get_json()["instruction_id"])
        assert instruction.source == "risk_rule"
        due[district] = instruction.deadline
    assert due["5301"] == close_of(2026, 9, 24)
    # 5320's own seven days: 25–27 September are the Mid-Autumn holiday, so Tuesday 29.
    assert due["5320"] == close_of(2026, 9, 29)


def test_a_hand_issued_instruction_keeps_the_deadline_it_was_given_else_gets_one(client, factories):
    supervisor = factories.user(Role.SUPERVISOR, district_code="5300")
    headers = factories.headers(supervisor)
    given = "2027-01-05T08:00:00+00:00"
    made = []
    for deadline in (given, None):
        declaration = factories.declaration(factories.enterprise(), status="inspection_notice")
        body = {"declaration_id": declaration.id, "item_codes": ["verify_goods"]}
        if deadline:
            body["deadline"] = deadline
        response = client.post("/api/v1/instructions", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        made.append(response.get_json()["deadline"])
    assert made[0].startswith("2027-01-05T08:00:00")
    assert made[1] is not None and made[1] > datetime.now(UTC).isoformat()
