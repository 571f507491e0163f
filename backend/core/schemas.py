"""Base schemas: strict, unknown fields refused, the error shape documented once."""

from marshmallow import RAISE, Schema, fields, validate


class StrictSchema(Schema):
    """Refuses unknown fields; use strict=True on Integer fields of JSON bodies."""

    class Meta:
        unknown = RAISE
        ordered = True


class ErrorSchema(Schema):
    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status phrase"})
    error = fields.String(metadata={"description": "stable dotted error code, e.g. auth.key_required"})
    message = fields.String(metadata={"description": "zh-CN or en by Accept-Language"})
    errors = fields.Dict(metadata={"description": "field path -> messages"})
    detail = fields.Raw(metadata={"description": "structured detail, e.g. both versions of a conflict"})


class PageArgsSchema(StrictSchema):
    """Keyset pagination: pass next_cursor from the previous page as cursor.

    A query-string schema: its values arrive as strings, so Integer must not be strict here; pass
    unknown=RAISE to @blp.arguments(..., location="query") (webargs ignores unknown query keys otherwise).
    Validators must raise (validate.Range, …): marshmallow 4 ignores one that merely returns False.
    """

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
