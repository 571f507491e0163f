"""Diffs and versions: what an import would change, and applying it as a new version (nothing deleted)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.catalogs import cache
from backend.catalogs.models import CatalogEntry, CatalogVersion
from backend.catalogs.projections import project
from backend.catalogs.tables import Table
from backend.extensions import db

CHUNK = 500


def entry_row(entry: CatalogEntry) -> dict:
    """An entry as the row of an import file would hold it (only non-empty columns)."""
    row = {"code": entry.code}
    if entry.name_zh:
        row["name_zh"] = entry.name_zh
    if entry.name_en:
        row["name_en"] = entry.name_en
    row.update(entry.data or {})
    return row


def normalise(table: Table, row: dict) -> dict:
    """Strip values and drop empty columns so that a file and the stored entry compare equal."""
    out = {}
    for column in table.columns:
        value = str(row.get(column.name) or "").strip()
        if column.kind == "list":
            value = " ".join(value.split())
        if value:
            out[column.name] = value
    return out


def current_entries(table_code: str) -> dict[str, CatalogEntry]:
    """The open entry of every code of the table's latest version."""
    query = sa.select(CatalogEntry).where(
        CatalogEntry.table_code == table_code, CatalogEntry.to_version.is_(None)
    )
    return {e.code: e for e in db.session.scalars(query)}


def diff(table: Table, rows: list[dict], current: dict[str, CatalogEntry] | None = None) -> dict:
    """added / changed (before, after) / retired between the latest version and a full table of rows."""
    current = current_entries(table.code) if current is None else current
    incoming = {r["code"]: normalise(table, r) for r in rows}
    added, changed = [], []
    for code, row in incoming.items():
        old = current.get(code)
        if old is None:
            added.append(row)
        else:
            before = entry_row(old)
            if before != row:
                changed.append({"code": code, "before": before, "after": row})
    retired = [entry_row(e) for code, e in current.items() if code not in incoming]
    return {
        "added": added,
        "changed": changed,
        "retired": retired,
        "counts": {
            "rows": len(incoming),
            "added": len(added),
            "changed": len(changed),
            "retired": len(retired),
            "unchanged": len(incoming) - len(added) - len(changed),
        },
    }


def latest_version(table_code: str) -> CatalogVersion | None:
    query = (
        sa.select(CatalogVersion)
        .where(CatalogVersion.table_code == table_code)
        .order_by(CatalogVersion.number.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


def create_version(
    *, table: Table, rows: list[dict], effective_date: date, source: str, file_name: str | None, actor_id
) -> tuple[CatalogVersion, dict]:
    """Apply a full table of rows as the next version from `effective_date`; the caller commits."""
    current = current_entries(table.code)
    changes = diff(table, rows, current)
    previous = latest_version(table.code)
    version = CatalogVersion(
        table_code=table.code,
        number=(previous.number + 1) if previous else 1,
        effective_date=effective_date,
        source=source,
        file_name=file_name,
        row_count=changes["counts"]["rows"],
        added=changes["counts"]["added"],
        changed=changes["counts"]["changed"],
        retired=changes["counts"]["retired"],
        applied_by=actor_id,
    )
    db.session.add(version)
    db.session.flush()
    cache.forget_stamp()  # the rest of this transaction reads the new version's (uncommitted) stamp
    closing = [current[c["code"]].id for c in changes["changed"]] + [
        current[r["code"]].id for r in changes["retired"]
    ]
    for start in range(0, len(closing), CHUNK):
        db.session.execute(
            sa.update(CatalogEntry)
            .where(CatalogEntry.id.in_(closing[start : start + CHUNK]))
            .values(valid_to=effective_date, to_version=version.number)
        )
    opening = changes["added"] + [c["after"] for c in changes["changed"]]
    if opening:
        db.session.execute(
            sa.insert(CatalogEntry),
            [_new_entry(table, row, effective_date=effective_date, number=version.number) for row in opening],
        )
    db.session.flush()
    project(table.code, changes)
    return version, changes


def _new_entry(table: Table, row: dict, *, effective_date: date, number: int) -> dict:
    data = {c.name: row[c.name] for c in table.data_columns if c.name in row}
    return {
        "table_code": table.code,
        "code": row["code"],
        "name_zh": row.get("name_zh", ""),
        "name_en": row.get("name_en", ""),
        "name_key": row.get("name_en", "").lower()[:600],
        "data": data,
        "valid_from": effective_date,
        "valid_to": None,
        "from_version": number,
        "to_version": None,
    }
