"""From an application's form (and its declaration) to the CertificateContent that gets issued.

The consignor comes from the declaration (the enterprise cannot rename it on a certificate); the
consignee, conveyance, ports, marks, goods and the type's fields come from the form.
"""

from __future__ import annotations

from decimal import Decimal

from backend.certificates.content import CertificateContent, GoodsLine, Party
from backend.core.auth import Actor
from backend.core.china_time import china_date
from backend.core.models import utcnow
from backend.declarations.models import Declaration, ERecord
from backend.extensions import db
from backend.identity.models import District

# ISO 3166 alpha-3 (as declared) → (alpha-2, 中文, English) for the countries seen most; others print
# their code. A full catalog belongs to the administration module.
COUNTRIES = {
    "JPN": ("JP", "日本", "Japan"),
    "KOR": ("KR", "韩国", "Korea, Republic of"),
    "SGP": ("SG", "新加坡", "Singapore"),
    "USA": ("US", "美国", "United States"),
    "DEU": ("DE", "德国", "Germany"),
    "GBR": ("GB", "英国", "United Kingdom"),
    "FRA": ("FR", "法国", "France"),
    "AUS": ("AU", "澳大利亚", "Australia"),
    "CAN": ("CA", "加拿大", "Canada"),
    "MYS": ("MY", "马来西亚", "Malaysia"),
    "THA": ("TH", "泰国", "Thailand"),
    "VNM": ("VN", "越南", "Viet Nam"),
    "IDN": ("ID", "印度尼西亚", "Indonesia"),
    "NLD": ("NL", "荷兰", "Netherlands"),
    "RUS": ("RU", "俄罗斯", "Russian Federation"),
    "ARE": ("AE", "阿联酋", "United Arab Emirates"),
}
GOODS_KEYS = (
    "description_zh",
    "description_en",
    "hs_code",
    "quantity",
    "quantity_unit",
    "net_weight",
    "packages",
    "package_kind",
    "package_kind_zh",
    "origin_place",
    "scientific_name",
    "marks",
)


def _goods_line(line: dict) -> GoodsLine:
    values = {key: line.get(key) for key in GOODS_KEYS if line.get(key) not in (None, "")}
    for key in ("quantity", "net_weight"):
        if key in values:
            values[key] = Decimal(str(values[key]))
    values.setdefault("description_zh", line.get("description_en") or "")
    return GoodsLine(**values)


def build_content(
    *,
    form: dict,
    type_code: str,
    declaration: Declaration,
    e_record: ERecord,
    signatory: str,
) -> CertificateContent:
    """The certificate content for `form` (the number is assigned when it is issued)."""
    district = db.session.get(District, declaration.district_code)
    consignee = form.get("consignee") or {}
    destination = form.get("destination_country")
    alpha2, country_zh, country_en = COUNTRIES.get(destination, (None, destination, destination))
    return CertificateContent(
        certificate_no="",
        type_code=type_code,
        district_code=declaration.district_code,
        district_name_zh=district.name_zh,
        district_name_en=district.name_en,
        issue_date=china_date(utcnow()),  # the year in the number follows it
        issue_place_zh=district.name_zh.removesuffix("海关"),
        issue_place_en=district.name_en.removesuffix(" Customs"),
        consignor=Party(
            name_zh=declaration.consignor_name_zh,
            name_en=declaration.consignor_name_en,
            customs_code=declaration.consignor_code,
            country_code="CN",
        ),
        consignee=Party(
            name_zh=consignee.get("name_zh"),
            name_en=consignee.get("name_en"),
            address_zh=consignee.get("address_zh"),
            address_en=consignee.get("address_en"),
            country_code=alpha2,
        ),
        goods=tuple(_goods_line(line) for line in form.get("goods") or []),
        fields={k: v for k, v in (form.get("fields") or {}).items() if v not in (None, "")},
        destination_country_code=alpha2,
        destination_country_zh=country_zh,
        destination_country_en=country_en,
        port_of_departure=form.get("port_of_departure"),
        port_of_destination=form.get("port_of_destination"),
        means_of_conveyance=form.get("means_of_conveyance"),
        transport_mode=form.get("transport_mode"),
        marks=form.get("marks"),
        inspection_no=declaration.inspection_no,
        e_record_no=e_record.e_record_no,
        signatory=signatory,
        remarks=form.get("remarks"),
    )


def signatory_for(actor: Actor | None) -> str:
    """Who signs: the approving officer, or the intelligent review for automatic issues."""
    if actor is not None and actor.is_customs:
        return actor.username
    return "智能审核 Intelligent review"
