"""REST of 代理报检授权 for enterprises: the principal grants and revokes, both sides list.

Reading needs a login; granting and revoking, which let another enterprise act in the caller's name,
need a key login.
"""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.core.schemas import StrictSchema
from backend.identity import agency
from backend.identity.agency_models import SCOPES

blp = Blueprint(
    "agency",
    __name__,
    url_prefix="/api/v1/agent-authorisations",
    description="代理报检授权 Agent authorisations",
)


class AuthorisationListArgsSchema(StrictSchema):
    side = fields.String(
        load_default="granted",
        validate=validate.OneOf(["granted", "held"]),
        metadata={"description": "granted: my enterprise as principal; held: as agent"},
    )
    include_revoked = fields.Boolean(load_default=True)


class AuthorisationGrantSchema(StrictSchema):
    agent_customs_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{10}$"))
    scopes = fields.List(
        fields.String(validate=validate.OneOf(SCOPES)),
        required=True,
        validate=validate.Length(min=1, max=len(SCOPES)),
    )
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class AuthorisationRevokeSchema(StrictSchema):
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class PartySchema(Schema):
    id = fields.Integer()
    customs_code = fields.String()
    name_zh = fields.String()


class AuthorisationSchema(Schema):
    id = fields.Integer()
    principal = fields.Nested(PartySchema)
    agent = fields.Nested(PartySchema)
    scopes = fields.List(fields.String(), attribute="scope_list")
    valid_from = fields.Date()
    valid_to = fields.Date()
    reason = fields.String(allow_none=True)
    granted_by_id = fields.Integer()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by_id = fields.Integer(allow_none=True)
    revoke_reason = fields.String(allow_none=True)


@blp.route("")
class Authorisations(MethodView):
    @requires(Role.ENTERPRISE)
    @blp.arguments(AuthorisationListArgsSchema, location="query")
    @blp.response(200, AuthorisationSchema(many=True))
    def get(self, args):
        """Authorisations my enterprise granted (side=granted) or holds as agent (side=held), newest first."""
        return agency.list_authorisations(actor=g.actor, **args)

    @requires(Role.ENTERPRISE, assurance=Assurance.KEY)
    @blp.arguments(AuthorisationGrantSchema)
    @blp.response(201, AuthorisationSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, args):
        """Authorise an agent (by its customs code) to act in my enterprise's name: scopes and period."""
        return agency.grant_authorisation(actor=g.actor, **args)


@blp.route("/<int(max=2147483647):authorisation_id>/revoke")
class Revocation(MethodView):
    @requires(Role.ENTERPRISE, assurance=Assurance.KEY)
    @blp.arguments(AuthorisationRevokeSchema)
    @blp.response(200, AuthorisationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, authorisation_id):
        """Revoke an authorisation my enterprise granted (kept for the record); effective immediately."""
        return agency.revoke_authorisation(actor=g.actor, authorisation_id=authorisation_id, **args)
