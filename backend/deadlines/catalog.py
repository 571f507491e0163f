"""The stages that have a time limit, their national defaults, and the 2026 public holidays."""

from __future__ import annotations

from datetime import date

# stage -> (default amount, unit, 中文, English, what the clock runs between)
STAGES: dict[str, tuple[int, str, str, str, str]] = {
    "review": (1, "working_days", "单证审核", "Document review", "accepted → review decision"),
    "instruction_start": (
        2,
        "working_days",
        "指令开始执行",
        "Instruction started",
        "instruction issued → on-site start",
    ),
    "disposition": (5, "working_days", "检验处置完成", "Disposition", "instruction issued → disposition"),
    "appointment_confirm": (
        1,
        "working_days",
        "预约确认",
        "Appointment confirmed",
        "booked → confirmed, proposed or declined",
    ),
    "certificate_review": (
        1,
        "working_days",
        "证书审核",
        "Certificate review",
        "referred to an officer → decision",
    ),
    "blank_stock_allocation": (
        3,
        "working_days",
        "空白证书分配",
        "Blank paper allocated",
        "requested → allocated or refused",
    ),
}
UNITS = ("working_days", "hours")

# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号): days off, and weekend days worked.
_HOLIDAYS_2026 = [
    ("元旦", "New Year's Day", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", "Spring Festival", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", "Qingming Festival", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", "Labour Day", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", "Dragon Boat Festival", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", "Mid-Autumn Festival", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", "National Day", date(2026, 10, 1), date(2026, 10, 7)),
]
_MAKE_UP_DAYS_2026 = [
    ("元旦调休上班", "New Year make-up working day", date(2026, 1, 4)),
    ("春节调休上班", "Spring Festival make-up working day", date(2026, 2, 14)),
    ("春节调休上班", "Spring Festival make-up working day", date(2026, 2, 28)),
    ("劳动节调休上班", "Labour Day make-up working day", date(2026, 5, 9)),
    ("国庆节调休上班", "National Day make-up working day", date(2026, 9, 20)),
    ("国庆节调休上班", "National Day make-up working day", date(2026, 10, 10)),
]


def calendar_2026() -> list[tuple[date, str, str, str]]:
    """(day, kind, 中文, English) for every holiday and make-up working day of 2026."""
    from datetime import timedelta

    days = []
    for zh, en, first, last in _HOLIDAYS_2026:
        day = first
        while day <= last:
            days.append((day, "holiday", zh, en))
            day += timedelta(days=1)
    days += [(day, "workday", zh, en) for zh, en, day in _MAKE_UP_DAYS_2026]
    return sorted(days)


def seed_catalog() -> None:
    """National default time limits and the 2026 calendar (idempotent; the caller commits)."""
    from backend.deadlines.models import CalendarDay, TimeLimit
    from backend.extensions import db

    existing = set(
        db.session.execute(db.select(TimeLimit.stage).where(TimeLimit.district_code.is_(None))).scalars()
    )
    for stage, (amount, unit, *_names) in STAGES.items():
        if stage not in existing:
            db.session.add(TimeLimit(stage=stage, district_code=None, amount=amount, unit=unit))
    known = set(db.session.execute(db.select(CalendarDay.day)).scalars())
    for day, kind, zh, en in calendar_2026():
        if day not in known:
            db.session.add(CalendarDay(day=day, kind=kind, name_zh=zh, name_en=en))
    db.session.flush()
