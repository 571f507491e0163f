"""The code tables and their documented import layouts (one layout per table, CSV or XLSX).

Every layout starts with `code`; `name_zh` and `name_en` follow where the table has names; the other
columns are kept in the entry's `data`. The README's "Catalogues" section and GET
/api/v1/catalogs/{table}/layout show the same list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backend.catalogs.models import NATIONAL_EXTENSION, OFFICIAL


@dataclass(frozen=True)
class Column:
    name: str
    description_zh: str
    description_en: str
    required: bool = False
    pattern: str | None = None  # a regular expression the whole value must match
    kind: str = "text"  # text | int | list (space-separated codes)


@dataclass(frozen=True)
class Table:
    code: str
    name_zh: str
    name_en: str
    source: str  # where the version seeded with the application comes from
    columns: tuple[Column, ...]
    lookup: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.name not in ("code", "name_zh", "name_en"))

    def code_matches(self, value: str) -> bool:
        return re.fullmatch(self.columns[0].pattern or ".+", value) is not None


def _code(pattern: str, zh: str, en: str) -> Column:
    return Column("code", zh, en, required=True, pattern=pattern)


NAME_ZH = Column("name_zh", "中文名称", "Chinese name", required=True)
NAME_ZH_OPTIONAL = Column("name_zh", "中文名称", "Chinese name")
NAME_EN = Column("name_en", "英文名称", "English name")

TABLES: dict[str, Table] = {
    t.code: t
    for t in (
        Table(
            "hs",
            "商品编码（10位）",
            "HS codes (10-digit national tariff)",
            NATIONAL_EXTENSION,
            (
                _code(r"\d{10}", "10位商品编码", "10-digit national HS code"),
                NAME_ZH,
                NAME_EN,
                Column(
                    "unit",
                    "法定第一计量单位代码",
                    "first statutory unit (customs unit code)",
                    pattern=r"\d{3}",
                ),
                Column("second_unit", "法定第二计量单位代码", "second statutory unit", pattern=r"\d{3}"),
                Column(
                    "supervision_conditions",
                    "监管条件（如 AB）",
                    "supervision conditions (e.g. AB)",
                    pattern=r"[0-9A-Za-z]*",
                ),
                Column(
                    "inspection_category",
                    "检验检疫类别（如 P.R/Q.S）",
                    "inspection category (e.g. P.R/Q.S)",
                    pattern=r"[A-Z./]*",
                ),
                Column(
                    "certificates",
                    "所需单证代码（空格分隔）",
                    "certificate codes needed (space-separated)",
                    kind="list",
                ),
            ),
        ),
        Table(
            "hs_subheadings",
            "HS 协调制度（6位）",
            "Harmonized System to 6 digits (WCO)",
            OFFICIAL,
            (
                _code(
                    r"\d{2}|\d{4}|\d{6}",
                    "章（2位）、品目（4位）或子目（6位）",
                    "chapter, heading or subheading",
                ),
                NAME_ZH_OPTIONAL,
                Column("name_en", "英文名称", "English description", required=True),
                Column("level", "级次 2/4/6", "level 2, 4 or 6", required=True, pattern=r"2|4|6", kind="int"),
                Column("parent", "上级编码", "parent code"),
                Column("section", "类（罗马数字）", "section (roman numeral)", pattern=r"[IVXL]*"),
            ),
        ),
        Table(
            "ciq",
            "检验检疫编码",
            "CIQ codes",
            NATIONAL_EXTENSION,
            (_code(r"\d{13}", "13位检验检疫编码（HS编码+3位）", "13 digits: HS code + 3"), NAME_ZH, NAME_EN),
        ),
        Table(
            "countries",
            "国别（地区）",
            "Countries and regions (ISO 3166-1)",
            OFFICIAL,
            (
                _code(r"[A-Z]{3}", "ISO 3166-1 三位字母代码", "ISO 3166-1 alpha-3"),
                NAME_ZH,
                NAME_EN,
                Column("alpha_2", "两位字母代码", "alpha-2", pattern=r"[A-Z]{2}"),
                Column("numeric", "数字代码", "numeric code", pattern=r"\d{3}"),
            ),
        ),
        Table(
            "ports",
            "口岸",
            "Ports (UN/LOCODE and customs port codes)",
            NATIONAL_EXTENSION,
            (
                _code(r"[A-Z]{2}[A-Z0-9]{3}", "UN/LOCODE（5位）", "UN/LOCODE (5 characters)"),
                NAME_ZH,
                NAME_EN,
                Column(
                    "customs_code", "海关口岸代码（4位）", "customs port code (4 digits)", pattern=r"\d{4}"
                ),
            ),
        ),
        Table(
            "units",
            "海关计量单位",
            "Customs units of measure",
            NATIONAL_EXTENSION,
            (_code(r"\d{3}", "3位单位代码", "3-digit unit code"), NAME_ZH, NAME_EN),
        ),
        Table(
            "currencies",
            "币制",
            "Currencies (ISO 4217)",
            OFFICIAL,
            (
                _code(r"[A-Z]{3}", "ISO 4217 字母代码", "ISO 4217 alpha code"),
                NAME_ZH,
                NAME_EN,
                Column("numeric", "数字代码", "numeric code", pattern=r"\d{3}"),
            ),
        ),
        Table(
            "districts",
            "关区",
            "Customs districts",
            NATIONAL_EXTENSION,
            (
                _code(r"\d{4}", "4位关区代码", "4-digit district code"),
                NAME_ZH,
                NAME_EN,
                Column("parent", "上级关区代码", "parent district code", pattern=r"\d{4}"),
            ),
        ),
        Table(
            "qualification_types",
            "企业资质类别",
            "Qualification types",
            NATIONAL_EXTENSION,
            (_code(r"[A-Z][A-Z0-9_]{1,39}", "资质类别代码", "qualification type code"), NAME_ZH, NAME_EN),
        ),
        Table(
            "qualification_rules",
            "货物所需资质",
            "Which goods need which qualification",
            NATIONAL_EXTENSION,
            (
                _code(
                    r"\d{2,10}", "HS编码前缀（最长前缀生效）", "HS code prefix (the longest matching wins)"
                ),
                NAME_ZH_OPTIONAL,
                NAME_EN,
                Column(
                    "qualification_types",
                    "所需资质类别（空格分隔，可为空）",
                    "qualification type codes needed (space-separated, may be empty)",
                    kind="list",
                ),
            ),
            lookup=False,
        ),
        Table(
            "certificate_types",
            "证书种类（所需单证）",
            "Certificate types",
            NATIONAL_EXTENSION,
            (_code(r"\d{2}", "2位证书种类代码", "2-digit certificate type code"), NAME_ZH, NAME_EN),
        ),
        Table(
            "e_record_validity",
            "电子底账有效期",
            "E-record validity by goods",
            NATIONAL_EXTENSION,
            (
                _code(r"\d{2,13}", "HS/CIQ编码前缀", "HS/CIQ code prefix"),
                NAME_ZH_OPTIONAL,
                NAME_EN,
                Column(
                    "category",
                    "货物类别（general/plant/fresh_live）",
                    "goods category",
                    required=True,
                    pattern=r"[a-z_]+",
                ),
                Column(
                    "validity_days", "有效天数", "days valid", required=True, pattern=r"\d{1,3}", kind="int"
                ),
            ),
            lookup=False,
        ),
    )
}


def layout(table: Table) -> list[dict]:
    """The documented columns of one table's import file, in order."""
    return [
        {
            "name": c.name,
            "required": c.required,
            "pattern": c.pattern,
            "kind": c.kind,
            "description_zh": c.description_zh,
            "description_en": c.description_en,
        }
        for c in table.columns
    ]
