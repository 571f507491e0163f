"""Schemas of the e-record endpoints (clearance interface and customs void)."""

from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema

HS_CODE = validate.Regexp(r"^\d{4,10}$", error="4 to 10 digits")
CUSTOMS_CODE = validate.Regexp(r"^[0-9A-Z]{10}$", error="10 characters, digits or capital letters")


class ERecordSchema(Schema):
    e_record_no = fields.String()
    status = fields.String(metadata={"description": "normal | used | voided | expired"})
    declaration_id = fields.Integer()
    inspection_no = fields.String(attribute="declaration.inspection_no")
    goods_category = fields.String()
    issued_at = fields.DateTime()
    valid_until = fields.DateTime()
    used_at = fields.DateTime(allow_none=True)
    used_by_reference = fields.String(allow_none=True)
    voided_reason = fields.String(allow_none=True)
    version = fields.Integer()


class VerifyArgsSchema(StrictSchema):
    customs_code = fields.String(required=True, validate=CUSTOMS_CODE)
    hs_codes = fields.List(
        fields.String(validate=HS_CODE), required=True, validate=validate.Length(min=1, max=100)
    )


class ConsumeArgsSchema(VerifyArgsSchema):
    customs_declaration_no = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Za-z\-]{1,40}$"),
        metadata={"description": "报关单号; also the idempotency key of the consumption"},
    )


class ReasonSchema(Schema):
    code = fields.String()
    text_zh = fields.String()
    text_en = fields.String()


class ERecordVerificationSchema(Schema):
    e_record_no = fields.String(attribute="e_record.e_record_no")
    status = fields.String(attribute="e_record.status")
    valid_until = fields.DateTime(attribute="e_record.valid_until")
    usable = fields.Boolean()
    reasons = fields.List(fields.Nested(ReasonSchema))


class ConsumptionSchema(Schema):
    e_record = fields.Nested(ERecordSchema)
    replayed = fields.Boolean(
        metadata={"description": "true when this repeats an earlier, identical consumption"}
    )


class VoidArgsSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    expected_version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))
