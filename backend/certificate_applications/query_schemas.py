"""Schemas of the comprehensive query (综合查询)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.certificate_applications.schemas import TYPE_CODE
from backend.core.schemas import StrictSchema

# Component names stay "Certificates…": they were published before the query moved with applications.
OPENAPI_PREFIX = "Certificates"

STATUSES = ["issued", "replaced", "withdrawn", "draft", "submitted", "officer_review", "returned", "rejected"]


class QueryFilterSchema(StrictSchema):
    certificate_no = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{15}$"))
    e_record_no = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9A-Z]{15,18}$"))
    inspection_no = fields.String(
        load_default=None, validate=validate.Regexp(r"^[12][0-9]{2}[0-9A-Z][0-9]{11}$")
    )
    type_code = fields.String(load_default=None, validate=TYPE_CODE)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    issued_from = fields.Date(load_default=None)
    issued_to = fields.Date(load_default=None)
    consignee = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "part of the consignee's name, any case"},
    )

    @validates_schema
    def _range(self, data, **kwargs):
        if data.get("issued_from") and data.get("issued_to") and data["issued_to"] < data["issued_from"]:
            raise ValidationError("before issued_from", field_name="issued_to")


class QueryPageSchema(QueryFilterSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "next_cursor of the previous page"},
    )


class CertificateRowSchema(Schema):
    certificate_no = fields.String()
    type_code = fields.String()
    type_name = fields.String()
    status = fields.String()
    issued_at = fields.DateTime()
    e_record_no = fields.String(allow_none=True)
    inspection_no = fields.String(allow_none=True)
    consignee = fields.String(allow_none=True)
    delivery = fields.String(allow_none=True)
    superseded_by = fields.String(allow_none=True)


class CertificatePageSchema(Schema):
    items = fields.List(fields.Nested(CertificateRowSchema))
    next_cursor = fields.Integer(allow_none=True)


class ApplicationRowSchema(Schema):
    id = fields.Integer()
    type_code = fields.String()
    status = fields.String()
    e_record_no = fields.String()
    inspection_no = fields.String(allow_none=True)
    consignee = fields.String(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    delivery = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ApplicationPageSchema(Schema):
    items = fields.List(fields.Nested(ApplicationRowSchema))
    next_cursor = fields.Integer(allow_none=True)
