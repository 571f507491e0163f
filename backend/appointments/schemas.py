"""Schemas of appointments."""

from marshmallow import Schema, fields, validate

from backend.appointments.catalog import SLOTS
from backend.core.schemas import StrictSchema

ID = validate.Range(min=1, max=2**31 - 1)
SLOT = fields.String(validate=validate.OneOf(sorted(SLOTS)))
VERSION = fields.Integer(required=True, strict=True, validate=ID)


class BookArgsSchema(StrictSchema):
    declaration_id = fields.Integer(required=True, strict=True, validate=ID)
    date = fields.Date(required=True)
    slot = fields.String(required=True, validate=validate.OneOf(sorted(SLOTS)))
    site_address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    contact_phone = fields.String(required=True, validate=validate.Regexp(r"^[0-9+\-() ]{5,40}$"))
    note = fields.String(validate=validate.Length(max=1000))


class ListArgsSchema(StrictSchema):
    status = fields.String(
        validate=validate.OneOf(["requested", "proposed", "confirmed", "declined", "cancelled"])
    )
    declaration_id = fields.Integer(validate=ID)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    before_id = fields.Integer(validate=ID)


class ConfirmArgsSchema(StrictSchema):
    expected_version = VERSION
    inspector_id = fields.Integer(required=True, strict=True, validate=ID)
    date = fields.Date()
    slot = SLOT


class ProposeArgsSchema(StrictSchema):
    expected_version = VERSION
    inspector_id = fields.Integer(required=True, strict=True, validate=ID)
    date = fields.Date(required=True)
    slot = fields.String(required=True, validate=validate.OneOf(sorted(SLOTS)))
    note = fields.String(validate=validate.Length(max=1000))


class VersionArgsSchema(StrictSchema):
    expected_version = VERSION


class ReasonArgsSchema(StrictSchema):
    expected_version = VERSION
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class AppointmentSchema(Schema):
    id = fields.Integer()
    declaration_id = fields.Integer()
    enterprise_id = fields.Integer()
    district_code = fields.String()
    status = fields.String()
    version = fields.Integer()
    requested_date = fields.Date()
    requested_slot = fields.String()
    site_address = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    note = fields.String(allow_none=True)
    proposed_date = fields.Date(allow_none=True)
    proposed_slot = fields.String(allow_none=True)
    proposed_inspector_id = fields.Integer(allow_none=True)
    proposal_note = fields.String(allow_none=True)
    confirmed_date = fields.Date(allow_none=True)
    confirmed_slot = fields.String(allow_none=True)
    inspector_id = fields.Integer(allow_none=True)
    instruction_id = fields.Integer(
        allow_none=True, metadata={"description": "the instruction the confirmed booking is for"}
    )
    inspection_no = fields.Function(
        lambda a: a.declaration.inspection_no, allow_none=True, metadata={"type": "string"}
    )
    decline_reason = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    cancelled_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SlotSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    start = fields.String()
    end = fields.String()
