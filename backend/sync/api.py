"""The devices' sync endpoints (docs/sync.md)."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.sync import service
from backend.sync.schemas import PullArgsSchema, PullResultSchema, PushResultSchema, PushSchema

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="离线同步 Offline sync")


@blp.route("/pull")
class Pull(MethodView):
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
