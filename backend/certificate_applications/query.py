"""综合查询: certificates and certificate applications by number, e-record, inspection number, type,
status, issue date range and consignee; keyset-paginated (newest first), and exported to CSV or XLSX
with the same filters.

Enterprises see their own rows, customs users their district's. For applications the date range
applies to the submission time; for certificates to the issue time. Dates are UTC calendar days,
both ends included.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from backend.certificate_applications.models import CertificateApplication
from backend.certificates.catalog import type_spec
from backend.certificates.models import Certificate
from backend.core.auth import Actor
from backend.core.exports import Table, count_rows, list_file
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause
from backend.declarations.models import Declaration, ERecord
from backend.extensions import db

MAX_EXPORT_ROWS = 20_000

CERTIFICATE_COLUMNS = (
    ("certificate_no", "证书编号 Certificate No."),
    ("type_code", "证书种类 Type"),
    ("type_name", "证书名称 Type name"),
    ("status", "状态 Status"),
    ("issued_at", "签发时间 Issued at (UTC)"),
    ("e_record_no", "电子底账号 E-record No."),
    ("inspection_no", "检验检疫编号 Inspection No."),
    ("consignee", "收货人 Consignee"),
    ("delivery", "出证方式 Delivery"),
    ("superseded_by", "替代证书 Superseded by"),
)
APPLICATION_COLUMNS = (
    ("id", "申请号 Application No."),
    ("type_code", "证书种类 Type"),
    ("status", "状态 Status"),
    ("e_record_no", "电子底账号 E-record No."),
    ("inspection_no", "检验检疫编号 Inspection No."),
    ("consignee", "收货人 Consignee"),
    ("certificate_no", "证书编号 Certificate No."),
    ("delivery", "出证方式 Delivery"),
    ("submitted_at", "提交时间 Submitted at (UTC)"),
    ("created_at", "创建时间 Created at (UTC)"),
)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _common(query, model, actor: Actor, filters: dict, moment):
    if actor.is_enterprise:
        query = query.where(model.enterprise_id == actor.enterprise_id)
    else:
        query = query.where(district_clause(actor, model.district_code))
    if filters.get("e_record_no"):
        query = query.where(ERecord.e_record_no == filters["e_record_no"])
    if filters.get("inspection_no"):
        query = query.where(Declaration.inspection_no == filters["inspection_no"])
    if filters.get("type_code"):
        query = query.where(model.type_code == filters["type_code"])
    if filters.get("status"):
        query = query.where(model.status == filters["status"])
    if filters.get("issued_from"):
        query = query.where(moment >= _day_start(filters["issued_from"]))
    if filters.get("issued_to"):
        query = query.where(moment < _day_start(filters["issued_to"] + timedelta(days=1)))
    if filters.get("consignee"):
        pattern = (
            "%" + filters["consignee"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(sa.func.lower(model.consignee_name).like(pattern.lower(), escape="\\"))
    return query


def _certificate_query(actor: Actor, filters: dict):
    query = (
        db.select(Certificate, ERecord.e_record_no, Declaration.inspection_no)
        .outerjoin(ERecord, ERecord.id == Certificate.e_record_id)
        .outerjoin(Declaration, Declaration.id == ERecord.declaration_id)
    )
    if filters.get("certificate_no"):
        query = query.where(Certificate.certificate_no == filters["certificate_no"])
    return _common(query, Certificate, actor, filters, Certificate.issued_at)


def _application_query(actor: Actor, filters: dict):
    query = (
        db.select(
            CertificateApplication, ERecord.e_record_no, Declaration.inspection_no, Certificate.certificate_no
        )
        .join(ERecord, ERecord.id == CertificateApplication.e_record_id)
        .join(Declaration, Declaration.id == CertificateApplication.declaration_id)
        .outerjoin(Certificate, Certificate.id == CertificateApplication.certificate_id)
    )
    if filters.get("certificate_no"):
        query = query.where(Certificate.certificate_no == filters["certificate_no"])
    return _common(query, CertificateApplication, actor, filters, CertificateApplication.submitted_at)


def _certificate_row(row) -> dict:
    certificate, e_record_no, inspection_no = row
    return {
        "certificate_no": certificate.certificate_no,
        "type_code": certificate.type_code,
        "type_name": f"{type_spec(certificate.type_code).name_zh} {type_spec(certificate.type_code).name_en}",
        "status": certificate.status,
        "issued_at": certificate.issued_at,
        "e_record_no": e_record_no,
        "inspection_no": inspection_no,
        "consignee": certificate.consignee_name,
        "delivery": certificate.delivery,
        "superseded_by": certificate.superseded_by.certificate_no if certificate.superseded_by else None,
        "id": certificate.id,
    }


def _application_row(row) -> dict:
    application, e_record_no, inspection_no, certificate_no = row
    return {
        "id": application.id,
        "type_code": application.type_code,
        "status": application.status,
        "e_record_no": e_record_no,
        "inspection_no": inspection_no,
        "consignee": application.consignee_name,
        "certificate_no": certificate_no,
        "delivery": application.delivery,
        "submitted_at": application.submitted_at,
        "created_at": application.created_at,
    }


KINDS = {
    "certificates": (_certificate_query, Certificate, _certificate_row, CERTIFICATE_COLUMNS),
    "applications": (_application_query, CertificateApplication, _application_row, APPLICATION_COLUMNS),
}


def search(*, actor: Actor, kind: str, limit: int = 50, cursor: int | None = None, **filters) -> dict:
    """One page, newest first: {"items": […], "next_cursor": id or None}."""
    build, model, to_row, _ = KINDS[kind]
    rows, next_cursor = keyset_page(build(actor, filters), id_column=model.id, limit=limit, cursor=cursor)
    return {"items": [to_row(r) for r in rows], "next_cursor": next_cursor}


def _export_rows(actor: Actor, kind: str, filters: dict) -> tuple[tuple, list[dict]]:
    build, model, to_row, columns = KINDS[kind]
    query = build(actor, filters).order_by(model.id.desc()).limit(MAX_EXPORT_ROWS)
    return columns, [to_row(r) for r in db.session.execute(query).all()]


def export_count(*, actor: Actor, kind: str, **filters) -> int:
    """How many rows the export with these filters holds (a large one is written by a job)."""
    build = KINDS[kind][0]
    return count_rows(build(actor, filters), MAX_EXPORT_ROWS)


def export(*, actor: Actor, kind: str, file_format: str, **filters) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel opens the Chinese) or an Excel workbook (one sheet,
    header row frozen; the filters on a second)."""
    columns, rows = _export_rows(actor, kind, filters)
    title = "证书" if kind == "certificates" else "证书申请"
    return list_file(file_format, Table(columns, rows, name=title, wide=("type_name",)), filters)
