"""综合查询 exports of instructions: the list's rows with the list's filters, as CSV or XLSX."""

from __future__ import annotations

from backend.core.auth import Actor
from backend.core.exports import Table, count_rows, list_file
from backend.extensions import db
from backend.instructions.models import Instruction
from backend.instructions.service import visible_instructions

MAX_EXPORT_ROWS = 20_000

COLUMNS = (
    ("id", "指令号 Instruction No."),
    ("inspection_no", "检验检疫编号 Inspection No."),
    ("status", "状态 Status"),
    ("source", "来源 Source"),
    ("priority", "优先级 Priority"),
    ("enterprise", "企业 Enterprise"),
    ("inspector", "查检人员 Inspector"),
    ("items", "查检项目 Items"),
    ("site_address", "查检地点 Site"),
    ("deadline", "完成时限 Deadline (UTC)"),
    ("created_at", "下达时间 Issued at (UTC)"),
)


def _row(instruction: Instruction) -> dict:
    return {
        "id": instruction.id,
        "inspection_no": instruction.declaration.inspection_no,
        "status": instruction.status,
        "source": instruction.source,
        "priority": instruction.priority,
        "enterprise": instruction.enterprise.name_zh,
        "inspector": instruction.inspector.display_name if instruction.inspector else None,
        "items": ", ".join(item.code for item in instruction.items),
        "site_address": instruction.site_address,
        "deadline": instruction.deadline,
        "created_at": instruction.created_at,
    }


def _rows(actor: Actor, filters: dict) -> list[dict]:
    query = (
        visible_instructions(actor=actor, **filters).order_by(Instruction.id.desc()).limit(MAX_EXPORT_ROWS)
    )
    return [_row(i) for i in db.session.execute(query).scalars()]


def export_rows(*, actor: Actor, **filters) -> int:
    """How many rows the export with these filters holds (a large one is written by a job)."""
    return count_rows(visible_instructions(actor=actor, **filters), MAX_EXPORT_ROWS)


def export(*, actor: Actor, file_format: str, **filters) -> bytes:
    """The instructions the list shows with these filters, as CSV (UTF-8 with BOM) or XLSX."""
    table = Table(COLUMNS, _rows(actor, filters), name="查检指令", wide=("enterprise", "items"))
    return list_file(file_format, table, filters)
