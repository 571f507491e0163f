"""Schemas of blank paper stock, printing, reprint requests and reconciliation."""

from marshmallow import Schema, fields, validate

from backend.certificate_applications.schemas import (
    ENTERPRISE_DOC,
    REASON,
    TYPE_CODE,
    certificate_no_of,
    enterprise_of,
)
from backend.core.schemas import StrictSchema

# Component names stay "Certificates…": they were published before blank stock had its own package.
OPENAPI_PREFIX = "Certificates"

SERIAL = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=9_999_999_999))


class StockRequestSchema(StrictSchema):
    type_code = fields.String(required=True, validate=TYPE_CODE)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5000))


class StockListArgsSchema(StrictSchema):
    status = fields.String(
        load_default=None, validate=validate.OneOf(["requested", "allocated", "received", "refused"])
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class StockReasonSchema(StrictSchema):
    reason = fields.String(required=True, validate=REASON)


class StockSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    enterprise_id = fields.Integer(allow_none=True)
    district_code = fields.String()
    type_code = fields.String()
    quantity = fields.Integer()
    status = fields.String()
    serial_first = fields.Integer(allow_none=True)
    serial_last = fields.Integer(allow_none=True)
    allocated_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    enterprise = fields.Function(lambda s: enterprise_of(s.enterprise_id), metadata=ENTERPRISE_DOC)
    created_at = fields.DateTime()


class SpoilSchema(StrictSchema):
    type_code = fields.String(required=True, validate=TYPE_CODE)
    serial = SERIAL
    reason = fields.String(required=True, validate=REASON)


class SheetSchema(Schema):
    type_code = fields.String()
    serial = fields.Integer()
    status = fields.String()
    spoiled_reason = fields.String(allow_none=True)
    spoiled_at = fields.DateTime(allow_none=True)


class PrintSchema(StrictSchema):
    serial = SERIAL
    reprint_request_id = fields.Integer(
        load_default=None,
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "an approved reprint request: needed for every original after the first"},
    )


class ReprintDecisionSchema(StrictSchema):
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class ReprintSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    certificate_id = fields.Integer()
    certificate_no = fields.Function(lambda r: certificate_no_of(r.certificate_id))
    reason = fields.String()
    status = fields.String()
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    enterprise = fields.Function(lambda r: enterprise_of(r.enterprise_id), metadata=ENTERPRISE_DOC)
    created_at = fields.DateTime()


class ReconciliationArgsSchema(StrictSchema):
    type_code = fields.String(required=True, validate=TYPE_CODE)
    enterprise_id = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "officers: whose stock; enterprises see their own"},
    )


class MismatchSchema(Schema):
    kind = fields.String()
    serial = fields.Integer(allow_none=True)
    certificate_no = fields.String(allow_none=True)


class ReconciliationSchema(Schema):
    enterprise_id = fields.Integer(metadata={"description": "an enterprise's stock (absent for the counter)"})
    customs_code = fields.String()
    district_code = fields.String(metadata={"description": "the district's counter stock (现场缮制)"})
    type_code = fields.String()
    allocated = fields.Integer()
    received = fields.Integer()
    consumed = fields.Integer()
    spoiled = fields.Integer()
    spoiled_after_print = fields.Integer()
    remaining = fields.Integer()
    not_yet_received = fields.Integer()
    certificates_issued = fields.Integer()
    prints = fields.Integer()
    mismatches = fields.List(fields.Nested(MismatchSchema))


class CounterReconciliationArgsSchema(StrictSchema):
    type_code = fields.String(required=True, validate=TYPE_CODE)


class CounterWorklistArgsSchema(StrictSchema):
    printed = fields.Boolean(
        load_default=False, metadata={"description": "false: waiting for the original; true: printed"}
    )
    type_code = fields.String(load_default=None, validate=TYPE_CODE)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=200))


class CounterItemSchema(Schema):
    certificate_no = fields.String()
    type_code = fields.String()
    consignee = fields.String(allow_none=True)
    e_record_no = fields.String(allow_none=True)
    issued_at = fields.DateTime()
    originals_printed = fields.Integer()
    enterprise = fields.Function(lambda r: enterprise_of(r["enterprise_id"]), metadata=ENTERPRISE_DOC)


class CounterSheetArgsSchema(StrictSchema):
    type_code = fields.String(required=True, validate=TYPE_CODE)
    status = fields.String(
        load_default="available", validate=validate.OneOf(["available", "printed", "spoiled"])
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=200))
