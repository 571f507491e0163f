"""Administrators query the audit trail of their own district."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.audit import service
from backend.audit.schemas import AuditEventSchema, AuditExportSchema, AuditQuerySchema
from backend.core.auth import requires
from backend.core.enums import Role
from backend.core.exports import CSV_MIMETYPE, XLSX_MIMETYPE, download

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="审计日志 Audit trail")


@blp.route("/audit-events")
class AuditEvents(MethodView):
    @requires(Role.ADMINISTRATOR)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    def get(self, args):
        """Audit events of the caller's district, newest first (filter by entity, action, actor, time)."""
        return service.query_events(actor=g.actor, **args)


def _export_view(file_format: str, mimetype: str) -> type[MethodView]:
    class Export(MethodView):
        @requires(Role.ADMINISTRATOR)
        @blp.arguments(AuditExportSchema, location="query")
        @blp.response(200, content_type=mimetype.split(";")[0], description="The filtered audit events")
        def get(self, args):
            data = service.export_events(actor=g.actor, file_format=file_format, **args)
            return download(data, mimetype, f"audit-events.{file_format}")

    Export.__name__ = f"AuditEvents{file_format.title()}"
    Export.get.__doc__ = (
        f"Audit events of the caller's district as {file_format.upper()}, same filters as the list, "
        f"newest first (at most {service.MAX_EXPORT_ROWS} rows)."
    )
    return Export


blp.route("/audit-events.csv")(_export_view("csv", CSV_MIMETYPE))
blp.route("/audit-events.xlsx")(_export_view("xlsx", XLSX_MIMETYPE))
