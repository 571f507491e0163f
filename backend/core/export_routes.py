"""The one way a list becomes a download: `{path}.csv` and `{path}.xlsx` on a domain's blueprint.

    export_routes(blp, "/declarations", title="Declarations", args_schema=DeclarationFilterSchema,
                  guard=requires(*READERS), export=lambda file_format, **args: …bytes…,
                  count=lambda **args: …rows the file would hold…)

`guard` decides who may call them (it sets g.actor), the query string is read with `args_schema`, and
`export(file_format=…, **args)` makes the file for g.actor. Given `count`, an export of more than
`EXPORT_JOB_ROWS` rows is not written in the request: it becomes a job (export_jobs.py) and the answer
is 202 with the job (where to follow its progress and, once done, download the file). Small exports
stay synchronous, exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, current_app, g, jsonify, request, url_for
from flask.views import MethodView

from backend.core.exports import CSV, XLSX, attachment
from backend.core.sqlite import writes_on_read

FORMATS = {"csv": CSV, "xlsx": XLSX}


@dataclass(frozen=True)
class ExportRoute:
    key: str
    args_schema: object
    export: Callable[..., bytes]


ROUTES: dict[str, ExportRoute] = {}


def export_routes(
    blp,
    path: str,
    *,
    title: str,
    args_schema,
    guard,
    export: Callable[..., bytes],
    count: Callable[..., int] | None = None,
) -> None:
    """Register `{path}.csv` and `{path}.xlsx` on the flask-smorest blueprint `blp` (see the module)."""
    key = f"{blp.name}:{path}"
    ROUTES[key] = ExportRoute(key, args_schema, export)
    filename = path.strip("/").replace("/", "-")

    def view(file_format: str, mimetype: str):
        class Export(MethodView):
            @writes_on_read  # a large export records its job (and clears expired ones)
            @guard
            @blp.arguments(args_schema, location="query")
            @blp.response(200, content_type=mimetype.split(";")[0], description=f"{title} ({file_format})")
            @blp.alt_response(202, description="A large export, written in the background: the job "
                              "(GET /api/v1/exports/{export_id} follows it)")
            def get(self, args):
                name = f"{filename}.{file_format}"
                rows = count(**args) if count is not None else 0
                if count is not None and rows > current_app.config["EXPORT_JOB_ROWS"]:
                    return _start_job(key, file_format, name, rows)
                return attachment(export(file_format=file_format, **args), mimetype, name)

        Export.__name__ = f"{title.replace(' ', '')}{file_format.title()}"
        Export.get.__doc__ = (
            f"{title} as {file_format.upper()}, with the list's filters. A large export answers 202 and "
            "is written in the background (follow the job, then download its file)."
        )
        return Export

    for file_format, mimetype in FORMATS.items():
        blp.route(f"{path}.{file_format}")(view(file_format, mimetype))


def _start_job(key: str, file_format: str, filename: str, rows: int) -> Response:
    from backend.core import export_jobs
    from backend.core.export_jobs_api import ExportJobSchema, job_body

    job = export_jobs.start_export_job(
        actor=g.actor, route=key, request_path=request.path,
        query_string=request.query_string.decode("utf-8", "replace"), file_format=file_format,
        filename=filename, rows_total=rows,
    )
    response = jsonify(ExportJobSchema().dump(job_body(job)))
    response.status_code = 202
    response.headers["Location"] = url_for("exports.ExportJobStatus", export_id=job.id)
    return response


def rebuild_export(*, route: str, actor, request_path: str, query_string: str, file_format: str) -> bytes:
    """Make the file a job recorded: the same route, query string (read by the same schema) and
    caller, in a request context of its own (the worker has none)."""
    from flask_smorest import Blueprint

    entry = ROUTES[route]
    with current_app.test_request_context(request_path, query_string=query_string):
        g.actor = actor
        schema = entry.args_schema() if isinstance(entry.args_schema, type) else entry.args_schema
        args = Blueprint.ARGUMENTS_PARSER.parse(schema, location="query")
        return entry.export(file_format=file_format, **args)
