"""查询统计 API: /api/v1/statistics — figures, trend, timeliness, and their CSV/XLSX export."""

from flask import Response, g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError, validates

from backend.core.auth import requires
from backend.core.enums import Role
from backend.statistics import service
from backend.statistics.schemas import (
    ExportArgsSchema,
    StatisticsAnswerSchema,
    StatisticsFilterSchema,
    TimelinessArgsSchema,
    TrendArgsSchema,
)
from backend.statistics.tables import EXPORTABLE

blp = Blueprint(
    "statistics",
    __name__,
    url_prefix="/api/v1/statistics",
    description="查询统计 and 时效 Statistics and timeliness (district with its subordinates)",
)

# Those who watch and account for the work of a district; inspectors see their own work elsewhere.
READERS = (Role.SUPERVISOR, Role.REVIEWER, Role.CERTIFICATE_OFFICER, Role.ADMINISTRATOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportSchema(ExportArgsSchema):
    @validates("table")
    def _known_table(self, value, **kwargs):
        if value not in EXPORTABLE:
            raise ValidationError(f"须为 one of: {', '.join(EXPORTABLE)}")


@blp.route("/overview")
class Overview(MethodView):
    @requires(*READERS)
    @blp.arguments(StatisticsFilterSchema, location="query")
    @blp.response(200, StatisticsAnswerSchema)
    def get(self, args):
        """Every figure of a period: applications, inspections, e-records, certificates, risk rules."""
        return service.statistics_overview(actor=g.actor, **args)


@blp.route("/trend")
class Trend(MethodView):
    @requires(*READERS)
    @blp.arguments(TrendArgsSchema, location="query")
    @blp.response(200, StatisticsAnswerSchema)
    def get(self, args):
        """Submitted, accepted, instructions and e-records per day, week or month (zeros included)."""
        return service.statistics_trend(actor=g.actor, **args)


@blp.route("/timeliness")
class Timeliness(MethodView):
    @requires(*READERS)
    @blp.arguments(TimelinessArgsSchema, location="query")
    @blp.response(200, StatisticsAnswerSchema)
    def get(self, args):
        """时效: per stage count, median and 90th percentile (hours); distribution; late cases."""
        return service.statistics_timeliness(actor=g.actor, **args)


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@blp.route("/export.csv")
class ExportCsv(MethodView):
    @requires(*READERS)
    @blp.arguments(ExportSchema, location="query")
    @blp.response(200, content_type="text/csv", description="UTF-8 with BOM; filters at the top")
    def get(self, args):
        """A page or one of its tables as CSV, the filters written at the top."""
        data, filename = service.export_statistics(actor=g.actor, file_format="csv", **args)
        return _download(data, "text/csv; charset=utf-8", filename)


@blp.route("/export.xlsx")
class ExportXlsx(MethodView):
    @requires(*READERS)
    @blp.arguments(ExportSchema, location="query")
    @blp.response(200, content_type=XLSX, description="A 筛选条件 sheet, then one sheet per table")
    def get(self, args):
        """A page or one of its tables as XLSX, the filters on the first sheet."""
        data, filename = service.export_statistics(actor=g.actor, file_format="xlsx", **args)
        return _download(data, XLSX, filename)
