"""查询统计: the figures of a period, each one GROUP BY statement over the domains' tables.

Applications and e-records are counted from the receipts (回执) written at each transition, so a figure
says how many times something happened in the period ("returned" counts returns, an application
returned twice counts twice); instructions, inspections, certificates and intelligent review's decisions
from their own tables (counts.py). Closed days come from the daily roll-up. Each figure is a table:
{name, title_zh, title_en, columns, rows}.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.blank_stock.models import BlankSheet, BlankStock, CertificatePrint
from backend.certificate_applications.models import CertificateApplication
from backend.certificates.models import Certificate, CertificateType
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.identity.models import District, Enterprise
from backend.inspections.models import Inspection
from backend.review.models import RiskRule, RuleHit
from backend.statistics.counts import application_clauses, figure_counts
from backend.statistics.rollup import receipt_counts
from backend.statistics.sql import (
    Filters,
    count_if,
    declaration_clauses,
    dialect,
    in_period,
    rate,
)
from backend.statistics.tables import APPLICATION_COLUMNS, E_RECORD_COLUMNS, table

# Receipt code → figure. Withdrawals by the enterprise and by the 30-day rule count together.
APPLICATION_CODES = {
    "SUBMITTED": "submitted",
    "ACCEPTED": "accepted",
    "RETURNED": "returned",
    "REJECTED": "rejected",
    "WITHDRAWN": "withdrawn",
    "AUTO_WITHDRAWN": "withdrawn",
}
E_RECORD_CODES = {
    "E_RECORD_ISSUED": "issued",
    "E_RECORD_USED": "used",
    "E_RECORD_EXPIRED": "expired",
    "E_RECORD_VOIDED": "voided",
}
RECEIPT_CODES = tuple(APPLICATION_CODES) + tuple(E_RECORD_CODES)


def _instruction_counts(filters: Filters) -> dict[str, int]:
    """Instructions issued in the period per district (cancelled ones included: they were issued)."""
    return {district: count for (district, _), count in figure_counts("instruction", filters).items()}


def applications_and_e_records(filters: Filters) -> tuple[dict, dict, dict]:
    """(totals, e-record totals, by district rows) from one GROUP BY over the period's receipts."""
    per_district: dict[str, dict[str, int]] = {}
    for district, code, count in receipt_counts(filters, RECEIPT_CODES):
        figure = APPLICATION_CODES.get(code) or E_RECORD_CODES[code]
        key = figure if code in APPLICATION_CODES else f"e_record_{figure}"
        row = per_district.setdefault(district, {})
        row[key] = row.get(key, 0) + count
    for district, count in _instruction_counts(filters).items():
        per_district.setdefault(district, {})["instructions"] = count

    keys = [key for key, _, _ in APPLICATION_COLUMNS[:-1]] + [f"e_record_{k}" for k, _, _ in E_RECORD_COLUMNS]
    totals = {key: sum(row.get(key, 0) for row in per_district.values()) for key in keys}
    applications = {key: totals[key] for key, _, _ in APPLICATION_COLUMNS[:-1]}
    applications["inspection_rate"] = rate(applications["instructions"], applications["accepted"])
    e_records = {key: totals[f"e_record_{key}"] for key, _, _ in E_RECORD_COLUMNS}
    names = dict(db.session.execute(sa.select(District.code, District.name_zh)).all())
    by_district = []
    for district in sorted(per_district):
        row = {key: per_district[district].get(key, 0) for key in keys}
        row["inspection_rate"] = rate(row["instructions"], row["accepted"])
        by_district.append({"district": district, "district_name": names.get(district, district), **row})
    return applications, e_records, by_district


def inspections(filters: Filters) -> list[dict]:
    """On-site inspections concluded in the period, by conclusion and disposition."""
    counted: dict[tuple[str, str], int] = {}
    for (_, key), count in figure_counts("inspection", filters).items():
        conclusion, _, disposition = key.partition("|")
        counted[(conclusion, disposition)] = counted.get((conclusion, disposition), 0) + count
    return [
        {"conclusion": conclusion, "disposition": disposition, "count": count}
        for (conclusion, disposition), count in sorted(counted.items())
    ]


