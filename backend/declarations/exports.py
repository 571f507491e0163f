"""综合查询 exports of 电子底账申请 and their e-records: the list's rows and filters, as CSV or XLSX.

The same scope and filters as `queries.list_declarations` (the enterprise's own, a district's for
customs), newest first, at most MAX_EXPORT_ROWS rows; the filters are written into the file.
"""

from __future__ import annotations

from backend.core.auth import Actor
from backend.core.exports import Table, count_rows, list_file
from backend.declarations.models import Declaration
from backend.declarations.queries import filtered_declarations
from backend.extensions import db

MAX_EXPORT_ROWS = 20_000

COLUMNS = (
    ("id", "申请号 Application No."),
    ("inspection_no", "检验检疫编号 Inspection No."),
    ("status", "状态 Status"),
    ("applicant", "申请单位 Applicant"),
    ("consignee", "收货人 Consignee"),
    ("destination_country", "输往国家 Destination"),
    ("contract_no", "合同号 Contract No."),
    ("created_at", "创建时间 Created at (UTC)"),
    ("accepted_at", "受理时间 Accepted at (UTC)"),
    ("e_record_no", "电子底账数据号 E-record No."),
    ("e_record_status", "底账状态 E-record status"),
    ("issued_at", "签发时间 Issued at (UTC)"),
    ("valid_until", "有效期至 Valid until (UTC)"),
)


def _row(declaration: Declaration) -> dict:
    e_record = declaration.e_record
    return {
        "id": declaration.id,
        "inspection_no": declaration.inspection_no,
        "status": declaration.status,
        "applicant": declaration.applicant_name,
        "consignee": declaration.consignee_name_zh or declaration.consignee_name_en,
        "destination_country": declaration.destination_country,
        "contract_no": declaration.contract_no,
        "created_at": declaration.created_at,
        "accepted_at": declaration.accepted_at,
        "e_record_no": e_record.e_record_no if e_record else None,
        "e_record_status": e_record.status if e_record else None,
        "issued_at": e_record.issued_at if e_record else None,
        "valid_until": e_record.valid_until if e_record else None,
    }


def _rows(actor: Actor, filters: dict) -> list[dict]:
    query = filtered_declarations(actor, **filters).order_by(Declaration.id.desc()).limit(MAX_EXPORT_ROWS)
    return [_row(d) for d in db.session.execute(query).scalars()]


def export_rows(*, actor: Actor, **filters) -> int:
    """How many rows the export with these filters holds (a large one is written by a job)."""
    return count_rows(filtered_declarations(actor, **filters), MAX_EXPORT_ROWS)


def export(*, actor: Actor, file_format: str, **filters) -> bytes:
    """The declarations the list shows with these filters, as CSV (UTF-8 with BOM) or XLSX."""
    table = Table(COLUMNS, _rows(actor, filters), name="电子底账申请", wide=("consignee", "applicant"))
    return list_file(file_format, table, filters)
