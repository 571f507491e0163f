"""号码查询: what an inspection number, e-record number or certificate number says, checked part by part.

Whether the number exists is told only to a caller who may read the object, or who may know that it is
missing (customs whose reading scope holds the number's district, system clients); anyone else reads
`exists: null`.
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from backend.catalogs.service import check_codes
from backend.certificates.models import Certificate
from backend.core.auth import Actor
from backend.core.permissions import can_read, visible_district_codes
from backend.declarations.models import Declaration, ERecord
from backend.declarations.numbers import CHANNELS, parse_inspection_no
from backend.extensions import db

CERTIFICATE_NO = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{7})$")
E_RECORD_NO = re.compile(r"^(.{15})(\d{3})$")
CHANNEL_NAMES = {letter: source for source, letter in CHANNELS.items()}


def _check(name: str, ok: bool, zh: str, en: str) -> dict:
    return {"check": name, "ok": ok, "message_zh": zh, "message_en": en}


def explain_number(*, actor: Actor, number: str, today: date) -> dict:
    """The kind, parts and checks of a number, and whether it exists if the caller may know."""
    number = (number or "").strip().upper()
    candidates = []
    if E_RECORD_NO.match(number) and parse_inspection_no(number[:15]):
        candidates.append(_e_record(actor, number, today))
    if parse_inspection_no(number):
        candidates.append(_inspection(actor, number, today))
    if CERTIFICATE_NO.match(number):
        candidates.append(_certificate(actor, number, today))
    if not candidates:
        return {
            "number": number,
            "kind": "unknown",
            "valid": False,
            "checks": [
                _check(
                    "format",
                    False,
                    "不是检验检疫编号（15位）、电子底账数据号（18位）或证书编号（15位数字）",
                    "not an inspection number (15), e-record number (18) or certificate number (15 digits)",
                )
            ],
            "exists": None,
        }
    # A 15-digit number may read as both an inspection and a certificate number: the better reading wins.
    return max(candidates, key=lambda c: (c["exists"] is True, sum(ch["ok"] for ch in c["checks"])))


def _district_checks(district_code: str, year: int, today: date) -> tuple[list[dict], str | None]:
    districts = check_codes("districts", [district_code], on=today)
    entry = districts.known.get(district_code)
    checks = [
        _check(
            "district",
            entry is not None,
            f"关区 {district_code}" + (f"（{entry.name_zh}）" if entry else " 不在关区代码表中"),
            f"district {district_code}"
            + (f" ({entry.name_en})" if entry else " is not in the district table"),
        ),
        _check(
            "year",
            2000 <= year <= today.year,
            f"年份 {year}" + ("" if year <= today.year else " 晚于今年"),
            f"year {year}" + ("" if year <= today.year else " is in the future"),
        ),
    ]
    return checks, entry.name_zh if entry else None


def _existence(actor: Actor, obj, number_district: str, **owner) -> bool | None:
    if obj is not None:
        return True if can_read(actor, **owner) else None
    readable = visible_district_codes(actor)
    if readable is None or number_district in readable:
        return False
    return None


def _inspection(actor: Actor, number: str, today: date) -> dict:
    parts = parse_inspection_no(number)
    checks, district_name = _district_checks(parts["district_code"], parts["year"], today)
    checks.insert(0, _check("format", True, "检验检疫编号格式正确", "well-formed inspection number"))
    declaration = db.session.scalars(
        sa.select(Declaration).where(Declaration.inspection_no == number)
    ).first()
    exists = _existence(
        actor,
        declaration,
        parts["district_code"],
        enterprise_id=declaration.enterprise_id if declaration else None,
        principal_enterprise_id=declaration.principal_enterprise_id if declaration else None,
        district_code=declaration.district_code if declaration else parts["district_code"],
    )
    return {
        "number": number,
        "kind": "inspection_no",
        "year": parts["year"],
        "district_code": parts["district_code"],
        "district_name": district_name,
        "serial": parts["serial"],
        "channel": CHANNEL_NAMES.get(parts["channel"], parts["channel"]),
        "valid": all(c["ok"] for c in checks),
        "checks": checks,
        "exists": exists,
    }


def _e_record(actor: Actor, number: str, today: date) -> dict:
    out = _inspection(actor, number[:15], today)
    record = db.session.scalars(sa.select(ERecord).where(ERecord.e_record_no == number)).first()
    declaration = record.declaration if record else None
    out.update(
        number=number,
        kind="e_record_no",
        inspection_no=number[:15],
        suffix=number[15:],
        exists=_existence(
            actor,
            record,
            out["district_code"],
            enterprise_id=declaration.enterprise_id if declaration else None,
            principal_enterprise_id=declaration.principal_enterprise_id if declaration else None,
            district_code=declaration.district_code if declaration else out["district_code"],
        ),
    )
    out["checks"][0] = _check("format", True, "电子底账数据号格式正确", "well-formed e-record number")
    return out


def _certificate(actor: Actor, number: str, today: date) -> dict:
    district_code, yy, type_code, serial = CERTIFICATE_NO.match(number).groups()
    year = 2000 + int(yy)
    checks, district_name = _district_checks(district_code, year, today)
    kinds = check_codes("certificate_types", [type_code], on=today)
    kind = kinds.known.get(type_code)
    checks = [_check("format", True, "证书编号格式正确", "well-formed certificate number"), *checks]
    checks.append(
        _check(
            "certificate_type",
            kind is not None,
            f"证书种类 {type_code}" + (f"（{kind.name_zh}）" if kind else " 不在证书种类代码表中"),
            f"certificate type {type_code}" + (f" ({kind.name_en})" if kind else " is unknown"),
        )
    )
    certificate = db.session.scalars(
        sa.select(Certificate).where(Certificate.certificate_no == number)
    ).first()
    return {
        "number": number,
        "kind": "certificate_no",
        "year": year,
        "district_code": district_code,
        "district_name": district_name,
        "serial": int(serial),
        "certificate_type": type_code,
        "certificate_type_name": kind.name_zh if kind else None,
        "valid": all(c["ok"] for c in checks),
        "checks": checks,
        "exists": _existence(
            actor,
            certificate,
            district_code,
            enterprise_id=certificate.enterprise_id if certificate else None,
            district_code=certificate.district_code if certificate else district_code,
        ),
    }
