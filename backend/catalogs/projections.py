"""Tables other domains keep for their foreign keys and fast reads, refreshed when a version is applied.

The catalogue is the source; these are projections of its latest version: districts and qualification
types (identity, referenced by users, enterprises and qualifications) and the e-record validity
prefixes (declarations.catalog_validity). Retired districts and types stay (old rows refer to them).
"""

from __future__ import annotations

from backend.declarations.catalog_validity import GoodsCategoryPrefix
from backend.extensions import db
from backend.identity.models import District, QualificationType


def _districts(changes: dict) -> None:
    rows = changes["added"] + [c["after"] for c in changes["changed"]]
    # Parents first: a district's parent must exist before it.
    for row in sorted(rows, key=lambda r: bool(r.get("parent"))):
        district = db.session.get(District, row["code"]) or District(code=row["code"])
        district.name_zh, district.name_en = row.get("name_zh", ""), row.get("name_en", "")
        district.parent_code = row.get("parent") or None
        db.session.add(district)
        db.session.flush()


def _qualification_types(changes: dict) -> None:
    for row in changes["added"] + [c["after"] for c in changes["changed"]]:
        kind = db.session.get(QualificationType, row["code"]) or QualificationType(code=row["code"])
        kind.name_zh, kind.name_en = row.get("name_zh", ""), row.get("name_en", row.get("name_zh", ""))
        db.session.add(kind)
    db.session.flush()


def _e_record_validity(changes: dict) -> None:
    for row in changes["retired"]:
        prefix = db.session.get(GoodsCategoryPrefix, row["code"])
        if prefix is not None:
            db.session.delete(prefix)
    for row in changes["added"] + [c["after"] for c in changes["changed"]]:
        prefix = db.session.get(GoodsCategoryPrefix, row["code"]) or GoodsCategoryPrefix(prefix=row["code"])
        prefix.category_code = row["category"]
        db.session.add(prefix)
    db.session.flush()


PROJECTIONS = {
    "districts": _districts,
    "qualification_types": _qualification_types,
    "e_record_validity": _e_record_validity,
}


def project(table_code: str, changes: dict) -> None:
    """Refresh the projection of one table, if it has one, in the current transaction."""
    refresh = PROJECTIONS.get(table_code)
    if refresh is not None:
        refresh(changes)
