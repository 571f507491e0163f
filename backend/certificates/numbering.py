"""Certificate numbers (证书编号): per type, customs district and year, never shared, never skipped.

Format, 15 digits: district (4) + year (2) + type code (2) + serial (7), e.g. 530026180000001 is the
first phytosanitary certificate of Shenzhen Customs in 2026. The serial comes from a counter row
locked for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL; on SQLite every write
transaction starts with BEGIN IMMEDIATE, see backend/core/sqlite.py, so writers queue). A number is
lost only when the issuing transaction rolls back, and then so is the counter increment.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

from backend.certificates.models import CertificateCounter
from backend.extensions import db

CERTIFICATE_NO_RE = re.compile(r"^[0-9]{15}$")
MAX_SERIAL = 9_999_999


def format_certificate_no(*, district_code: str, year: int, type_code: str, serial: int) -> str:
    return f"{district_code}{year % 100:02d}{type_code}{serial:07d}"


def _locked_counter(type_code: str, district_code: str, year: int) -> CertificateCounter | None:
    query = (
        db.select(CertificateCounter)
        .where(
            CertificateCounter.type_code == type_code,
            CertificateCounter.district_code == district_code,
            CertificateCounter.year == year,
        )
        .with_for_update()
    )
    return db.session.execute(query).scalar_one_or_none()


def allocate_serial(*, type_code: str, district_code: str, year: int) -> int:
    """The next serial for (type, district, year), inside the caller's transaction."""
    counter = _locked_counter(type_code, district_code, year)
    if counter is None:
        try:
            with db.session.begin_nested():
                counter = CertificateCounter(
                    type_code=type_code, district_code=district_code, year=year, last_serial=0
                )
                db.session.add(counter)
        except IntegrityError:  # another transaction created the row first; wait for its lock
            pass
        counter = _locked_counter(type_code, district_code, year)
    if counter.last_serial >= MAX_SERIAL:
        raise RuntimeError(f"certificate serials exhausted for {type_code}/{district_code}/{year}")
    counter.last_serial += 1
    db.session.flush()
    return counter.last_serial
