"""业务监控 endpoints: the board's counts, the list behind a tile, and the inspectors in the field."""

from flask import Response, g
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import requires
from backend.core.enums import Role
from backend.monitoring import exports, service
from backend.monitoring.schemas import (
    BoardArgsSchema,
    BoardSchema,
    ExportArgsSchema,
    InspectorFieldSchema,
    ItemsArgsSchema,
    ItemsSchema,
)

blp = Blueprint("monitoring", __name__, url_prefix="/api/v1/monitoring", description="业务监控 Monitoring")


@blp.route("/board")
class Board(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(BoardArgsSchema, location="query")
    @blp.response(200, BoardSchema)
    def get(self, args):
        """业务监控 The work waiting at each step, counted per district with parent roll-ups."""
        return service.board(actor=g.actor, **args)


@blp.route("/items")
class Items(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(ItemsArgsSchema, location="query")
    @blp.response(200, ItemsSchema)
    def get(self, args):
        """The rows behind one tile, newest first (before_id pages), with the board's district filter."""
        return service.tile_items(actor=g.actor, **args)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@blp.route("/items.csv")
class ItemsCsv(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.response(200, content_type="text/csv", description="UTF-8 with BOM (opens in Excel)")
    def get(self, args):
        """A tile's rows as CSV, the tile and district written on top (at most 20,000 rows)."""
        data = exports.export_csv(actor=g.actor, **args)
        return _download(data, "text/csv; charset=utf-8", "monitoring.csv")


@blp.route("/items.xlsx")
class ItemsXlsx(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.response(200, content_type=XLSX, description="Excel workbook")
    def get(self, args):
        """A tile's rows as XLSX, the tile and district written on top (at most 20,000 rows)."""
        return _download(exports.export_xlsx(actor=g.actor, **args), XLSX, "monitoring.xlsx")


@blp.route("/field")
class Field(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(BoardArgsSchema, location="query")
    @blp.response(200, InspectorFieldSchema(many=True))
    def get(self, args):
        """The inspectors in the field: instructions held (device lease), last sync, position, unsent."""
        return service.field(actor=g.actor, **args)
