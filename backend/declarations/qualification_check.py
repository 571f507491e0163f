"""Qualification check: goods that need a registration must name it, and it must be held, unexpired.

Which goods need which registration is data (the `qualification_rules` catalogue, by HS prefix, in force
on the application's date). The registration follows the goods: it may be held by the applicant or by
the producer a goods line names (生产企业, by name or by registration number), so a trader exporting a
registered factory's bamboo ware is accepted. What is held is the identity Qualification table.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.catalogs import cache
from backend.catalogs.service import required_qualifications
from backend.declarations.findings import ERROR, Finding
from backend.extensions import db
from backend.identity.models import Enterprise, Qualification, QualificationType


def check_qualifications(
    data: dict, *, enterprise_id: int | None, today: date, on: date | None = None
) -> list[Finding]:
    """Goods needing a registration must name it, and the applicant or a named producer must hold it."""
    names = cache.remember(
        ("qualification_type_names",),
        lambda: dict(db.session.execute(db.select(QualificationType.code, QualificationType.name_zh)).all()),
    )
    named = data.get("qualifications") or []
    named_types = {q["type_code"] for q in named}
    out = []
    for index, line in enumerate(data.get("goods") or []):
        for needed in required_qualifications(line.get("hs_code"), on=on or today):
            if needed not in named_types:
                goods_name = line.get("name_zh") or line.get("hs_code")
                out.append(
                    Finding(
                        ERROR,
                        f"goods[{index}].hs_code",
                        "goods.qualification_missing",
                        f"第{index + 1}行 {goods_name} 需要 {names.get(needed, needed)}，"
                        "请在企业资质中填报类别和编号",
                        f"line {index + 1} ({line.get('name_en') or goods_name}) needs qualification "
                        f"{needed}; name its type and number",
                    )
                )
    held = _registered(enterprise_id, named, data.get("goods") or [])
    for index, ref in enumerate(named):
        type_code, number = ref["type_code"], ref["number"]
        label = names.get(type_code, type_code)
        row = held.get((type_code, number))
        if row is None:
            out.append(
                Finding(
                    ERROR,
                    f"qualifications[{index}].number",
                    "qualification.not_registered",
                    f"企业资质 {label} 编号 {number} 不在本企业或所列生产企业已登记的资质中",
                    f"qualification {type_code} number {number} is registered neither for this enterprise "
                    "nor for a producer named on the goods lines",
                )
            )
        elif row.valid_until is not None and row.valid_until < today:
            out.append(
                Finding(
                    ERROR,
                    f"qualifications[{index}].number",
                    "qualification.expired",
                    f"企业资质 {label} 编号 {number} 已于 {row.valid_until} 过期",
                    f"qualification {type_code} number {number} expired on {row.valid_until}",
                )
            )
        elif row.valid_from is not None and row.valid_from > today:
            out.append(
                Finding(
                    ERROR,
                    f"qualifications[{index}].number",
                    "qualification.not_yet_valid",
                    f"企业资质 {label} 编号 {number} 自 {row.valid_from} 起才生效",
                    f"qualification {type_code} number {number} is valid only from {row.valid_from}",
                )
            )
    return out


# What the check reads of a registration: plain rows, no objects to build and track.
_HELD = (
    Qualification.enterprise_id,
    Qualification.type_code,
    Qualification.number,
    Qualification.holder_name,
    Qualification.valid_from,
    Qualification.valid_until,
)


def _registered(
    enterprise_id: int | None, named: list[dict], goods: list[dict]
) -> dict[tuple[str, str], sa.Row]:
    """The named registrations held by the applicant, else by a producer a goods line names."""
    numbers = {q["number"] for q in named}
    if not numbers:
        return {}
    producers = {g.get("producer_name") for g in goods if g.get("producer_name")}
    producer_numbers = {g.get("producer_registration_no") for g in goods if g.get("producer_registration_no")}
    rows = db.session.execute(
        db.select(*_HELD, Enterprise.name_zh.label("holder"))
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(Qualification.number.in_(numbers))
    ).all()
    held: dict[tuple[str, str], sa.Row] = {}
    for row in sorted(rows, key=lambda r: r.enterprise_id != enterprise_id):
        holder = row.holder
        key = (row.type_code, row.number)
        own = enterprise_id is not None and row.enterprise_id == enterprise_id
        producer = holder in producers or row.holder_name in producers or row.number in producer_numbers
        if key not in held and (own or producer):
            held[key] = row
    return held
