"""REST for the Single Window's appointment requests (海关事务联系单), documented under appointments."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from backend.appointments import intake
from backend.appointments.schemas import BookArgsSchema
from backend.core.api import Blueprint
from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.declarations.intake_api import IntakeReceiptSchema

blp = Blueprint(
    "appointment_intake",
    __name__,
    url_prefix="/api/v1",
    description="单一窗口预约查检 Single Window appointment requests",
    doc_tag="appointments",
)


class AppointmentMessageSchema(BookArgsSchema):
    """A booking as the enterprise makes it, naming the application by its inspection number."""

    class Meta(BookArgsSchema.Meta):
        exclude = ("declaration_id",)

    message_id = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9._:-]{1,64}$"),
        metadata={"description": "the sender's unique message id; retries reuse it"},
    )
    enterprise_customs_code = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Z]{10}$"),
        metadata={"description": "the enterprise that declared the application (or its principal)"},
    )
    inspection_no = fields.String(
        required=True,
        validate=validate.Regexp(r"^[12]\d{2}[0-9A-Z]\d{11}$", error="15 characters: 检验检疫编号"),
    )


class AppointmentIntakeResultSchema(Schema):
    message_id = fields.String()
    appointment_id = fields.Integer()
    declaration_id = fields.Integer()
    inspection_no = fields.String()
    status = fields.String()
    receipts = fields.List(fields.Nested(IntakeReceiptSchema))


@blp.route("/intake/single-window/appointments")
class SingleWindowAppointments(MethodView):
    @requires(Role.SYSTEM_CLIENT, assurance=Assurance.KEY)
    @blp.arguments(AppointmentMessageSchema)
    @blp.response(
        201, AppointmentIntakeResultSchema, headers={"Idempotent-Replayed": {"schema": {"type": "string"}}}
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, message):
        """Book an inspection for an application on its enterprise's behalf; a retry with the same
        message_id replays. Later answers (confirmed, proposed, declined…) are the application's receipts."""
        result, replayed = intake.receive_appointment(actor=g.actor, message=message)
        return result, 201, {"Idempotent-Replayed": "true" if replayed else "false"}
