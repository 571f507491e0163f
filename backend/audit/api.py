"""Administrators query the audit trail of their own district."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.audit import service
from backend.audit.schemas import AuditEventSchema, AuditExportSchema, AuditQuerySchema
from backend.core.auth import requires
from backend.core.enums import Role
from backend.core.export_routes import export_routes

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="审计日志 Audit trail")


@blp.route("/audit-events")
class AuditEvents(MethodView):
    @requires(Role.ADMINISTRATOR)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    def get(self, args):
        """Audit events of the caller's district, newest first (filter by entity, action, actor, time)."""
        return service.query_events(actor=g.actor, **args)


export_routes(
    blp,
    "/audit-events",
    title="Audit events",
    args_schema=AuditExportSchema,
    guard=requires(Role.ADMINISTRATOR),
    export=lambda **args: service.export_events(actor=g.actor, **args),
    count=lambda **args: service.export_count(actor=g.actor, **args),
)