def certificates(filters: Filters) -> list[dict]:
    """Certificates issued in the period by type, with intelligent review's automatic rate per type.

    Automatic rate = applications issued by intelligent review ÷ applications it decided (issued at
    once, or referred to an officer), both counted from the period's receipts.
    """
    issued: dict[str, int] = {}
    for (_, type_code), count in figure_counts("certificate", filters).items():
        issued[type_code] = issued.get(type_code, 0) + count
    reviewed: dict[str, tuple[int, int]] = {}
    for (_, key), count in figure_counts("review_decision", filters).items():
        type_code, _, decision = key.partition("|")
        auto, referred = reviewed.get(type_code, (0, 0))
        reviewed[type_code] = (
            auto + (count if decision == "auto" else 0),
            referred + (count if decision == "referred" else 0),
        )
    names = dict(db.session.execute(sa.select(CertificateType.code, CertificateType.name_zh)).all())
    rows = []
    for type_code in sorted(set(issued) | set(reviewed)):
        auto, referred = reviewed.get(type_code, (0, 0))
        rows.append(
            {
                "type_code": type_code,
                "type_name": names.get(type_code, type_code),
                "issued": issued.get(type_code, 0),
                "auto_issued": auto,
                "referred": referred,
                "auto_rate": rate(auto, auto + referred),
            }
        )
    return rows


def failed_rules(filters: Filters, limit: int = 10) -> list[dict]:
    """Intelligent review's rules by how often they failed, over applications submitted in the period."""
    results = CertificateApplication.rule_results
    if dialect() == "postgresql":
        entry = sa.func.jsonb_array_elements(results).table_valued("value").alias("entry")
        rule = entry.c.value.op("->>")("rule")
        failed = entry.c.value.op("->>")("passed") == "false"
    else:
        entry = sa.func.json_each(results).table_valued("value").alias("entry")
        rule = sa.func.json_extract(entry.c.value, "$.rule")
        failed = sa.func.json_extract(entry.c.value, "$.passed") == 0
    query = (
        sa.select(rule.label("rule"), sa.func.count().label("failures"))
        .select_from(CertificateApplication)
        .join(Declaration, Declaration.id == CertificateApplication.declaration_id)
        .join(entry, sa.true())
        .where(
            CertificateApplication.rule_results.is_not(None),
            in_period(CertificateApplication.submitted_at, filters),
            failed,
            *application_clauses(filters),
        )
        .group_by(rule)
        .order_by(sa.func.count().desc(), rule)
        .limit(limit)
    )
    return [{"rule": name, "failures": count} for name, count in db.session.execute(query).all()]


def risk_rules(filters: Filters) -> list[dict]:
    """Per rule version: hits, selections (instruction drawn) and failed inspections among those."""
    concluded = Inspection.conclusion.is_not(None)
    query = (
        sa.select(
            RuleHit.rule_id,
            RuleHit.rule_version,
            RiskRule.name_zh,
            sa.func.count(),
            count_if(RuleHit.selected),
            count_if(sa.and_(RuleHit.selected, concluded)),
            count_if(sa.and_(RuleHit.selected, Inspection.conclusion == "fail")),
        )
        .join(RiskRule, RiskRule.id == RuleHit.rule_id)
        .join(Declaration, Declaration.id == RuleHit.declaration_id)
        .outerjoin(Inspection, Inspection.instruction_id == RuleHit.instruction_id)
        .where(in_period(RuleHit.evaluated_at, filters), *declaration_clauses(filters))
        .group_by(RuleHit.rule_id, RuleHit.rule_version, RiskRule.name_zh)
        .order_by(RuleHit.rule_id, RuleHit.rule_version)
    )
    rows = []
    for rule_id, version, name, hits, selected, concluded_count, failed in db.session.execute(query).all():
        rows.append(
            {
                "rule_id": rule_id,
                "rule_version": version,
                "rule_name": name,
                "hits": hits,
                "selected": selected,
                "inspected": concluded_count,
                "failed": failed,
                "selection_rate": rate(selected, hits),
                "fail_rate": rate(failed, concluded_count),
            }
        )
    return rows


