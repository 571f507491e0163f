"""Qualification check: goods that need a registration must name it, and the enterprise must hold it.

Which goods need which registration is data (catalogs.QUALIFICATION_RULES, by HS prefix); what the
enterprise holds is the identity Qualification table (registered, unexpired, matched by type and number).
"""

from __future__ import annotations

from datetime import date

from backend.declarations import catalogs
from backend.declarations.findings import ERROR, Finding
from backend.extensions import db
from backend.identity.models import Qualification, QualificationType


def check_qualifications(data: dict, *, enterprise_id: int | None, today: date) -> list[Finding]:
    """Goods needing a registration must name it, and the enterprise must hold it, unexpired."""
    names = dict(db.session.execute(db.select(QualificationType.code, QualificationType.name_zh)).all())
    named = data.get("qualifications") or []
    named_types = {q["type_code"] for q in named}
    out = []
    for index, line in enumerate(data.get("goods") or []):
        for needed in catalogs.required_qualifications(line.get("hs_code")):
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
    held = _registered(enterprise_id)
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
                    f"企业资质 {label} 编号 {number} 不在本企业已登记的资质中",
                    f"qualification {type_code} number {number} is not registered for this enterprise",
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


def _registered(enterprise_id: int | None) -> dict[tuple[str, str], Qualification]:
    if enterprise_id is None:
        return {}
    rows = db.session.execute(db.select(Qualification).where(Qualification.enterprise_id == enterprise_id))
    return {(q.type_code, q.number): q for q in rows.scalars()}
