"""业务监控 endpoints: the board's counts, the list behind a tile, and the inspectors in the field."""

from flask import g
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import requires
from backend.core.enums import Role
from backend.monitoring import service
from backend.monitoring.schemas import (
    BoardArgsSchema,
    BoardSchema,
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


@blp.route("/field")
class Field(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(BoardArgsSchema, location="query")
    @blp.response(200, InspectorFieldSchema(many=True))
    def get(self, args):
        """The inspectors in the field: instructions held (device lease), last sync, position, unsent."""
        return service.field(actor=g.actor, **args)
