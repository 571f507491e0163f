"""China Standard Time (UTC+8, no daylight saving): the day and year printed on customs documents."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_TIME = timezone(timedelta(hours=8), "CST")


def china_date(at: datetime) -> date:
    """The calendar day in China at the instant `at` (timezone-aware)."""
    return at.astimezone(CHINA_TIME).date()
