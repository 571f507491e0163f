"""检验检疫编号: allocation of inspection numbers, race-free and gap-free except on rollback.

Layout (15 characters, see docs/identifiers.md):
    2        direction: 2 = export
    26       two-digit year of acceptance (China Standard Time)
    N | W    channel: N = entered in Chajian (the new origin inspection system), W = Single Window intake
    5300     the 4-digit customs district (关区)
    0000001  serial, unique per district and year whatever the channel

The serial comes from one counter row per (district, year), locked for the rest of the transaction
(bumped and read back with UPDATE … RETURNING: PostgreSQL locks the row; SQLite already holds its
write lock from BEGIN IMMEDIATE). A
concurrent submission waits for the lock, so no two share a number; a rollback returns the number
along with everything else, so numbers are skipped only when a transaction rolled back after a
later one had already committed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.declarations.models import InspectionNoCounter
from backend.extensions import db

EXPORT = "2"
CHANNELS = {"web": "N", "single_window": "W"}
CHINA_TIME = timezone(timedelta(hours=8), "CST")  # China keeps no daylight saving time
INSPECTION_NO = re.compile(r"^[12]\d{2}[0-9A-Z]\d{4}\d{7}$")
MAX_SERIAL = 9_999_999


def china_year(at: datetime) -> int:
    return at.astimezone(CHINA_TIME).year


def allocate_inspection_no(*, district_code: str, source: str, at: datetime) -> str:
    """Take the next serial of `district_code` in the year of `at`; the caller's transaction commits."""
    year = china_year(at)
    serial = _next_serial(district_code, year)
    if serial > MAX_SERIAL:
        raise RuntimeError(f"inspection number serials exhausted for {district_code}/{year}")
    channel = CHANNELS[source]
    return format_inspection_no(year=year, channel=channel, district_code=district_code, serial=serial)


def format_inspection_no(*, year: int, channel: str, district_code: str, serial: int) -> str:
    return f"{EXPORT}{year % 100:02d}{channel}{district_code}{serial:07d}"


def parse_inspection_no(number: str) -> dict | None:
    """The parts of a well-formed number, or None."""
    if not INSPECTION_NO.match(number or ""):
        return None
    return {
        "direction": number[0],
        "year": 2000 + int(number[1:3]),
        "channel": number[3],
        "district_code": number[4:8],
        "serial": int(number[8:]),
    }


_counter = InspectionNoCounter.__table__
# Built once (a plain table statement: no ORM bookkeeping, its cache key computed once).
_BUMP = (
    sa.update(_counter)
    .where(_counter.c.district_code == sa.bindparam("district"), _counter.c.year == sa.bindparam("in_year"))
    .values(last_serial=_counter.c.last_serial + 1)
    .returning(_counter.c.last_serial)
)


def _next_serial(district_code: str, year: int) -> int:
    """Bump the counter row and read it back in one statement (UPDATE … RETURNING): the row stays
    locked until the caller's transaction ends (PostgreSQL's row lock; SQLite's write lock)."""
    bump = {"district": district_code, "in_year": year}
    serial = db.session.execute(_BUMP, bump).scalar_one_or_none()
    if serial is not None:
        return serial
    try:
        # The first number of a district's year: two transactions may both try to create the row.
        with db.session.begin_nested():
            db.session.add(InspectionNoCounter(district_code=district_code, year=year, last_serial=0))
    except IntegrityError:
        pass
    return db.session.execute(_BUMP, bump).scalar_one()
