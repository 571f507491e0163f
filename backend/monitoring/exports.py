"""A tile's rows as CSV or XLSX (formula-like text neutralised by core.exports), filters on top."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import sqlalchemy as sa
from openpyxl import Workbook

from backend.core.auth import Actor
from backend.core.exports import append_xlsx_row, csv_cell
from backend.core.models import utcnow
from backend.extensions import db
from backend.monitoring.service import scope_of
from backend.monitoring.tiles import TILES

MAX_EXPORT_ROWS = 20_000
COLUMNS = ("编号 Id", "关区 District", "单号 Reference", "状态 Status", "时间 Time (UTC)")


def _rows(actor: Actor, tile: str, district: str | None) -> tuple[list[list], list]:
    spec = TILES[tile]
    codes = scope_of(actor, district)
    now = utcnow()
    query = spec.rows(now).where(sa.true() if codes is None else spec.district.in_(sorted(codes)))
    rows = db.session.execute(query.order_by(spec.id_column.desc()).limit(MAX_EXPORT_ROWS)).all()
    header = [
        ["业务监控 Monitoring", f"{spec.name_zh} {spec.name_en}"],
        ["关区 District", district or "全部 all in scope"],
        ["导出时间 Exported (UTC)", now.isoformat(timespec="seconds")],
        [],
    ]
    body = [[_cell(value) for value in row] for row in rows]
    return header, body


def _cell(value):
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


def export_csv(*, actor: Actor, tile: str, district: str | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly."""
    header, body = _rows(actor, tile, district)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in [*header, list(COLUMNS), *body]:
        writer.writerow([csv_cell(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(*, actor: Actor, tile: str, district: str | None = None) -> bytes:
    """The same rows as an Excel workbook."""
    header, body = _rows(actor, tile, district)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "业务监控"
    for line in [*header, list(COLUMNS), *body]:
        append_xlsx_row(sheet, line)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
