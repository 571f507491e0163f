"""Look-ups as you type: indexed prefix search on code, Chinese name and English name.

Three small index range scans (code, name_zh, lower-case name_en), each limited, merged code-first.
PostgreSQL uses LIKE 'q%' on text_pattern_ops indexes; SQLite, whose LIKE is case-insensitive and
then skips the index, uses the equivalent range q <= col < q || U+10FFFF. The HS look-up covers the
national 10-digit table and the HS base (chapters, headings, subheadings), and says what the goods need.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.catalogs.models import CatalogEntry
from backend.catalogs.service import get_table, in_force
from backend.extensions import db

MIN_QUERY = 2
MAX_LIMIT = 50
SEARCHED = {"hs": ("hs", "hs_subheadings"), "ciq": ("ciq",)}


def _prefix(column, text: str):
    if db.engine.dialect.name == "postgresql":
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.like(f"{escaped}%", escape="\\")
    return sa.and_(column >= text, column < text + "\U0010ffff")


def search_entries(table_codes: tuple[str, ...], q: str, *, limit: int, on: date) -> list[CatalogEntry]:
    """Entries in force on `on` whose code or name starts with q: code matches first, then names."""
    found: dict[int, CatalogEntry] = {}
    for table_code in table_codes:
        for column, text in (
            (CatalogEntry.code, q),
            (CatalogEntry.name_zh, q),
            (CatalogEntry.name_key, q.lower()),
        ):
            if len(found) >= limit:
                break
            query = (
                in_force(
                    sa.select(CatalogEntry).where(
                        CatalogEntry.table_code == table_code, _prefix(column, text)
                    ),
                    on,
                )
                .order_by(column, CatalogEntry.id)
                .limit(limit)
            )
            for entry in db.session.scalars(query):
                found.setdefault(entry.id, entry)
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


def _item(entry: CatalogEntry) -> dict:
    return {"code": entry.code, "name_zh": entry.name_zh, "name_en": entry.name_en, **(entry.data or {})}


def _names(table_code: str, *, on: date) -> dict[str, CatalogEntry]:
    """Every in-force entry of a small table (units, rules, types), read once per look-up."""
    query = in_force(sa.select(CatalogEntry).where(CatalogEntry.table_code == table_code), on)
    return {e.code: e for e in db.session.scalars(query)}


class _GoodsContext:
    """The small tables an HS/CIQ item is explained with, and the national HS rows of CIQ codes."""

    def __init__(self, entries: list[CatalogEntry], *, on: date):
        self.units = _names("units", on=on)
        self.rules = _names("qualification_rules", on=on)
        self.kinds = _names("qualification_types", on=on)
        self.certificates = _names("certificate_types", on=on)
        hs_codes = {e.code[:10] for e in entries if e.table_code == "ciq"}
        self.hs = {}
        if hs_codes:
            query = in_force(
                sa.select(CatalogEntry).where(
                    CatalogEntry.table_code == "hs", CatalogEntry.code.in_(hs_codes)
                ),
                on,
            )
            self.hs = {e.code: e for e in db.session.scalars(query)}

    def needs(self, hs_code: str) -> list[str]:
        for n in range(len(hs_code), 1, -1):
            rule = self.rules.get(hs_code[:n])
            if rule is not None:
                return (rule.data.get("qualification_types") or "").split()
        return []

    @staticmethod
    def named(table: dict[str, CatalogEntry], codes: list[str]) -> list[dict]:
        return [
            {
                "code": c,
                "name_zh": table[c].name_zh if c in table else c,
                "name_en": table[c].name_en if c in table else c,
            }
            for c in codes
        ]


def _goods_item(entry: CatalogEntry, context: _GoodsContext) -> dict:
    """An HS or CIQ code with its unit, supervision, inspection category and what it needs."""
    data = dict(entry.data or {})
    hs_code = entry.code[:10]
    if entry.table_code == "ciq":
        hs_entry = context.hs.get(hs_code)
        data = {**(hs_entry.data if hs_entry else {}), **data}
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
        "unit_name": context.units[unit].name_zh if unit in context.units else None,
        "supervision_conditions": data.get("supervision_conditions"),
        "inspection_category": data.get("inspection_category"),
        "qualifications": context.named(context.kinds, context.needs(hs_code)),
        "certificates": context.named(context.certificates, (data.get("certificates") or "").split()),
    }
