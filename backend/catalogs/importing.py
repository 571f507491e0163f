"""Reading an import file (CSV or XLSX, the table's documented layout) into rows, naming every bad row.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first code row 2. A file with
any problem is refused as a whole (nothing is stored), with one entry per problem.
"""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa

from backend.catalogs.models import CatalogEntry
from backend.catalogs.tables import Table
from backend.extensions import db

MAX_ROWS = 50_000


def _problem(row: int, column: str, reason: str, reason_zh: str) -> dict:
    return {"row": row, "column": column, "reason": reason, "reason_zh": reason_zh}


def read_table_file(content: bytes, filename: str | None) -> list[list[str]]:
    """The cells of the first sheet (XLSX) or of the CSV, as text; raises ValueError if unreadable."""
    if content[:2] == b"PK" or (filename or "").lower().endswith(".xlsx"):
        return _xlsx_cells(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("the file is neither UTF-8 CSV nor XLSX") from exc
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _xlsx_cells(content: bytes) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValueError("the XLSX file cannot be read") from exc
    sheet = book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
    book.close()
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_rows(table: Table, cells: list[list[str]]) -> tuple[list[dict], list[dict]]:
    """(rows, problems) of a file's cells against the table's layout."""
    cells = [row for row in cells if any(row)] if cells else []
    if not cells:
        return [], [_problem(1, "", "the file is empty", "文件为空")]
    header = [h.strip() for h in cells[0]]
    known = {c.name for c in table.columns}
    problems = [
        _problem(1, name, f"unknown column '{name}'", f"未知的列“{name}”")
        for name in header
        if name not in known
    ]
    problems += [
        _problem(1, c.name, f"required column '{c.name}' is missing", f"缺少必填列“{c.name}”")
        for c in table.columns
        if c.required and c.name not in header
    ]
    if problems:
        return [], problems
    if len(cells) < 2:
        return [], [_problem(2, "code", "the file has no rows", "文件没有数据行")]
    if len(cells) - 1 > MAX_ROWS:
        return [], [_problem(MAX_ROWS + 2, "", f"more than {MAX_ROWS} rows", f"超过 {MAX_ROWS} 行")]
    rows, seen = [], {}
    for number, values in enumerate(cells[1:], start=2):
        row = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
        problems += _row_problems(table, row, number, seen)
        rows.append(row)
    problems += _table_checks(table, rows)
    return rows, problems


def _row_problems(table: Table, row: dict, number: int, seen: dict) -> list[dict]:
    out = []
    for column in table.columns:
        value = row.get(column.name, "")
        if not value:
            if column.required:
                out.append(_problem(number, column.name, "value is required", "不能为空"))
            continue
        if column.pattern and not re.fullmatch(column.pattern, value):
            out.append(
                _problem(
                    number,
                    column.name,
                    f"'{value}' does not match {column.pattern}",
                    f"“{value}”格式不符（{column.description_zh}）",
                )
            )
    code = row.get("code", "")
    if code:
        if code in seen:
            out.append(
                _problem(
                    number,
                    "code",
                    f"code {code} already given in row {seen[code]}",
                    f"编码{code}与第{seen[code]}行重复",
                )
            )
        else:
            seen[code] = number
    return out


def _table_checks(table: Table, rows: list[dict]) -> list[dict]:
    """Checks against other tables: a national HS or CIQ code must extend a real HS subheading."""
    if table.code not in ("hs", "ciq"):
        return []
    subheadings = set(
        db.session.scalars(
            sa.select(CatalogEntry.code).where(
                CatalogEntry.table_code == "hs_subheadings", CatalogEntry.to_version.is_(None)
            )
        )
    )
    out = []
    for number, row in enumerate(rows, start=2):
        code = row.get("code", "")
        if re.fullmatch(r"\d{10}|\d{13}", code) and code[:6] not in subheadings:
            out.append(
                _problem(
                    number,
                    "code",
                    f"HS subheading {code[:6]} does not exist",
                    f"HS子目 {code[:6]} 不存在",
                )
            )
    return out
