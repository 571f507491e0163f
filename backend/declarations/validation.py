"""Validation that explains itself: every finding at once, each with a path, a stable rule and a message.

`validate_application(data, ...)` takes the application as DeclarationBodySchema loads it (or as
service.declaration_data() reads it back from the database) and returns a list of findings
{severity, path, rule, message_zh, message_en}. Paths use 0-based indexes ("goods[2].hs_code");
messages name lines 1-based, as the enterprise sees them on the form ("第3行").
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from backend.declarations.catalog_checks import catalog_findings
from backend.declarations.findings import ERROR, INFO, WARNING, Finding
from backend.declarations.qualification_check import check_qualifications
from backend.declarations.warnings import application_warnings

__all__ = ["ERROR", "INFO", "WARNING", "has_errors", "validate_application"]
CUSTOMS_CODE = re.compile(r"^[0-9A-Z]{10}$")
HS_CODE = re.compile(r"^\d{10}$")

REQUIRED_FIELDS = {
    "applicant_code": "申请单位代码",
    "applicant_name": "申请单位名称",
    "consignor_code": "发货人代码",
    "consignor_name_zh": "发货人（中文）",
    "consignee_name_en": "收货人（外文）",
    "trade_country": "贸易国别",
    "destination_country": "输往国家",
    "departure_port": "离境口岸",
    "arrival_port": "到达口岸",
    "transport_mode": "运输方式",
    "contract_no": "合同号",
    "shipping_date": "发货日期",
    "storage_place": "存放地点",
    "total_packages": "总件数",
    "total_net_weight": "总净重",
}
REQUIRED_LINE_FIELDS = {
    "hs_code": "HS编码",
    "name_zh": "货物名称",
    "quantity": "数量",
    "quantity_unit": "数量单位",
    "net_weight": "净重",
    "value": "货值",
    "currency": "币种",
    "packing_count": "包装件数",
}


def has_errors(findings: list[dict]) -> bool:
    return any(f["severity"] == ERROR for f in findings)


def validate_application(
    data: dict,
    *,
    enterprise_id: int | None,
    new_submission: bool,
    today: date,
    catalog_date: date | None = None,
) -> list[dict]:
    """All findings for `data`; the application may be submitted when none is an error.

    Codes are checked against the catalogue versions in force on `catalog_date` (the day the
    application was first submitted; today for a new one).
    """
    on = catalog_date or today
    found: list[Finding] = []
    found += _basic(data, new_submission=new_submission, today=today)
    for index, line in enumerate(data.get("goods") or []):
        found += _goods_line(index, line)
    found += catalog_findings(data, on=on, new_submission=new_submission)
    found += _consistency(data)
    found += check_qualifications(data, enterprise_id=enterprise_id, today=today, on=on)
    found += _hints(data)
    found += application_warnings(data, today=today)
    return [asdict(f) for f in found]


def _basic(data: dict, *, new_submission: bool, today: date) -> list[Finding]:
    out = []
    for field, label in REQUIRED_FIELDS.items():
        if data.get(field) in (None, ""):
            out.append(Finding(ERROR, field, "field.required", f"{label}不能为空", f"{field} is required"))
    for field, label in (("applicant_code", "申请单位代码"), ("consignor_code", "发货人代码")):
        value = data.get(field)
        if value and not CUSTOMS_CODE.match(value):
            out.append(
                Finding(
                    ERROR,
                    field,
                    "party.customs_code_format",
                    f"{label}“{value}”不是海关十位编码（10位数字或大写字母），请勿填写原检验检疫注册编码",
                    f"{field} '{value}' is not a 10-character customs code (digits and capital letters)",
                )
            )
    departure, arrival = data.get("departure_port"), data.get("arrival_port")
    if arrival and departure and arrival == departure:
        out.append(
            Finding(
                WARNING,
                "arrival_port",
                "port.same_as_departure",
                "到达口岸与离境口岸相同",
                "arrival port equals the departure port",
            )
        )
    shipping = data.get("shipping_date")
    if shipping is not None and shipping < today:
        out.append(
            Finding(
                ERROR if new_submission else WARNING,
                "shipping_date",
                "shipping_date.past",
                f"发货日期 {shipping} 早于今天 {today}",
                f"shipping date {shipping} is before today ({today})",
            )
        )
    for field, label in (("total_net_weight", "总净重"), ("total_gross_weight", "总毛重")):
        value = data.get(field)
        if value is not None and value <= 0:
            out.append(
                Finding(ERROR, field, "amount.not_positive", f"{label}必须大于0", f"{field} must be > 0")
            )
    net, gross = data.get("total_net_weight"), data.get("total_gross_weight")
    if net is not None and gross is not None and gross < net:
        out.append(
            Finding(
                ERROR,
                "total_gross_weight",
                "weight.gross_below_net",
                f"总毛重 {gross} 小于总净重 {net}",
                f"gross weight {gross} is below net weight {net}",
            )
        )
    if data.get("total_packages") == 0:
        out.append(Finding(ERROR, "total_packages", "amount.not_positive", "总件数必须大于0", "must be > 0"))
    if not data.get("goods"):
        out.append(Finding(ERROR, "goods", "goods.empty", "至少填写一行货物", "at least one goods line"))
    return out


def _goods_line(index: int, line: dict) -> list[Finding]:
    out, at, no = [], f"goods[{index}]", index + 1
    for field, label in REQUIRED_LINE_FIELDS.items():
        if line.get(field) in (None, ""):
            out.append(
                Finding(
                    ERROR,
                    f"{at}.{field}",
                    "field.required",
                    f"第{no}行 {label}不能为空",
                    f"line {no}: {field} is required",
                )
            )
    hs = line.get("hs_code")
    if hs and not HS_CODE.match(hs):
        out.append(
            Finding(
                ERROR,
                f"{at}.hs_code",
                "goods.hs_code_format",
                f"第{no}行 HS编码“{hs}”应为10位数字",
                f"line {no}: HS code '{hs}' must be 10 digits",
            )
        )
    for field, label in (("quantity", "数量"), ("net_weight", "净重"), ("value", "货值")):
        value = line.get(field)
        if value is not None and value <= 0:
            out.append(
                Finding(
                    ERROR,
                    f"{at}.{field}",
                    "amount.not_positive",
                    f"第{no}行 {label}必须大于0",
                    f"line {no}: {field} must be > 0",
                )
            )
    if line.get("packing_count") == 0:
        out.append(
            Finding(
                ERROR,
                f"{at}.packing_count",
                "amount.not_positive",
                f"第{no}行 包装件数必须大于0",
                f"line {no}: packing_count must be > 0",
            )
        )
    return out


def _consistency(data: dict) -> list[Finding]:
    """三单一致: the goods lines add up to the header's packages and net weight."""
    goods = data.get("goods") or []
    out = []
    packages = data.get("total_packages")
    counts = [line.get("packing_count") for line in goods]
    if goods and packages is not None and None not in counts and sum(counts) != packages:
        out.append(
            Finding(
                ERROR,
                "total_packages",
                "consistency.packages",
                f"三单一致：货物明细包装件数合计 {sum(counts)} 与总件数 {packages} 不一致",
                f"goods lines add up to {sum(counts)} packages, the header says {packages}",
            )
        )
    weight = data.get("total_net_weight")
    weights = [line.get("net_weight") for line in goods]
    if goods and weight is not None and None not in weights:
        total = sum(weights, Decimal(0))
        if total != weight:
            out.append(
                Finding(
                    ERROR,
                    "total_net_weight",
                    "consistency.net_weight",
                    f"三单一致：货物明细净重合计 {total} 千克与总净重 {weight} 千克不一致",
                    f"goods lines add up to {total} kg net, the header says {weight} kg",
                )
            )
    return out


def _hints(data: dict) -> list[Finding]:
    out = []
    if not data.get("certificates"):
        out.append(
            Finding(
                INFO,
                "certificates",
                "certificates.none",
                "未勾选所需证书；取得电子底账后将无法申请这些证书",
                "no certificates requested",
            )
        )
    if data.get("transport_mode") == "2" and not data.get("containers"):
        out.append(
            Finding(
                INFO,
                "containers",
                "containers.none",
                "水路运输未填写集装箱信息",
                "sea transport without containers",
            )
        )
    for index, container in enumerate(data.get("containers") or []):
        numbers = container.get("numbers") or []
        if numbers and len(numbers) != container.get("count"):
            out.append(
                Finding(
                    WARNING,
                    f"containers[{index}].numbers",
                    "containers.count_mismatch",
                    f"第{index + 1}组集装箱 数量 {container.get('count')} 与箱号个数 {len(numbers)} 不一致",
                    f"container group {index + 1}: count {container.get('count')} but {len(numbers)} numbers",
                )
            )
    return out
