from marshmallow import Schema, fields, validate

from backend.core.enums import Assurance, Role
from backend.core.schemas import StrictSchema


class PasswordLoginSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class PasswordChangeSchema(StrictSchema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)
    new_password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class RefreshSchema(StrictSchema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokenPairSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})
    assurance = fields.String(required=True, validate=validate.OneOf([a.value for a in Assurance]))


class EnterpriseBriefSchema(Schema):
    id = fields.Integer()
    customs_code = fields.String()
    name_zh = fields.String()
    name_en = fields.String(allow_none=True)


class MeSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    enterprise = fields.Nested(EnterpriseBriefSchema, allow_none=True)
    district_code = fields.String(allow_none=True)
    assurance = fields.String()
