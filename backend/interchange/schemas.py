"""Schemas of the interchange API: the outbox list (administrators), the receipts feed (system clients)."""

from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema
from backend.interchange.models import STATUSES

QUERY_ID = {"validate": validate.Range(min=1, max=2**62)}


class OutboxListArgsSchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    before_id = fields.Integer(**QUERY_ID)


class OutboxExportArgsSchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class OutboxRowSchema(Schema):
    id = fields.Integer()
    message_id = fields.String()
    declaration_id = fields.Integer()
    inspection_no = fields.String(allow_none=True)
    sequence = fields.Integer()
    receipt_code = fields.String()
    district_code = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    last_response_status = fields.Integer(allow_none=True)
    last_response_body = fields.String(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    parked_at = fields.DateTime(allow_none=True)


class OutboxPageSchema(Schema):
    items = fields.List(fields.Nested(OutboxRowSchema))
    next_before_id = fields.Integer(allow_none=True)


class SignatureSchema(Schema):
    key_id = fields.String()
    algorithm = fields.String()
    value = fields.String(
        metadata={"description": "base64url Ed25519 signature (docs/interchange/README.md)"}
    )


class ApplicationRefSchema(Schema):
    declaration_id = fields.Integer()
    sequence = fields.Integer(metadata={"description": "1, 2, 3… per application, in the order to apply"})
    intake_message_id = fields.String(allow_none=True)
    inspection_no = fields.String(allow_none=True)
    district_code = fields.String()
    enterprise_customs_code = fields.String()


class ReceiptBodySchema(Schema):
    code = fields.String()
    status = fields.String()
    text_zh = fields.String()
    text_en = fields.String()
    actor = fields.String()
    created_at = fields.String()


class ReceiptMessageSchema(Schema):
    """The JSON twin of docs/interchange/receipt.xsd."""

    message_id = fields.String(metadata={"description": "de-duplicate on this: the same on every attempt"})
    version = fields.String()
    application = fields.Nested(ApplicationRefSchema)
    receipt = fields.Nested(ReceiptBodySchema)
    signature = fields.Nested(SignatureSchema)


class OutboxDetailSchema(OutboxRowSchema):
    document = fields.Nested(ReceiptMessageSchema)


class FeedArgsSchema(StrictSchema):
    cursor = fields.Integer(
        validate=validate.Range(min=0, max=2**62),
        metadata={"description": "the `cursor` of the previous page; omit for the first"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class FeedPageSchema(Schema):
    items = fields.List(fields.Nested(ReceiptMessageSchema))
    cursor = fields.Integer(allow_none=True, metadata={"description": "pass it back to get what came after"})
    has_more = fields.Boolean()
