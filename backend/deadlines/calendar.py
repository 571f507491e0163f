"""Chinese working days: Monday to Friday, less the public holidays, plus the make-up days (调休).

Counted in China Standard Time. A limit of N working days started on day D ends at the close
(23:59:59 CST) of the N-th working day after D: the day the clock starts is not counted (期间开始的
当日不计算在期间内), so work arriving on a Friday or a Saturday with one working day is due on Monday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from backend.deadlines.models import CalendarDay
from backend.extensions import db

CHINA_TIME = timezone(timedelta(hours=8), "CST")  # China keeps no daylight saving time
_END_OF_DAY = time(23, 59, 59)


def _exceptions(first: date, last: date) -> dict[date, str]:
    rows = db.session.execute(
        db.select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day.between(first, last))
    )
    return {day: kind for day, kind in rows}


def is_working_day(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind is not None:
        return kind == "workday"
    return day.weekday() < 5


def add_working_days(start_day: date, count: int) -> date:
    """The `count`-th working day after `start_day` (not counting `start_day` itself)."""
    # The longest run of days off in China is 9 (Spring Festival): read the calendar in windows.
    window = timedelta(days=count * 2 + 21)
    day, left, exceptions, loaded_to = start_day, count, {}, start_day
    while left > 0:
        day += timedelta(days=1)
        if day > loaded_to:
            exceptions = _exceptions(day, day + window)
            loaded_to = day + window
        if is_working_day(day, exceptions):
            left -= 1
    return day


def end_of_working_days(start: datetime, count: int) -> datetime:
    """The close of the `count`-th working day after `start` (an aware datetime), in UTC."""
    start_day = start.astimezone(CHINA_TIME).date()
    due_day = add_working_days(start_day, count)
    return datetime.combine(due_day, _END_OF_DAY, tzinfo=CHINA_TIME).astimezone(UTC)


def ends_of_working_days(start_days: set[date], count: int) -> dict[date, datetime]:
    """end_of_working_days for many start days at once, reading the calendar once: {day: due (UTC)}."""
    if not start_days:
        return {}
    exceptions = _exceptions(min(start_days), max(start_days) + timedelta(days=count * 2 + 21))
    ends = {}
    for start_day in start_days:
        day, left = start_day, count
        while left > 0:
            day += timedelta(days=1)
            if is_working_day(day, exceptions):
                left -= 1
        ends[start_day] = datetime.combine(day, _END_OF_DAY, tzinfo=CHINA_TIME).astimezone(UTC)
    return ends


def working_days_between(first: date, last: date) -> int:
    """How many working days lie in (first, last]: the days a piece of work has been waiting."""
    if last <= first:
        return 0
    exceptions = _exceptions(first, last)
    days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
    return sum(is_working_day(day, exceptions) for day in days)
