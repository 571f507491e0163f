"""Warnings the enterprise needs before it submits (findings of severity `warning`, never refusals):

- `certificates.needed_missing`: goods that importing countries expect a certificate for (plants and plant
  products → 植物检疫证书; live animals → 动物卫生证书; meat, fish, dairy, eggs and other animal products →
  兽医卫生证书, or a health / sanitary certificate) while the application ticks none of them: once the
  e-record is issued, a certificate not asked for here cannot be applied for;
- `goods.duplicate_line`: a goods line identical to an earlier one (a possible double entry);
- `shipping_date.after_e_record_validity`: the e-record, issued today, would expire before the declared
  shipping date (validity by goods category, e_record validity catalogue).

The goods → certificate table is data (NEEDED_CERTIFICATES), by HS chapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from backend.catalogs.national import CERTIFICATES
from backend.declarations.catalog_validity import validity_for_goods
from backend.declarations.findings import WARNING, Finding


@dataclass(frozen=True)
class CertificateNeed:
    chapters: frozenset[str]  # HS chapters, two digits
    goods_zh: str
    goods_en: str
    accepted: tuple[str, ...]  # certificate codes, the first one named in the message


def _chapters(*spans: int | tuple[int, int]) -> frozenset[str]:
    out: set[str] = set()
    for span in spans:
        low, high = span if isinstance(span, tuple) else (span, span)
        out.update(f"{n:02d}" for n in range(low, high + 1))
    return frozenset(out)


NEEDED_CERTIFICATES: tuple[CertificateNeed, ...] = (
    # live trees and plants, vegetables, fruit, coffee and tea, cereals, seeds, plaiting materials,
    # wood and bamboo articles, basketwork
    CertificateNeed(_chapters((6, 14), 44, 46), "植物及植物产品", "plants and plant products", ("18",)),
    CertificateNeed(_chapters(1), "活动物", "live animals", ("17",)),
    # meat, fish, dairy, eggs and honey, other animal products, meat and fish preparations
    CertificateNeed(_chapters((2, 5), 16), "动物产品", "animal products", ("14", "15", "16")),
)


def application_warnings(data: dict, *, today: date) -> list[Finding]:
    """The three warnings above for an application as DeclarationBodySchema loads it."""
    goods = data.get("goods") or []
    return [*_needed_certificates(data, goods), *_duplicate_lines(goods), *_validity(data, goods, today)]


def _needed_certificates(data: dict, goods: list[dict]) -> list[Finding]:
    asked = {c.get("cert_code") for c in data.get("certificates") or []}
    out = []
    for need in NEEDED_CERTIFICATES:
        lines = [i for i, line in enumerate(goods, 1) if (line.get("hs_code") or "")[:2] in need.chapters]
        if not lines or asked & set(need.accepted):
            continue
        zh_name, en_name = CERTIFICATES[need.accepted[0]]
        others_zh = "、".join(CERTIFICATES[c][0] for c in need.accepted[1:])
        others_en = ", ".join(CERTIFICATES[c][1].lower() for c in need.accepted[1:])
        numbers_zh = "、".join(f"第{i}行" for i in lines)
        numbers_en = ", ".join(str(i) for i in lines)
        out.append(
            Finding(
                WARNING,
                "certificates",
                "certificates.needed_missing",
                f"{numbers_zh}货物属{need.goods_zh}，输入国通常要求{zh_name}"
                + (f"（或{others_zh}）" if others_zh else "")
                + "，本申请未勾选；取得电子底账后将无法再申请",
                f"line{'s' if len(lines) > 1 else ''} {numbers_en}: {need.goods_en} usually need a "
                f"{en_name.lower()}"
                + (f" (or {others_en})" if others_en else "")
                + ", which the application does not ask for",
            )
        )
    return out


def _line_key(line: dict) -> tuple:
    """What makes two lines the same entry: every field but the line number, 100.0 the same as 100."""
    return tuple(
        sorted(
            (key, str(value.normalize()) if isinstance(value, Decimal) else str(value))
            for key, value in line.items()
            if key != "line_no"
        )
    )


def _duplicate_lines(goods: list[dict]) -> list[Finding]:
    first: dict[tuple, int] = {}
    out = []
    for index, line in enumerate(goods):
        earlier = first.setdefault(_line_key(line), index)
        if earlier != index:
            out.append(
                Finding(
                    WARNING,
                    f"goods[{index}].hs_code",
                    "goods.duplicate_line",
                    f"第{index + 1}行与第{earlier + 1}行完全相同，是否重复录入？",
                    f"line {index + 1} is identical to line {earlier + 1}: entered twice?",
                )
            )
    return out


def _validity(data: dict, goods: list[dict], today: date) -> list[Finding]:
    shipping = data.get("shipping_date")
    if not goods or not isinstance(shipping, date):
        return []
    lines = [SimpleNamespace(hs_code=line.get("hs_code"), ciq_code=line.get("ciq_code")) for line in goods]
    category, days = validity_for_goods(lines)
    until = today + timedelta(days=days)
    if shipping <= until:
        return []
    return [
        Finding(
            WARNING,
            "shipping_date",
            "shipping_date.after_e_record_validity",
            f"电子底账有效期 {days} 天（货物类别 {category}），今天生成约至 {until.isoformat()}，"
            f"早于发货日期 {shipping.isoformat()}；请核实发货日期，或临近发货时再申报",
            f"an e-record is valid {days} days for these goods ({category}): issued today it expires "
            f"about {until.isoformat()}, before the shipping date {shipping.isoformat()}",
        )
    ]
