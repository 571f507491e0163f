"""Which ports a customs district holds (口岸海关), from the port table in force today.

A port row's `customs_code` is the 4-digit customs port code, the district that clears it. Handed to
core.permissions by create_app: the customs of a port read the e-records and certificates declared
to leave through it.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.catalogs.models import CatalogEntry
from backend.catalogs.service import in_force
from backend.core.china_time import china_date
from backend.core.models import utcnow
from backend.extensions import db


def ports_held_by(district_codes: frozenset[str]) -> frozenset[str]:
    """The port codes (UN/LOCODE) whose customs port code is one of `district_codes`."""
    if not district_codes:
        return frozenset()
    holder = CatalogEntry.data["customs_code"].as_string()
    query = sa.select(CatalogEntry.code).where(
        CatalogEntry.table_code == "ports", holder.in_(sorted(district_codes))
    )
    return frozenset(db.session.scalars(in_force(query, china_date(utcnow()))))
