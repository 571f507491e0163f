"""The devices' sync endpoints (docs/sync.md)."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.core.sqlite import writes_on_read
from backend.sync import service
from backend.sync.documents import CATALOG_VERSION
from backend.sync.rules import operation_schemas
from backend.sync.schemas import (
    OperationSchemasSchema,
    PullArgsSchema,
    PullResultSchema,
    PushResultSchema,
    PushSchema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="离线同步 Offline sync")


@blp.route("/pull")
class Pull(MethodView):
    @writes_on_read  # a pull grants leases and advances the device's counter
    @requires(Role.INSPECTOR)
    @blp.arguments(PullArgsSchema, location="query")
    @blp.response(200, PullResultSchema)
    def get(self, args):
        """Instructions changed since `cursor`, whole documents, paged; tombstones for those moved away."""
        return service.pull(actor=g.actor, **args)


@blp.route("/push")
class Push(MethodView):
    @requires(Role.INSPECTOR)
    @blp.arguments(PushSchema)
    @blp.response(200, PushResultSchema)
    def post(self, args):
        """A batch of operations, each applied once, in order per instruction, with one result each."""
        return service.push(actor=g.actor, **args)


@blp.route("/operation-schemas")
class OperationSchemas(MethodView):
    @requires(Role.INSPECTOR)
    @blp.response(200, OperationSchemasSchema)
    def get(self):
        """The rules of every operation type as JSON Schema (also in the pull's catalogs)."""
        return {"catalog_version": CATALOG_VERSION, "operation_schemas": operation_schemas()}
