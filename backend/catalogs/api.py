"""代码表 endpoints: the tables and their versions, imports (preview, apply), look-ups, the number checker."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from backend.catalogs import lookups, number_checker, service
from backend.catalogs.schemas import (
    CatalogSchema,
    ImportFileSchema,
    ImportFormSchema,
    ImportPreviewSchema,
    LayoutSchema,
    LookupArgsSchema,
    LookupSchema,
    NumberCheckSchema,
    VersionSchema,
)
from backend.core.api import Blueprint
from backend.core.auth import EVERYONE, requires
from backend.core.enums import Assurance, Role
from backend.errors import DomainError

blp = Blueprint(
    "catalogs", __name__, url_prefix="/api/v1", description="代码表 Catalogues, look-ups and tools"
)

TABLE = "<string(maxlength=40):table>"
IMPORT = "<int(max=2147483647):import_id>"
ADMIN = Role.ADMINISTRATOR
KEY = Assurance.KEY


def _today():
    from backend.declarations.service import china_today

    return china_today()


@blp.route("/catalogs")
class Catalogs(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, CatalogSchema(many=True))
    def get(self):
        """Every code table: its version in force, effective date, row count and source."""
        return service.list_catalogs(on=_today())


@blp.route(f"/catalogs/{TABLE}/layout")
class Layout(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, LayoutSchema)
    def get(self, table):
        """The documented columns of the table's import file (CSV or XLSX), in order."""
        return service.table_layout(table=table)


@blp.route(f"/catalogs/{TABLE}/versions")
class Versions(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, VersionSchema(many=True))
    def get(self, table):
        """The table's versions, newest first."""
        return service.list_versions(table=table)


@blp.route(f"/catalogs/{TABLE}/imports")
class Imports(MethodView):
    @requires(ADMIN, assurance=KEY, national_may_write=True)  # the national level keeps the catalogues
    @blp.arguments(ImportFormSchema, location="form")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, ImportPreviewSchema)
    def post(self, form, files, table):
        """Upload a whole table (multipart: file, effective_date): previewed as added / changed / retired.

        A malformed file is refused as a whole (422, `errors.rows` names every bad row); nothing is stored.
        """
        upload = files.get("file")
        if upload is None:
            raise DomainError("request.invalid", errors={"file": ["必填 / required"]})
        return service.preview_import(
            actor=g.actor,
            table=table,
            content=upload.read(),
            filename=upload.filename,
            effective_date=form["effective_date"],
            source=form["source"],
        )


@blp.route(f"/catalogs/imports/{IMPORT}/apply")
class Apply(MethodView):
    @requires(ADMIN, assurance=KEY, national_may_write=True)
    @blp.response(200, VersionSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, import_id):
        """Apply a previewed import as the table's next version, from its effective date (audited)."""
        return service.apply_import(actor=g.actor, import_id=import_id)


@blp.route(f"/lookups/{TABLE}")
class Lookups(MethodView):
    @requires(*EVERYONE)
    @blp.arguments(LookupArgsSchema, location="query")
    @blp.response(200, LookupSchema)
    def get(self, args, table):
        """Codes whose code or name starts with q (fewer than 2 characters: an empty list)."""
        return lookups.lookup(table=table, q=args["q"], limit=args["limit"], on=args["on"] or _today())


@blp.route("/tools/numbers/<string(maxlength=40):number>")
class Numbers(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, NumberCheckSchema)
    def get(self, number):
        """Explain an inspection, e-record or certificate number; `exists` only if the caller may know."""
        return number_checker.explain_number(actor=g.actor, number=number, today=_today())
