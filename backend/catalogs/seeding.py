"""Version 1 of every table, seeded with the application: shipped official data and national extensions."""

from __future__ import annotations

import csv
import gettext
from datetime import date
from pathlib import Path

import pycountry
import sqlalchemy as sa

from backend.catalogs import national
from backend.catalogs.models import CatalogVersion
from backend.catalogs.tables import TABLES
from backend.declarations.catalog_validity import CATEGORIES, PREFIXES
from backend.extensions import db

DATA = Path(__file__).parent / "data"
SEED_DATE = date(2000, 1, 1)  # in force for every application Chajian has seen


def _hs_subheadings() -> list[dict]:
    with open(DATA / "harmonized-system.csv", encoding="utf-8") as f:
        return [
            {
                "code": r["hscode"],
                "name_en": r["description"],
                "level": r["level"],
                "parent": "" if r["parent"] == "TOTAL" else r["parent"],
                "section": r["section"],
            }
            for r in csv.DictReader(f)
            # Comtrade's "99 Commodities not specified according to kind" is a statistical code, not
            # WCO nomenclature: a goods line cannot be classified under it.
            if r["section"] != "TOTAL"
        ]


def _zh(domain: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext


def _countries() -> list[dict]:
    zh = _zh("iso3166-1")
    return [
        {
            "code": c.alpha_3,
            "name_zh": zh(c.name),
            "name_en": c.name,
            "alpha_2": c.alpha_2,
            "numeric": c.numeric,
        }
        for c in pycountry.countries
    ]


def _currencies() -> list[dict]:
    zh = _zh("iso4217")
    return [
        {"code": c.alpha_3, "name_zh": zh(c.name), "name_en": c.name, "numeric": c.numeric}
        for c in pycountry.currencies
    ]


def _pairs(mapping: dict) -> list[dict]:
    return [{"code": code, "name_zh": zh, "name_en": en} for code, (zh, en) in mapping.items()]


def _hs() -> list[dict]:
    rows = []
    for code, (zh, en, unit, supervision, category) in national.HS_CODES.items():
        certificates = next(
            (
                national.CERTIFICATES_BY_PREFIX[code[:n]]
                for n in range(10, 1, -1)
                if code[:n] in national.CERTIFICATES_BY_PREFIX
            ),
            (),
        )
        rows.append(
            {
                "code": code,
                "name_zh": zh,
                "name_en": en,
                "unit": unit,
                "supervision_conditions": supervision,
                "inspection_category": category,
                "certificates": " ".join(certificates),
            }
        )
    return rows


def _e_record_validity() -> list[dict]:
    names = {code: (zh, en, days) for code, zh, en, days in CATEGORIES}
    return [
        {
            "code": prefix,
            "name_zh": names[category][0],
            "name_en": names[category][1],
            "category": category,
            "validity_days": str(names[category][2]),
        }
        for category, prefixes in PREFIXES.items()
        for prefix in prefixes
    ]


SEED_ROWS = {
    "hs": _hs,
    "hs_subheadings": _hs_subheadings,
    "ciq": lambda: [
        {"code": code, "name_zh": zh, "name_en": national.HS_CODES.get(code[:10], ("", ""))[1]}
        for code, zh in national.CIQ_CODES.items()
    ],
    "countries": _countries,
    "ports": lambda: [
        row
        | (
            {"customs_code": national.PORT_DISTRICTS[row["code"]]}
            if row["code"] in national.PORT_DISTRICTS
            else {}
        )
        for row in _pairs({**national.PORTS, **national.MORE_PORTS})
    ],
    "units": lambda: _pairs(national.UNITS),
    "currencies": _currencies,
    "districts": lambda: [
        {"code": code, "name_zh": zh, "name_en": en, "parent": parent or ""}
        for code, zh, en, parent in national.DISTRICTS
    ],
    "qualification_types": lambda: [
        {"code": code, "name_zh": zh, "name_en": en} for code, zh, en in national.QUALIFICATION_TYPES
    ],
    "qualification_rules": lambda: [
        {"code": prefix, "qualification_types": " ".join(types)}
        for prefix, types in national.QUALIFICATION_RULES.items()
    ],
    "certificate_types": lambda: _pairs(national.CERTIFICATES),
    "e_record_validity": _e_record_validity,
}


def seed_catalogs() -> None:
    """Version 1 of every table that has none yet (idempotent); the caller commits."""
    from backend.catalogs.versions import create_version

    seeded = set(db.session.scalars(sa.select(CatalogVersion.table_code).distinct()))
    for code, rows in SEED_ROWS.items():
        if code not in seeded:
            create_version(
                table=TABLES[code],
                rows=rows(),
                effective_date=SEED_DATE,
                source=TABLES[code].source,
                file_name="seed",
                actor_id=None,
            )
