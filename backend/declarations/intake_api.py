"""REST for the Single Window intake (its own blueprint, documented under the declarations tag)."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from backend.core.api import Blueprint
from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.core.schemas import StrictSchema
from backend.declarations import intake
from backend.declarations.schemas import DeclarationBodySchema

blp = Blueprint(
    "declaration_intake",
    __name__,
    url_prefix="/api/v1",
    description="单一窗口导入 Single Window intake",
    doc_tag="declarations",
)


class IntakeMessageSchema(StrictSchema):
    message_id = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9._:-]{1,64}$"),
        metadata={"description": "the sender's unique message id; retries reuse it"},
    )
    enterprise_customs_code = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Z]{10}$"),
        metadata={
            "description": "the declaring enterprise (the exporter itself or its agent, 代理报检单位); the "
            "application's applicant_code/consignor_code must be it or a principal whose live authorisation "
            "(scope declare) it holds"
        },
    )
    application = fields.Nested(DeclarationBodySchema, required=True)


class IntakeReceiptSchema(Schema):
    code = fields.String()
    text_zh = fields.String()
    text_en = fields.String()
    created_at = fields.String()


class IntakeResultSchema(Schema):
    message_id = fields.String()
    declaration_id = fields.Integer()
    inspection_no = fields.String()
    status = fields.String()
    status_label_zh = fields.String()
    status_label_en = fields.String()
    receipts = fields.List(fields.Nested(IntakeReceiptSchema))


@blp.route("/intake/single-window/declarations")
class SingleWindowIntake(MethodView):
    @requires(Role.SYSTEM_CLIENT, assurance=Assurance.KEY)
    @blp.arguments(IntakeMessageSchema)
    @blp.response(201, IntakeResultSchema, headers={"Idempotent-Replayed": {"schema": {"type": "string"}}})
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, message):
        """Submit an application on an enterprise's behalf; a retry with the same message_id replays."""
        result, replayed = intake.receive_declaration(actor=g.actor, message=message)
        return result, 201, {"Idempotent-Replayed": "true" if replayed else "false"}
