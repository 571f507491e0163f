"""Request and response shapes of the catalogues, look-ups and the number checker."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema


class CatalogSchema(Schema):
    table = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    version = fields.Integer(allow_none=True)
    latest_version = fields.Integer(allow_none=True)
    effective_date = fields.Date(allow_none=True)
    row_count = fields.Integer()
    source = fields.String(metadata={"description": "official | national_extension"})


class ColumnSchema(Schema):
    name = fields.String()
    required = fields.Boolean()
    pattern = fields.String(allow_none=True)
    kind = fields.String()
    description_zh = fields.String()
    description_en = fields.String()


class LayoutSchema(Schema):
    table = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    columns = fields.List(fields.Nested(ColumnSchema))


class VersionSchema(Schema):
    table = fields.String(attribute="table_code")
    number = fields.Integer()
    effective_date = fields.Date()
    source = fields.String()
    file_name = fields.String(allow_none=True)
    row_count = fields.Integer()
    added = fields.Integer()
    changed = fields.Integer()
    retired = fields.Integer()
    applied_by = fields.Integer(allow_none=True)
    applied_at = fields.DateTime()


class ImportFormSchema(StrictSchema):
    effective_date = fields.Date(required=True)
    source = fields.String(
        load_default="official", validate=validate.OneOf(["official", "national_extension"])
    )


class ImportFileSchema(StrictSchema):
    file = Upload(
        load_default=None, metadata={"description": "required: CSV (UTF-8) or XLSX in the table's layout"}
    )


class ImportPreviewSchema(Schema):
    id = fields.Integer()
    table = fields.String(attribute="table_code")
    effective_date = fields.Date()
    source = fields.String()
    file_name = fields.String(allow_none=True)
    added = fields.Function(lambda obj: obj.diff["added"])
    changed = fields.Function(lambda obj: obj.diff["changed"])
    retired = fields.Function(lambda obj: obj.diff["retired"])
    counts = fields.Function(lambda obj: obj.diff["counts"])
    applied_version = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class LookupArgsSchema(StrictSchema):
    q = fields.String(load_default="", validate=validate.Length(max=100))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 50))
    on = fields.Date(
        load_default=None, metadata={"description": "the day whose version is searched (default today)"}
    )


class LookupSchema(Schema):
    items = fields.List(fields.Dict())


class NumberCheckSchema(Schema):
    number = fields.String()
    kind = fields.String(metadata={"description": "inspection_no | e_record_no | certificate_no | unknown"})
    year = fields.Integer()
    district_code = fields.String()
    district_name = fields.String(allow_none=True)
    serial = fields.Integer()
    channel = fields.String()
    inspection_no = fields.String()
    suffix = fields.String()
    certificate_type = fields.String()
    certificate_type_name = fields.String(allow_none=True)
    valid = fields.Boolean()
    checks = fields.List(fields.Dict())
    exists = fields.Boolean(allow_none=True, metadata={"description": "null: not yours to know"})
