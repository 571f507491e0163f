"""An application against the code tables in force on its date (backend/catalogs).

A code the table lists is fine; a code the table has retired by that date is refused for a new
application and only noted on an old one (it was valid when it was declared). A code the table does
not list is an error, except where a larger official table vouches for it: a 10-digit HS code (or a
13-digit CIQ code) under a real HS subheading, or a UN/LOCODE of a real country, is a warning naming the
table version it is missing from, so a catalogue gap does not refuse an ordinary application.
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from backend.catalogs import cache
from backend.catalogs.models import CatalogEntry
from backend.catalogs.service import CodeCheck, check_codes, in_force
from backend.declarations.findings import ERROR, WARNING, Finding
from backend.extensions import db

LOCODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}$")
HS_CODE = re.compile(r"^\d{10}$")
CIQ_CODE = re.compile(r"^\d{13}$")


def catalog_findings(data: dict, *, on: date, new_submission: bool) -> list[Finding]:
    """Every catalogue finding of an application, checked against the versions in force on `on`."""
    goods = data.get("goods") or []
    countries = check_codes("countries", [data.get("trade_country"), data.get("destination_country")], on=on)
    ports = check_codes("ports", [data.get("departure_port"), data.get("arrival_port")], on=on)
    units = check_codes("units", [g.get("quantity_unit") for g in goods], on=on)
    hs = check_codes("hs", [g.get("hs_code") for g in goods], on=on)
    ciq = check_codes("ciq", [g.get("ciq_code") for g in goods], on=on)
    subheadings = check_codes(
        "hs_subheadings", [(g.get(f) or "")[:6] for g in goods for f in ("hs_code", "ciq_code")], on=on
    )
    retired = ERROR if new_submission else WARNING
    out: list[Finding] = []
    for field in ("trade_country", "destination_country"):
        value = data.get(field)
        if value and value not in countries.known:
            out.append(
                _retired(field, value, countries, retired)
                if value in countries.retired
                else Finding(
                    ERROR,
                    field,
                    "country.unknown",
                    f"国家代码“{value}”不是 ISO 3166 三位字母代码",
                    f"'{value}' is not an ISO 3166 alpha-3 code",
                )
            )
    for field in ("departure_port", "arrival_port"):
        value = data.get(field)
        if not value or value in ports.known:
            continue
        if value in ports.retired:
            out.append(_retired(field, value, ports, retired))
        elif LOCODE.match(value) and value[:2] in _alpha_2_codes(on):
            zh, en = ports.label()
            out.append(
                Finding(
                    WARNING,
                    field,
                    "port.unlisted",
                    f"口岸代码“{value}”不在口岸代码表{zh}中，请核对",
                    f"port '{value}' is not in the port table, {en}",
                )
            )
        else:
            out.append(
                Finding(
                    ERROR,
                    field,
                    "port.unknown",
                    f"口岸代码“{value}”不在口岸代码表中",
                    f"port '{value}' is not in the port catalog (UN/LOCODE)",
                )
            )
    departure = data.get("departure_port")
    if departure and LOCODE.match(departure) and not departure.startswith("CN"):
        out.append(
            Finding(
                ERROR,
                "departure_port",
                "port.departure_not_domestic",
                f"离境口岸“{departure}”应为中国口岸",
                f"departure port '{departure}' must be in China",
            )
        )
    for index, line in enumerate(goods):
        out += _goods_codes(
            index, line, hs=hs, ciq=ciq, units=units, subheadings=subheadings, retired=retired
        )
    return out


def _alpha_2_codes(on: date) -> set[str]:
    """The alpha-2 codes of the countries in force (UN/LOCODEs start with one); read only when needed."""

    def read() -> frozenset[str]:
        query = in_force(sa.select(CatalogEntry.data).where(CatalogEntry.table_code == "countries"), on)
        return frozenset(data.get("alpha_2") for data in db.session.scalars(query))

    return cache.remember(("alpha_2", on), read)


def _retired(path: str, value: str, check: CodeCheck, severity: str) -> Finding:
    entry = check.retired[value]
    return Finding(
        severity,
        path,
        "catalog.code_retired",
        f"代码“{value}”已于 {entry.valid_to} 停用（第{entry.to_version}版）",
        f"code '{value}' was retired on {entry.valid_to} (version {entry.to_version})",
    )


def _goods_codes(index, line, *, hs, ciq, units, subheadings, retired) -> list[Finding]:
    out, at, no = [], f"goods[{index}]", index + 1
    code = line.get("hs_code")
    if code and HS_CODE.match(code) and code not in hs.known:
        if code in hs.retired:
            out.append(_retired(f"{at}.hs_code", code, hs, retired))
        elif code[:6] not in subheadings.known:
            out.append(
                Finding(
                    ERROR,
                    f"{at}.hs_code",
                    "goods.hs_subheading_unknown",
                    f"第{no}行 HS编码“{code}”的子目 {code[:6]} 不存在",
                    f"line {no}: HS code '{code}': subheading {code[:6]} does not exist",
                )
            )
        else:
            zh, en = hs.label()
            out.append(
                Finding(
                    WARNING,
                    f"{at}.hs_code",
                    "goods.hs_code_unlisted",
                    f"第{no}行 HS编码“{code}”属子目 {code[:6]}，但不在商品编码表{zh}中，请核对",
                    f"line {no}: HS code '{code}' (subheading {code[:6]}) is not in the national table, {en}",
                )
            )
    value = line.get("ciq_code")
    if value and value not in ciq.known:
        if value in ciq.retired:
            out.append(_retired(f"{at}.ciq_code", value, ciq, retired))
        elif CIQ_CODE.match(value) and value[:6] in subheadings.known:
            zh, en = ciq.label()
            out.append(
                Finding(
                    WARNING,
                    f"{at}.ciq_code",
                    "goods.ciq_code_unlisted",
                    f"第{no}行 检验检疫编码“{value}”不在检验检疫编码表{zh}中，请核对",
                    f"line {no}: CIQ code '{value}' is not in the CIQ table, {en}",
                )
            )
        else:
            out.append(
                Finding(
                    ERROR,
                    f"{at}.ciq_code",
                    "goods.ciq_code_unknown",
                    f"第{no}行 检验检疫编码“{value}”不在编码表中",
                    f"line {no}: CIQ code '{value}' is not in the catalog",
                )
            )
    if value and code and not value.startswith(code):
        out.append(
            Finding(
                ERROR,
                f"{at}.ciq_code",
                "goods.ciq_code_mismatch",
                f"第{no}行 检验检疫编码“{value}”与HS编码“{code}”不对应",
                f"line {no}: CIQ code '{value}' does not belong to HS code '{code}'",
            )
        )
    unit = line.get("quantity_unit")
    if unit and unit not in units.known:
        out.append(
            _retired(f"{at}.quantity_unit", unit, units, retired)
            if unit in units.retired
            else Finding(
                ERROR,
                f"{at}.quantity_unit",
                "goods.unit_unknown",
                f"第{no}行 计量单位“{unit}”不在海关计量单位代码表中",
                f"line {no}: unit '{unit}' is not a customs unit code",
            )
        )
    return out
