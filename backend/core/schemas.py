"""Base schemas: strict, unknown fields refused, the error shape documented once."""

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class StrictSchema(Schema):
    """Refuses unknown fields and NUL characters; use strict=True on Integer fields of JSON bodies."""

    class Meta:
        unknown = RAISE
        ordered = True

    @pre_load
    def _refuse_nul_characters(self, data, **kwargs):
        # PostgreSQL text cannot hold U+0000 (a 500 otherwise); no legitimate input contains it.
        if hasattr(data, "items"):
            bad = sorted(key for key, value in data.items() if _has_nul(value))
            if bad:
                message = "不能包含 NUL 字符 / must not contain NUL (U+0000)"
                raise ValidationError({key: [message] for key in bad})
        return data


class ErrorSchema(Schema):
    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status phrase"})
    error = fields.String(metadata={"description": "stable dotted error code, e.g. auth.key_required"})
    message = fields.String(metadata={"description": "zh-CN or en by Accept-Language"})
    errors = fields.Dict(metadata={"description": "field path -> messages"})
    detail = fields.Raw(metadata={"description": "structured detail, e.g. both versions of a conflict"})


class PageArgsSchema(StrictSchema):
    """Keyset pagination: pass next_cursor from the previous page as cursor.

    A query-string schema: its values arrive as strings, so Integer must not be strict here. Unknown
    query keys are refused (backend/core/api.py makes the parser follow the schema's `unknown`).
    Validators must raise (validate.Range, …): marshmallow 4 ignores one that merely returns False.
    """

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
