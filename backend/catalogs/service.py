"""Use cases of the catalogues: list, preview an import, apply it, versions, and the checks by date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from backend.audit.service import record_event
from backend.catalogs import (
    cache,
    errors,  # noqa: F401  (registers the codes)
)
from backend.catalogs.cache import CachedEntry, CachedVersion
from backend.catalogs.importing import parse_rows, read_table_file
from backend.catalogs.models import OFFICIAL, CatalogEntry, CatalogImport, CatalogVersion
from backend.catalogs.tables import TABLES, Table, layout
from backend.catalogs.versions import create_version, diff, latest_version
from backend.core.auth import Actor
from backend.errors import DomainError
from backend.extensions import db


def get_table(table: str) -> Table:
    spec = TABLES.get(table)
    if spec is None:
        raise DomainError("catalog.unknown_table", table=table)
    return spec


def version_in_force(table_code: str, on: date) -> CatalogVersion | None:
    """The latest version whose effective date is on or before `on`."""
    query = (
        sa.select(CatalogVersion)
        .where(CatalogVersion.table_code == table_code, CatalogVersion.effective_date <= on)
        .order_by(CatalogVersion.effective_date.desc(), CatalogVersion.number.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


ENTRY_COLUMNS = (
    CatalogEntry.table_code,
    CatalogEntry.code,
    CatalogEntry.name_zh,
    CatalogEntry.name_en,
    CatalogEntry.data,
    CatalogEntry.valid_from,
    CatalogEntry.valid_to,
    CatalogEntry.from_version,
    CatalogEntry.to_version,
)


def in_force(query, on: date):
    return query.where(
        CatalogEntry.valid_from <= on, sa.or_(CatalogEntry.valid_to.is_(None), CatalogEntry.valid_to > on)
    )


def list_catalogs(*, on: date) -> list[dict]:
    """Every table with its version in force on `on`, effective date, row count and source."""
    out = []
    for table in TABLES.values():
        version = version_in_force(table.code, on)
        rows = db.session.scalar(
            in_force(sa.select(sa.func.count()).select_from(CatalogEntry), on).where(
                CatalogEntry.table_code == table.code
            )
        )
        out.append(
            {
                "table": table.code,
                "name_zh": table.name_zh,
                "name_en": table.name_en,
                "version": version.number if version else None,
                "effective_date": version.effective_date if version else None,
                "row_count": rows,
                "source": version.source if version else table.source,
                "latest_version": (
                    latest_version(table.code) or version or CatalogVersion(number=None)
                ).number,
            }
        )
    return out


def table_layout(*, table: str) -> dict:
    spec = get_table(table)
    return {"table": spec.code, "name_zh": spec.name_zh, "name_en": spec.name_en, "columns": layout(spec)}


def list_versions(*, table: str) -> list[CatalogVersion]:
    spec = get_table(table)
    query = (
        sa.select(CatalogVersion)
        .where(CatalogVersion.table_code == spec.code)
        .order_by(CatalogVersion.number.desc())
    )
    return list(db.session.scalars(query))


def parse_file(table: Table, *, content: bytes, filename: str | None) -> list[dict]:
    """The rows of an import file, or catalog.file_invalid naming every bad row."""
    try:
        cells = read_table_file(content, filename)
    except ValueError as exc:
        problems = [
            {
                "row": 1,
                "column": "",
                "reason": str(exc),
                "reason_zh": "无法读取文件（须为 UTF-8 CSV 或 XLSX）",
            }
        ]
    else:
        rows, problems = parse_rows(table, cells)
    if problems:
        raise DomainError("catalog.file_invalid", errors={"rows": problems}, count=len(problems))
    return rows


def preview_import(
    *,
    actor: Actor | None,
    table: str,
    content: bytes,
    filename: str | None,
    effective_date: date,
    source: str = OFFICIAL,
) -> CatalogImport:
    """Parse and diff an import against the latest version; stored as a preview until applied."""
    spec = get_table(table)
    rows = parse_file(spec, content=content, filename=filename)
    _check_effective_date(spec, effective_date)
    preview = CatalogImport(
        table_code=spec.code,
        effective_date=effective_date,
        source=source,
        file_name=(filename or "")[:200] or None,
        rows=rows,
        diff=diff(spec, rows),
        created_by=actor.user_id if actor else None,
        district_code=actor.district_code if actor else None,
    )
    db.session.add(preview)
    db.session.commit()
    return preview


def _check_effective_date(spec: Table, effective_date: date) -> None:
    latest = latest_version(spec.code)
    if latest is not None and effective_date < latest.effective_date:
        raise DomainError(
            "catalog.effective_date_before_current",
            effective_date=effective_date.isoformat(),
            number=latest.number,
            current=latest.effective_date.isoformat(),
        )


def apply_import(*, actor: Actor | None, import_id: int) -> CatalogVersion:
    """Apply a previewed import as the table's next version (audited); nothing is deleted."""
    preview = db.session.get(CatalogImport, import_id)
    if preview is None or (actor is not None and preview.district_code != actor.district_code):
        raise DomainError("resource.not_found")
    if preview.applied_version is not None:
        raise DomainError("catalog.import_applied", number=preview.applied_version)
    spec = get_table(preview.table_code)
    _check_effective_date(spec, preview.effective_date)
    version, changes = create_version(
        table=spec,
        rows=preview.rows,
        effective_date=preview.effective_date,
        source=preview.source,
        file_name=preview.file_name,
        actor_id=actor.user_id if actor else None,
    )
    preview.applied_version = version.number
    record_event(
        action="catalog.version_applied",
        entity_type="catalog",
        entity_id=f"{spec.code}:{version.number}",
        actor=actor,
        after={
            "table": spec.code,
            "version": version.number,
            "effective_date": version.effective_date.isoformat(),
            "import_id": preview.id,
            **changes["counts"],
        },
    )
    db.session.commit()
    return version