def blank_stock(filters: Filters) -> list[dict]:
    """Blank paper (空白证书) per enterprise and type, as it stands now (a balance, not a period figure).

    Anomalies: sheets marked printed with no print record, and sheets printed for a certificate of
    another enterprise or type (the first two kinds of blank_stock.reconciliation, counted in SQL).
    """
    stock, sheet = BlankStock, BlankSheet
    foreign = sa.and_(
        CertificatePrint.id.is_not(None),
        sa.or_(Certificate.enterprise_id != stock.enterprise_id, Certificate.type_code != sheet.type_code),
    )
    clauses = [stock.status.in_(("allocated", "received")), stock.enterprise_id.is_not(None)]
    if filters.districts is not None:
        clauses.append(stock.district_code.in_(filters.districts))
    if filters.enterprise_id is not None:
        clauses.append(stock.enterprise_id == filters.enterprise_id)
    if filters.certificate_type is not None:
        clauses.append(sheet.type_code == filters.certificate_type)
    query = (
        sa.select(
            stock.enterprise_id,
            Enterprise.name_zh,
            sheet.type_code,
            sa.func.count(),
            count_if(stock.status == "received"),
            count_if(sheet.status == "printed"),
            count_if(sheet.status == "spoiled"),
            count_if(sheet.status == "available"),
            count_if(sa.and_(sheet.status == "printed", CertificatePrint.id.is_(None))) + count_if(foreign),
        )
        .select_from(sheet)
        .join(stock, stock.id == sheet.stock_id)
        .join(Enterprise, Enterprise.id == stock.enterprise_id)
        .outerjoin(CertificatePrint, CertificatePrint.sheet_id == sheet.id)
        .outerjoin(Certificate, Certificate.id == CertificatePrint.certificate_id)
        .where(*clauses)
        .group_by(stock.enterprise_id, Enterprise.name_zh, sheet.type_code)
        .order_by(stock.enterprise_id, sheet.type_code)
    )
    keys = (
        "enterprise_id",
        "enterprise_name",
        "type_code",
        "allocated",
        "received",
        "printed",
        "spoiled",
        "remaining",
        "anomalies",
    )
    return [dict(zip(keys, row, strict=True)) for row in db.session.execute(query).all()]


def overview(filters: Filters) -> list[dict]:
    """Every figure of the statistics page, as tables."""
    applications, e_records, by_district = applications_and_e_records(filters)
    certificate_rows = certificates(filters)
    inspection_rows = inspections(filters)
    funnel = [
        {"stage": "submitted", "label": "提交 submitted", "count": applications["submitted"]},
        {"stage": "accepted", "label": "受理 accepted", "count": applications["accepted"]},
        {"stage": "instructions", "label": "查检指令 instructions", "count": applications["instructions"]},
        {
            "stage": "inspected",
            "label": "查检完成 inspected",
            "count": sum(row["count"] for row in inspection_rows),
        },
        {"stage": "e_records", "label": "电子底账 e-records", "count": e_records["issued"]},
        {
            "stage": "certificates",
            "label": "证书签发 certificates",
            "count": sum(row["issued"] for row in certificate_rows),
        },
    ]
    return [
        table("applications", [applications]),
        table("by_district", by_district),
        table("funnel", funnel),
        table("inspections", inspection_rows),
        table("e_records", [e_records]),
        table("certificates", certificate_rows),
        table("failed_rules", failed_rules(filters)),
        table("risk_rules", risk_rules(filters)),
        table("blank_stock", blank_stock(filters)),
    ]
