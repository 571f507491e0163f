"""The certificate type catalog (证书种类): names, the fields each type needs, layout hints, languages.

Everything that differs between types lives in CERTIFICATE_TYPES as data; rendering, validation and
the ePhyto export read it and never branch on a type code except where a standard demands it
(ePhyto is for phytosanitary certificates only). The seeder copies the data into `certificate_type`
so the API and administrators see the same catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from backend.certificates import errors  # noqa: F401  (error codes registered)
from backend.errors import DomainError
from backend.extensions import db

PHYTOSANITARY = "18"
GENERIC = "99"


@dataclass(frozen=True)
class FieldSpec:
    """One type-specific field: key in `content.fields`, bilingual label, kind and whether required."""

    key: str
    label_zh: str
    label_en: str
    kind: str = "text"  # text | multiline | decimal | date
    required: bool = False


@dataclass(frozen=True)
class CertificateTypeSpec:
    code: str
    name_zh: str
    name_en: str
    fields: tuple[FieldSpec, ...]
    layout: dict
    languages: tuple[str, ...] = ("zh", "en")

    def as_row(self) -> dict:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "fields": [vars(f) for f in self.fields],
            "layout": self.layout,
            "languages": list(self.languages),
        }


def _f(key, zh, en, kind="text", required=False) -> FieldSpec:
    return FieldSpec(key, zh, en, kind, required)


_STANDARD_GOODS = ["description", "hs_code", "quantity", "net_weight", "packages"]

# Certification statements (证明内容) follow the wording used on China Customs certificates and, for
# phytosanitary certificates, the IPPC model certificate (ISPM 12).
CERTIFICATE_TYPES: tuple[CertificateTypeSpec, ...] = (
    CertificateTypeSpec("11", "品质证书", "QUALITY CERTIFICATE", (
        _f("inspection_result", "检验结果", "Results of inspection", "multiline", True),
        _f("inspection_standard", "检验依据", "Inspection standard"),
    ), {
        "statement_zh": "兹证明上述货物经检验，结果如下：",
        "statement_en": "This is to certify that the goods described above have been inspected "
                        "with the following results:",
        "goods_columns": _STANDARD_GOODS, "field_columns": 1,
    }),
    CertificateTypeSpec("12", "重量证书", "WEIGHT CERTIFICATE", (
        _f("declared_net_weight", "报检净重", "Declared net weight", "decimal", True),
        _f("found_net_weight", "实际净重", "Net weight found", "decimal", True),
        _f("declared_gross_weight", "报检毛重", "Declared gross weight", "decimal"),
        _f("found_gross_weight", "实际毛重", "Gross weight found", "decimal"),
        _f("weight_unit", "重量单位", "Unit of weight", "text", True),
        _f("weighing_method", "衡重方法", "Method of weighing"),
    ), {
        "statement_zh": "兹证明上述货物经衡重，结果如下：",
        "statement_en": "This is to certify that the goods described above have been weighed "
                        "with the following results:",
        "goods_columns": _STANDARD_GOODS, "field_columns": 2,
    }),
    CertificateTypeSpec("13", "数量证书", "QUANTITY CERTIFICATE", (
        _f("declared_quantity", "报检数量", "Declared quantity", "decimal", True),
        _f("found_quantity", "实际数量", "Quantity found", "decimal", True),
        _f("quantity_unit", "数量单位", "Unit of quantity", "text", True),
        _f("counting_method", "计数方法", "Method of counting"),
    ), {
        "statement_zh": "兹证明上述货物经计数，结果如下：",
        "statement_en": "This is to certify that the goods described above have been counted "
                        "with the following results:",
        "goods_columns": _STANDARD_GOODS, "field_columns": 2,
    }),
    CertificateTypeSpec("14", "兽医卫生证书", "VETERINARY HEALTH CERTIFICATE", (
        _f("establishment", "加工厂及注册号", "Establishment and its approval number", "text", True),
        _f("production_period", "生产日期", "Date of production"),
        _f("storage_temperature", "储存温度", "Storage temperature"),
        _f("veterinary_result", "兽医卫生证明", "Veterinary attestation", "multiline", True),
    ), {
        "statement_zh": "兹证明上述动物产品来自健康动物，经兽医卫生检验，适合人类食用。",
        "statement_en": "This is to certify that the animal products described above come from "
                        "healthy animals, passed veterinary inspection and are fit for human consumption.",
        "goods_columns": _STANDARD_GOODS, "field_columns": 1,
    }),
    CertificateTypeSpec("15", "健康证书", "HEALTH CERTIFICATE", (
        _f("producer_registration_no", "生产企业备案号", "Producer registration number"),
        _f("production_period", "生产日期", "Date of production"),
        _f("health_result", "检验结果", "Results of inspection", "multiline", True),
    ), {
        "statement_zh": "兹证明上述货物经检验检疫，符合卫生要求，适合人类食用。",
        "statement_en": "This is to certify that the goods described above have been inspected, meet "
                        "the health requirements and are fit for human consumption.",
        "goods_columns": _STANDARD_GOODS, "field_columns": 1,
    }),
    CertificateTypeSpec("16", "卫生证书", "SANITARY CERTIFICATE", (
        _f("producer_registration_no", "生产企业备案号", "Producer registration number"),
        _f("production_period", "生产日期", "Date of production"),
        _f("sanitary_result", "检验结果", "Results of inspection", "multiline", True),
    ), {
        "statement_zh": "兹证明上述货物在卫生条件下加工、储存，经检验符合卫生要求。",
        "statement_en": "This is to certify that the goods described above were processed and stored "
                        "under sanitary conditions and meet the sanitary requirements.",
        "goods_columns": _STANDARD_GOODS, "field_columns": 1,
    }),
    CertificateTypeSpec("17", "动物卫生证书", "ANIMAL HEALTH CERTIFICATE", (
        _f("animal_species", "动物种类", "Species", "text", True),
        _f("number_of_animals", "动物数量", "Number of animals", "decimal", True),
        _f("quarantine_period", "隔离检疫期", "Quarantine period"),
        _f("clinical_examination", "临床检查结果", "Clinical examination", "multiline", True),
    ), {
        "statement_zh": "兹证明上述动物经临床检查健康，未发现传染病和寄生虫病临床症状。",
        "statement_en": "This is to certify that the animals described above were clinically examined, "
                        "found healthy and showed no clinical sign of infectious or parasitic disease.",
        "goods_columns": ["description", "quantity", "packages"], "field_columns": 2,
    }),
    CertificateTypeSpec(PHYTOSANITARY, "植物检疫证书", "PHYTOSANITARY CERTIFICATE", (
        _f("botanical_name", "植物学名", "Botanical name of plants", "text", True),
        _f("place_of_origin", "产地", "Place of origin", "text", True),
        _f("treatment", "除害处理方法", "Disinfestation and/or disinfection treatment"),
        _f("treatment_date", "处理日期", "Date of treatment", "date"),
        _f("chemical", "药剂及浓度", "Chemical (active ingredient) and concentration"),
        _f("duration_and_temperature", "持续时间及温度", "Duration and temperature"),
        _f("additional_declaration", "附加声明", "Additional declaration", "multiline"),
    ), {
        "statement_zh": "兹证明上述植物、植物产品或其他检疫物已经按照规定程序进行检查和/或检验，被认为不带有"
                        "输入国家或地区规定的检疫性有害生物，并且基本不带有其他的有害生物，因而符合输入国家或"
                        "地区现行的植物检疫要求。",
        "statement_en": "This is to certify that the plants, plant products or other regulated articles "
                        "described herein have been inspected and/or tested according to appropriate "
                        "official procedures and are considered to be free from the quarantine pests "
                        "specified by the importing contracting party and to conform with the current "
                        "phytosanitary requirements of the importing contracting party.",
        "goods_columns": ["description", "quantity", "net_weight", "packages"], "field_columns": 1,
        "ephyto": True,
    }),
    CertificateTypeSpec("19", "熏蒸/消毒证书", "FUMIGATION/DISINFECTION CERTIFICATE", (
        _f("treatment_date", "处理日期", "Date of treatment", "date", True),
        _f("chemical", "药剂", "Chemical", "text", True),
        _f("concentration", "浓度", "Concentration", "text", True),
        _f("duration", "持续时间", "Duration", "text", True),
        _f("temperature", "温度", "Temperature", "text", True),
        _f("treatment_place", "处理地点", "Place of treatment"),
    ), {
        "statement_zh": "兹证明上述货物已按下列方法进行熏蒸/消毒处理：",
        "statement_en": "This is to certify that the goods described above have been fumigated/"
                        "disinfected as follows:",
        "goods_columns": _STANDARD_GOODS, "field_columns": 2,
    }),
    CertificateTypeSpec(GENERIC, "通用证书", "CERTIFICATE", (
        _f("attestation", "证明内容", "Attestation", "multiline", True),
    ), {
        "statement_zh": "兹证明：",
        "statement_en": "This is to certify that:",
        "goods_columns": _STANDARD_GOODS, "field_columns": 1,
    }),
)

_BY_CODE = {spec.code: spec for spec in CERTIFICATE_TYPES}


@dataclass(frozen=True)
class GoodsScope:
    """The goods a certificate type can attest: HS chapters (first two digits of the code) and their name."""

    chapters: frozenset[int]
    goods_zh: str
    goods_en: str


def _chapters(*spans: int | tuple[int, int]) -> frozenset[int]:
    chapters: set[int] = set()
    for span in spans:
        low, high = span if isinstance(span, tuple) else (span, span)
        chapters.update(range(low, high + 1))
    return frozenset(chapters)


# Which goods each type fits, by HS chapter; a type not listed fits any goods (quality, weight, quantity,
# fumigation/disinfection of the goods or their wooden packing, the generic certificate). Intelligent
# review refers a mismatch to an officer rather than refusing it, so the chapters are the plain cases.
GOODS_SCOPES: dict[str, GoodsScope] = {
    # live animals (01), live fish and crustaceans (03)
    "17": GoodsScope(_chapters(1, 3), "活动物", "live animals"),
    # meat, fish, dairy, eggs, other animal products, animal fats, their preparations, feed (fish meal),
    # raw hides, furskins, wool
    "14": GoodsScope(
        _chapters((2, 5), 15, 16, 23, 41, 43, 51), "动物及动物产品", "animals and animal products"
    ),
    # food of animal and vegetable origin and drinks (01–24)
    "15": GoodsScope(_chapters((1, 24)), "食品", "food"),
    # food (01–24) and articles in contact with food: plastic, wooden, bamboo, paper, ceramic, glass and
    # metal tableware and kitchenware
    "16": GoodsScope(
        _chapters((1, 24), 39, 44, 46, 48, 69, 70, 73, 76),
        "食品及食品接触产品",
        "food and food-contact articles",
    ),
    # plants and plant products: live plants, vegetables, fruit, cereals, seeds, spices, cocoa beans, feed
    # residues, wood, cork, bamboo/straw plaiting, raw cotton and vegetable fibres, wooden furniture
    PHYTOSANITARY: GoodsScope(
        _chapters((6, 14), 18, 23, 44, 45, 46, 52, 53, 94), "植物及植物产品", "plants and plant products"
    ),
}


def hs_chapter(hs_code: str | None) -> int | None:
    """The HS chapter (1–97) of a code, or None when the code does not start with two digits."""
    head = (hs_code or "")[:2]
    return int(head) if len(head) == 2 and head.isdigit() else None


def goods_scope(type_code: str) -> GoodsScope | None:
    """What goods `type_code` fits, or None when it fits any goods."""
    return GOODS_SCOPES.get(type_code)


def type_spec(code: str) -> CertificateTypeSpec:
    """The catalog entry for a type code, or certificate.unknown_type."""
    spec = _BY_CODE.get(code)
    if spec is None:
        raise DomainError("certificate.unknown_type", errors={"type_code": [f"unknown: {code}"]})
    return spec


def field_errors(spec: CertificateTypeSpec, values: dict) -> dict[str, list[str]]:
    """Field-level problems of `values` against the type's fields (required, kind, unknown keys)."""
    problems: dict[str, list[str]] = {}
    known = {f.key: f for f in spec.fields}
    for key in values:
        if key not in known:
            problems[f"fields.{key}"] = [f"not a field of certificate type {spec.code}"]
    for field in spec.fields:
        value = values.get(field.key)
        if value is None or value == "":
            if field.required:
                problems[f"fields.{field.key}"] = ["required / 必填"]
            continue
        if not isinstance(value, str):
            problems[f"fields.{field.key}"] = ["must be a string (decimals as strings)"]
        elif field.kind == "decimal" and not _is_decimal(value):
            problems[f"fields.{field.key}"] = ["must be a decimal number written as a string"]
        elif field.kind == "date" and not _is_iso_date(value):
            problems[f"fields.{field.key}"] = ["must be a date YYYY-MM-DD"]
    return problems


def _is_decimal(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def seed_catalog() -> None:
    """Insert or refresh the certificate types (idempotent); the caller commits."""
    from backend.certificates.models import CertificateType

    for spec in CERTIFICATE_TYPES:
        row = db.session.get(CertificateType, spec.code)
        values = spec.as_row()
        if row is None:
            db.session.add(CertificateType(**values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
