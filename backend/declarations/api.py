"""REST for 电子底账申请: thin views, each calling one service function.

Enterprise users (password assurance suffices) manage their own applications; customs users of the
declaration's district may read them. Attachment and Single Window intake views live in
attachments_api.py and intake_api.py, each with its own blueprint documented under this one's tag.
"""

from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import ANY_CUSTOMS, requires
from backend.core.enums import Role
from backend.core.export_routes import export_routes
from backend.declarations import exports, queries, service
from backend.declarations.schemas import (
    DeclarationBodySchema,
    DeclarationEditSchema,
    DeclarationFilterSchema,
    DeclarationPageSchema,
    DeclarationQuerySchema,
    DeclarationSchema,
    LookupQuerySchema,
    ReceiptSchema,
    ValidationReportSchema,
    VersionSchema,
    WithdrawSchema,
)
from backend.errors import DomainError

blp = Blueprint(
    "declarations", __name__, url_prefix="/api/v1", description="电子底账申请 Export inspection applications"
)

READERS = (Role.ENTERPRISE, *ANY_CUSTOMS)
ID = "<int(max=2147483647):declaration_id>"


def if_match_version(body_version: int | None) -> int | None:
    """The version from the body, else from If-Match ("3", W/"3" or 3)."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match")
    if not header:
        return None
    token = header.strip().removeprefix("W/").strip('"')
    if not token.isdigit() or len(token) > 10:
        raise DomainError("request.invalid", errors={"If-Match": ["应为版本号 / must be a version number"]})
    return int(token)


@blp.route("/declarations")
class Declarations(MethodView):
    @requires(*READERS)
    @blp.arguments(DeclarationQuerySchema, location="query")
    @blp.response(200, DeclarationPageSchema)
    def get(self, args):
        """List own applications (customs: the district's), newest first, keyset-paginated."""
        return queries.list_declarations(actor=g.actor, **args)

    @requires(Role.ENTERPRISE)
    @blp.arguments(DeclarationBodySchema)
    @blp.response(201, DeclarationSchema)
    def post(self, data):
        """暂存: save a new draft application (it may be incomplete)."""
        return service.create_draft(actor=g.actor, data=data)


export_routes(
    blp,
    "/declarations",
    title="Declarations",
    args_schema=DeclarationFilterSchema,
    guard=requires(*READERS),
    export=lambda file_format, **args: exports.export(actor=g.actor, file_format=file_format, **args),
    count=lambda **args: exports.export_rows(actor=g.actor, **args),
)


@blp.route("/declarations/validate")
class ValidateBody(MethodView):
    @requires(Role.ENTERPRISE)
    @blp.arguments(DeclarationBodySchema)
    @blp.response(200, ValidationReportSchema)
    def post(self, data):
        """Check an application body without saving it: every finding at once."""
        return service.validate_body(actor=g.actor, data=data)


@blp.route("/declarations/lookup")
class Lookup(MethodView):
    @requires(*READERS)
    @blp.arguments(LookupQuerySchema, location="query")
    @blp.response(200, DeclarationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args):
        """Exact lookup by inspection_no or e_record_no."""
        return queries.lookup(actor=g.actor, **args)


@blp.route(f"/declarations/{ID}")
class DeclarationItem(MethodView):
    @requires(*READERS)
    @blp.response(200, DeclarationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, declaration_id):
        """One application with goods, containers, qualifications, certificates and e-record."""
        return service.get_declaration(actor=g.actor, declaration_id=declaration_id)

    @requires(Role.ENTERPRISE)
    @blp.arguments(DeclarationEditSchema)
    @blp.response(200, DeclarationSchema)
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, declaration_id):
        """Replace the whole application (draft or returned only); give the version it was based on."""
        version = if_match_version(data.pop("version", None))
        return service.update_draft(actor=g.actor, declaration_id=declaration_id, data=data, version=version)

    @requires(Role.ENTERPRISE)
    @blp.response(204)
    @blp.alt_response(409, response="CONFLICT")
    def delete(self, declaration_id):
        """Delete a draft that was never submitted."""
        service.delete_draft(actor=g.actor, declaration_id=declaration_id, version=if_match_version(None))


@blp.route(f"/declarations/{ID}/copy")
class Copy(MethodView):
    @requires(Role.ENTERPRISE)
    @blp.response(201, DeclarationSchema)
    def post(self, declaration_id):
        """复制: a new draft from an earlier application (no numbers, statuses, receipts or attachments)."""
        return service.copy_declaration(actor=g.actor, declaration_id=declaration_id)


@blp.route(f"/declarations/{ID}/validate")
class ValidateStored(MethodView):
    @requires(*READERS)
    @blp.response(200, ValidationReportSchema)
    def post(self, declaration_id):
        """Check a stored application: every finding at once, nothing changed."""
        return service.validate_declaration(actor=g.actor, declaration_id=declaration_id)


@blp.route(f"/declarations/{ID}/submit")
class Submit(MethodView):
    @requires(Role.ENTERPRISE)
    @blp.arguments(VersionSchema)
    @blp.response(200, DeclarationSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, args, declaration_id):
        """提交: validate; findings of severity error block (422); else 报检成功 with an inspection number."""
        version = if_match_version(args.get("version"))
        return service.submit_declaration(actor=g.actor, declaration_id=declaration_id, version=version)


@blp.route(f"/declarations/{ID}/withdraw")
class Withdraw(MethodView):
    @requires(Role.ENTERPRISE)
    @blp.arguments(WithdrawSchema)
    @blp.response(200, DeclarationSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, declaration_id):
        """撤回: withdraw before document review has started."""
        return service.withdraw_declaration(
            actor=g.actor,
            declaration_id=declaration_id,
            version=if_match_version(args.get("version")),
            reason=args.get("reason"),
        )


@blp.route(f"/declarations/{ID}/receipts")
class Receipts(MethodView):
    @requires(*READERS)
    @blp.response(200, ReceiptSchema(many=True))
    def get(self, declaration_id):
        """回执: code, status, text, time and who, oldest first."""
        return service.list_receipts(actor=g.actor, declaration_id=declaration_id)
