"""Goods categories and how long an e-record stays valid for each (data, not code).

Each HS/CIQ code prefix maps to a category; the longest matching prefix of a goods line decides its
category and codes matching no prefix are `general`. An e-record gets the shortest validity among its
goods lines, so a shipment mixing general goods and fresh fruit is valid for 14 days.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.catalogs import cache
from backend.extensions import db

DEFAULT_CATEGORY = "general"


class GoodsCategory(db.Model):
    """货物类别 with the e-record validity in days (general 60, plant products 21, fresh or live 14)."""

    __tablename__ = "goods_category"
    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    validity_days: Mapped[int] = mapped_column(sa.Integer)


class GoodsCategoryPrefix(db.Model):
    """An HS/CIQ code prefix (2 to 13 digits) that puts a goods line in a category."""

    __tablename__ = "goods_category_prefix"
    prefix: Mapped[str] = mapped_column(sa.String(13), primary_key=True)
    category_code: Mapped[str] = mapped_column(sa.ForeignKey("goods_category.code"))


CATEGORIES = [
    ("general", "一般货物", "General goods", 60),
    ("plant", "植物及植物产品", "Plants and plant products", 21),
    ("fresh_live", "鲜活货物", "Fresh or live goods", 14),
]

# HS chapters and headings (customs tariff) by category; the longest prefix wins.
PREFIXES = {
    "fresh_live": [
        "01",  # live animals
        "02",  # meat and edible offal
        "03",  # fish and aquatic invertebrates
        "0407",  # birds' eggs in shell
        "06",  # live trees, plants, bulbs, cut flowers
        *(f"07{n:02d}" for n in range(1, 10)),  # fresh or chilled vegetables 0701–0709
        *(f"08{n:02d}" for n in range(1, 11)),  # fresh fruit and nuts 0801–0810
    ],
    "plant": [
        "07",  # other vegetables (frozen, dried): plant products
        "08",  # frozen, dried fruit and peel
        "09",
        "10",
        "11",
        "12",
        "13",
        "14",  # tea, spices, cereals, milling, seeds, gums, plaiting materials
        "2302",
        "2303",
        "2308",  # plant residues used as feed
        "4401",
        "4403",
        "4404",
        "4406",
        "4407",
        "4415",  # wood in the rough, sawn wood, pallets
        "4419",
        "4421",  # bamboo and wooden tableware and articles
        "4601",
        "4602",  # plaiting products, basketwork
    ],
}


def seed_catalog() -> None:
    """Insert missing categories and prefixes (idempotent); the caller commits."""
    for code, zh, en, days in CATEGORIES:
        if db.session.get(GoodsCategory, code) is None:
            db.session.add(GoodsCategory(code=code, name_zh=zh, name_en=en, validity_days=days))
    db.session.flush()
    for category, prefixes in PREFIXES.items():
        for prefix in prefixes:
            if db.session.get(GoodsCategoryPrefix, prefix) is None:
                db.session.add(GoodsCategoryPrefix(prefix=prefix, category_code=category))
    db.session.flush()


def prefix_table() -> dict[str, str]:
    """{prefix: category}: a projection of the e_record_validity catalogue, kept per catalogue stamp."""
    return dict(
        cache.remember(
            ("goods_category_prefix",),
            lambda: dict(
                db.session.execute(
                    sa.select(GoodsCategoryPrefix.prefix, GoodsCategoryPrefix.category_code)
                ).all()
            ),
        )
    )


def _validity_days() -> dict[str, int]:
    """{category: days}; categories are seeded with the catalogues and change only with them."""
    return cache.remember(
        ("goods_category_days",),
        lambda: dict(db.session.execute(sa.select(GoodsCategory.code, GoodsCategory.validity_days)).all()),
    )


def category_of(code: str | None, *, table: dict[str, str] | None = None) -> str:
    """The category of one HS or CIQ code: its longest catalogued prefix, else general."""
    table = prefix_table() if table is None else table
    code = (code or "").strip()
    for length in range(len(code), 1, -1):
        category = table.get(code[:length])
        if category is not None:
            return category
    return DEFAULT_CATEGORY


def line_category(line, *, table: dict[str, str] | None = None) -> str:
    """A goods line's category, by its CIQ code when that is more specific, else its HS code."""
    table = prefix_table() if table is None else table
    by_ciq = category_of(line.ciq_code, table=table)
    return by_ciq if by_ciq != DEFAULT_CATEGORY else category_of(line.hs_code, table=table)


def validity_for_goods(goods_lines) -> tuple[str, int]:
    """(category, validity days) for an application: the shortest validity among its goods lines."""
    table = prefix_table()
    days = _validity_days()
    categories = {line_category(line, table=table) for line in goods_lines} or {DEFAULT_CATEGORY}
    best = min(categories, key=lambda code: (days[code], code))
    return best, days[best]
