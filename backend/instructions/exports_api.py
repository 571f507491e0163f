"""综合查询 of instructions as files: /instructions.csv and /instructions.xlsx, the list's filters."""

from flask_smorest import Blueprint

from backend.core.enums import Role
from backend.core.exports import register_exports
from backend.instructions import exports
from backend.instructions.schemas import InstructionFilterSchema

blp = Blueprint(
    "instruction_exports",
    __name__,
    url_prefix="/api/v1",
    description="指令管理 Instructions: exports of the list (综合查询)",
)
register_exports(
    blp,
    "/instructions",
    roles=(Role.INSPECTOR, Role.SUPERVISOR, Role.REVIEWER),
    filters=InstructionFilterSchema,
    export_csv=exports.export_csv,
    export_xlsx=exports.export_xlsx,
    what="The list's instructions",
)