def import_file(
    *,
    actor: Actor | None,
    table: str,
    content: bytes,
    filename: str | None,
    effective_date: date,
    dry_run: bool = False,
) -> tuple[CatalogImport, CatalogVersion | None]:
    """Preview and, unless dry_run, apply in one go (the `flask catalogs import` command)."""
    preview = preview_import(
        actor=actor, table=table, content=content, filename=filename, effective_date=effective_date
    )
    if dry_run:
        return preview, None
    return preview, apply_import(actor=actor, import_id=preview.id)


# ---- checks against the version in force on a date -------------------------------------------------


@dataclass
class CodeCheck:
    """Which of some codes are in force on a date, which were retired by then, and the version."""

    known: dict[str, CachedEntry] = field(default_factory=dict)
    retired: dict[str, CachedEntry] = field(default_factory=dict)
    version: CachedVersion | None = None

    def label(self) -> tuple[str, str]:
        """('第3版（2026-01-01起）', 'version 3 of 2026-01-01') of the version in force."""
        if self.version is None:
            return "（无版本）", "(no version)"
        v = self.version
        return (
            f"第{v.number}版（{v.effective_date}起施行）",
            f"version {v.number} in force from {v.effective_date}",
        )


def _version_of(table_code: str, on: date) -> CachedVersion | None:
    def read():
        version = version_in_force(table_code, on)
        return CachedVersion(version.number, version.effective_date) if version else None

    return cache.remember(("version", table_code, on), read)


def check_codes(table_code: str, codes, *, on: date) -> CodeCheck:
    """The in-force entries of `codes` on `on`, and those retired by then; kept per catalogue stamp
    (backend/catalogs/cache.py), so only codes not seen since the last version are read (one query)."""
    codes = sorted({c for c in codes if c})
    result = CodeCheck(version=_version_of(table_code, on))
    if not codes:
        return result
    prefix = ("code", table_code, on)
    found, missing = cache.get_many(prefix, codes)
    if missing:
        read: dict[str, tuple[str, CachedEntry] | None] = dict.fromkeys(missing)
        rows = db.session.execute(
            sa.select(*ENTRY_COLUMNS).where(
                CatalogEntry.table_code == table_code,
                CatalogEntry.code.in_(missing),
                CatalogEntry.valid_from <= on,
            )
        )
        for entry in rows:
            if entry.valid_to is None or entry.valid_to > on:
                read[entry.code] = ("known", CachedEntry.of(entry))
            elif read[entry.code] is None:
                read[entry.code] = ("retired", CachedEntry.of(entry))
        for code, value in read.items():
            found[code] = cache.put((*prefix, code), value)
    for code, value in found.items():
        if value is not None:
            getattr(result, value[0])[code] = value[1]
    return result


def prefix_rule(table_code: str, code: str | None, *, on: date) -> CachedEntry | None:
    """The in-force entry whose code is the longest prefix of `code` (qualification rules, validity)."""
    if not code:
        return None

    def read():
        prefixes = [code[:n] for n in range(len(code), 1, -1)]
        query = in_force(
            sa.select(*ENTRY_COLUMNS).where(
                CatalogEntry.table_code == table_code, CatalogEntry.code.in_(prefixes)
            ),
            on,
        )
        entries = list(db.session.execute(query))
        return CachedEntry.of(max(entries, key=lambda e: len(e.code))) if entries else None

    return cache.remember(("prefix", table_code, on, code), read)


def required_qualifications(hs_code: str | None, *, on: date) -> tuple[str, ...]:
    """The qualification types goods of this HS code need on `on` (longest prefix wins)."""
    rule = prefix_rule("qualification_rules", hs_code, on=on)
    return tuple((rule.data.get("qualification_types") or "").split()) if rule else ()
