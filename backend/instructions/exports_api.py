"""综合查询 of instructions as files: /instructions.csv and /instructions.xlsx, the list's filters."""

from flask import g
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.core.export_routes import export_routes
from backend.instructions import exports
from backend.instructions.schemas import InstructionFilterSchema

blp = Blueprint(
    "instruction_exports",
    __name__,
    url_prefix="/api/v1",
    description="指令管理 Instructions: exports of the list (综合查询)",
)
export_routes(
    blp,
    "/instructions",
    title="Instructions",
    args_schema=InstructionFilterSchema,
    guard=requires(Role.INSPECTOR, Role.SUPERVISOR, Role.REVIEWER),
    export=lambda file_format, **args: exports.export(actor=g.actor, file_format=file_format, **args),
    count=lambda **args: exports.export_rows(actor=g.actor, **args),
)
