"""Look-ups as you type: indexed prefix search on code, Chinese name and English name.

Small index range scans (code, name_zh, lower-case name_en), each limited, in one UNION ALL statement,
merged code-first. The HS look-up covers the national 10-digit table and the HS base (chapters,
headings, subheadings), and says what the goods need.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.catalogs.models import CatalogEntry, CatalogVersion
from backend.catalogs.service import get_table, in_force
from backend.extensions import db

MIN_QUERY = 2
MAX_LIMIT = 50
SEARCHED = {"hs": ("hs", "hs_subheadings"), "ciq": ("ciq",)}


COLUMNS = ("code", "name_zh", "name_key")
_STATEMENTS: dict[tuple, sa.TextClause] = {}


def _search_statement(tables: int, postgres: bool) -> sa.TextClause:
    """A UNION ALL of limited index range scans (per table: code, name_zh, name_key), written once.

    A look-up runs on every key typed: building and cache-keying an ORM union of six subqueries cost
    more than the scans themselves, so the statement is plain SQL with bound values, kept per shape.
    """
    key = (tables, postgres)
    if key not in _STATEMENTS:
        scans = []
        for t in range(tables):
            for c, column in enumerate(COLUMNS):
                match = (
                    f"{column} LIKE :like_{column} ESCAPE '\\'"
                    if postgres
                    else f"{column} >= :low_{column} AND {column} < :high_{column}"
                )
                # text_pattern_ops orders by ~<~: sorting by it lets the index hand rows over in order
                # instead of sorting every match of a short prefix.
                order = f"{column} USING ~<~" if postgres else column
                scans.append(
                    "SELECT * FROM (SELECT id, table_code, code, name_zh, name_en, data,"
                    f" {t * 3 + c} AS rank, {column} AS sort_key"
                    f" FROM catalog_entry WHERE table_code = :table_{t} AND {match}"
                    " AND valid_from <= :on AND (valid_to IS NULL OR valid_to > :on)"
                    f" ORDER BY {order}, id LIMIT :limit) AS scan_{t}_{c}"
                )
        _STATEMENTS[key] = sa.text(" UNION ALL ".join(scans)).columns(data=sa.JSON, rank=sa.Integer)
    return _STATEMENTS[key]


def search_entries(table_codes: tuple[str, ...], q: str, *, limit: int, on: date) -> list:
    """Rows in force on `on` whose code or name starts with q: code matches first, then names.

    PostgreSQL matches LIKE 'q%' on text_pattern_ops indexes; SQLite, whose LIKE is case-insensitive
    and then skips the index, the equivalent range q <= col < q || U+10FFFF.
    """
    postgres = db.engine.dialect.name == "postgresql"
    params = {"on": on, "limit": limit, **{f"table_{t}": code for t, code in enumerate(table_codes)}}
    for column in COLUMNS:
        text = q.lower() if column == "name_key" else q
        if postgres:
            params[f"like_{column}"] = (
                text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
        else:
            params[f"low_{column}"], params[f"high_{column}"] = text, text + "\U0010ffff"
    rows = db.session.execute(_search_statement(len(table_codes), postgres), params).all()
    found: dict[int, object] = {}
    for row in sorted(rows, key=lambda r: (r.rank, r.sort_key, r.id)):
        found.setdefault(row.id, row)
    return list(found.values())[:limit]


def lookup(*, table: str, q: str, limit: int, on: date) -> dict:
    """{items: [...]} for a look-up; fewer than 2 characters give an empty list."""
    spec = get_table(table)
    q = (q or "").strip()
    if len(q) < MIN_QUERY:
        return {"items": []}
    limit = max(1, min(limit, MAX_LIMIT))
    entries = search_entries(SEARCHED.get(spec.code, (spec.code,)), q, limit=limit, on=on)
    if spec.code in ("hs", "ciq"):
        context = _GoodsContext(entries, on=on)
        return {"items": [_goods_item(e, context) for e in entries]}
    return {"items": [_item(e) for e in entries]}


def _item(entry) -> dict:
    return {"code": entry.code, "name_zh": entry.name_zh, "name_en": entry.name_en, **(entry.data or {})}


# The small tables an item is explained with change only when a version is applied: kept per day and
# latest version id, so a look-up as you type reads them once, not on every key.
_CONTEXTS: dict[tuple, dict] = {}


def _small_tables(on: date) -> dict[str, dict[str, tuple[str, str, dict]]]:
    latest = db.session.scalar(sa.select(sa.func.max(CatalogVersion.id)))
    key = (db.engine.url.render_as_string(), on, latest)
    if key not in _CONTEXTS:
        query = in_force(
            sa.select(
                CatalogEntry.table_code,
                CatalogEntry.code,
                CatalogEntry.name_zh,
                CatalogEntry.name_en,
                CatalogEntry.data,
            ).where(CatalogEntry.table_code.in_(SMALL_TABLES)),
            on,
        )
        tables: dict[str, dict] = {name: {} for name in SMALL_TABLES}
        for row in db.session.execute(query):
            tables[row.table_code][row.code] = (row.name_zh, row.name_en, row.data or {})
        _CONTEXTS.clear()  # one day and version at a time is all a server needs
        _CONTEXTS[key] = tables
    return _CONTEXTS[key]


SMALL_TABLES = ("units", "qualification_rules", "qualification_types", "certificate_types")


class _GoodsContext:
    """The small tables an HS/CIQ item is explained with, and the national HS rows of CIQ codes."""

    def __init__(self, entries: list, *, on: date):
        tables = _small_tables(on)
        self.units = tables["units"]
        self.rules = tables["qualification_rules"]
        self.kinds = tables["qualification_types"]
        self.certificates = tables["certificate_types"]
        hs_codes = {e.code[:10] for e in entries if e.table_code == "ciq"}
        self.hs = {}
        if hs_codes:
            query = in_force(
                sa.select(CatalogEntry.code, CatalogEntry.data).where(
                    CatalogEntry.table_code == "hs", CatalogEntry.code.in_(hs_codes)
                ),
                on,
            )
            self.hs = {row.code: row.data or {} for row in db.session.execute(query)}

    def needs(self, hs_code: str) -> list[str]:
        for n in range(len(hs_code), 1, -1):
            rule = self.rules.get(hs_code[:n])
            if rule is not None:
                return (rule[2].get("qualification_types") or "").split()
        return []

    @staticmethod
    def named(table: dict[str, tuple], codes: list[str]) -> list[dict]:
        return [
            {"code": c, "name_zh": table[c][0], "name_en": table[c][1]}
            if c in table
            else {"code": c, "name_zh": c, "name_en": c}
            for c in codes
        ]


def _goods_item(entry, context: _GoodsContext) -> dict:
    """An HS or CIQ code with its unit, supervision, inspection category and what it needs."""
    data = dict(entry.data or {})
    hs_code = entry.code[:10]
    if entry.table_code == "ciq":
        data = {**context.hs.get(hs_code, {}), **data}
    unit = data.get("unit")
    return {
        "code": entry.code,
        "name_zh": entry.name_zh,
        "name_en": entry.name_en,
        "table": entry.table_code,
        "national": entry.table_code in ("hs", "ciq"),
        "level": int(data["level"]) if "level" in data else len(entry.code),
        "hs_code": hs_code if len(hs_code) == 10 else None,
        "unit": unit,
        "unit_name": context.units[unit][0] if unit in context.units else None,
        "supervision_conditions": data.get("supervision_conditions"),
        "inspection_category": data.get("inspection_category"),
        "qualifications": context.named(context.kinds, context.needs(hs_code)),
        "certificates": context.named(context.certificates, (data.get("certificates") or "").split()),
    }
