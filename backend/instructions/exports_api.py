"""综合查询 of instructions as files: /instructions.csv and /instructions.xlsx, the list's filters."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.core.exports import CSV, XLSX, attachment
from backend.instructions import exports
from backend.instructions.schemas import InstructionFilterSchema

blp = Blueprint(
    "instruction_exports",
    __name__,
    url_prefix="/api/v1",
    description="指令管理 Instructions: exports of the list (综合查询)",
)
READERS = (Role.INSPECTOR, Role.SUPERVISOR, Role.REVIEWER)


@blp.route("/instructions.csv")
class InstructionsCsv(MethodView):
    @requires(*READERS)
    @blp.arguments(InstructionFilterSchema, location="query")
    @blp.response(200, content_type="text/csv", description="UTF-8 with BOM; the filters on the first line")
    def get(self, args):
        """The list's instructions as CSV, same scope and filters, at most 20 000 rows."""
        return attachment(exports.export_csv(actor=g.actor, **args), CSV, "instructions.csv")


@blp.route("/instructions.xlsx")
class InstructionsXlsx(MethodView):
    @requires(*READERS)
    @blp.arguments(InstructionFilterSchema, location="query")
    @blp.response(200, content_type=XLSX, description="Excel workbook; the filters on a second sheet")
    def get(self, args):
        """The list's instructions as XLSX, same scope and filters, at most 20 000 rows."""
        return attachment(exports.export_xlsx(actor=g.actor, **args), XLSX, "instructions.xlsx")
