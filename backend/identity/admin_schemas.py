"""Schemas of the administration API: districts, enterprises, qualifications, users, client keys."""

import base64

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.core.enums import Role
from backend.core.schemas import StrictSchema
from backend.identity.keys_schemas import KEY_ID

CUSTOMS_CODE = validate.Regexp(
    r"^[0-9A-Z]{10}$",
    error="海关十位编码须为 10 位数字或大写字母 / customs_code must be exactly 10 digits or capital letters",
)
DISTRICT_CODE = validate.Regexp(r"^[0-9]{4}$", error="关区代码为 4 位数字 / a district code has 4 digits")
USERNAME = validate.Regexp(
    r"^[a-z0-9][a-z0-9._-]{2,79}$",
    error="3–80 lower-case letters, digits or . _ - (starting with a letter or digit)",
)
PASSWORD = validate.Length(min=10, max=256, error="密码长度须为 10–256 / a password has 10 to 256 characters")
CREDIT_GRADES = ["advanced", "general", "dishonest"]
ID = {"strict": True, "validate": validate.Range(min=1, max=2147483647)}
# Query strings carry text: their integers cannot be strict.
QUERY_ID = {"validate": validate.Range(min=1, max=2147483647)}


class ListArgsSchema(StrictSchema):
    """Query string: keyset pagination by id (pass the last id seen as after_id)."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    after_id = fields.Integer(**QUERY_ID)


class DistrictSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    parent_code = fields.String(allow_none=True)


class EnterpriseCreateSchema(StrictSchema):
    customs_code = fields.String(required=True, validate=CUSTOMS_CODE)
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    credit_grade = fields.String(load_default="general", validate=validate.OneOf(CREDIT_GRADES))
    district_code = fields.String(
        load_default=None, validate=DISTRICT_CODE, metadata={"description": "defaults to the administrator's"}
    )
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    contact_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    contact_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class EnterpriseUpdateSchema(StrictSchema):
    customs_code = fields.String(validate=CUSTOMS_CODE)
    name_zh = fields.String(validate=validate.Length(min=1, max=200))
    name_en = fields.String(allow_none=True, validate=validate.Length(max=200))
    credit_grade = fields.String(validate=validate.OneOf(CREDIT_GRADES))
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    contact_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    contact_phone = fields.String(allow_none=True, validate=validate.Length(max=40))


class EnterpriseSchema(Schema):
    id = fields.Integer()
    customs_code = fields.String()
    name_zh = fields.String()
    name_en = fields.String(allow_none=True)
    credit_grade = fields.String()
    district_code = fields.String()
    address = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class EnterpriseListArgsSchema(ListArgsSchema):
    customs_code = fields.String(validate=validate.Length(max=10))
    q = fields.String(validate=validate.Length(max=100))


class _ValidityMixin:
    @validates_schema
    def _until_after_from(self, data, **kwargs):
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            raise ValidationError("valid_until is before valid_from / 有效期止早于有效期起", "valid_until")


class QualificationCreateSchema(_ValidityMixin, StrictSchema):
    type_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    number = fields.String(required=True, validate=validate.Length(min=1, max=60))
    holder_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    valid_from = fields.Date(load_default=None, allow_none=True)
    valid_until = fields.Date(load_default=None, allow_none=True)


class QualificationUpdateSchema(_ValidityMixin, StrictSchema):
    number = fields.String(validate=validate.Length(min=1, max=60))
    holder_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)


class QualificationSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    type_code = fields.String()
    number = fields.String()
    holder_name = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)


class UserCreateSchema(StrictSchema):
    username = fields.String(required=True, validate=USERNAME)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    enterprise_id = fields.Integer(load_default=None, allow_none=True, **ID)
    district_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=DISTRICT_CODE,
        metadata={"description": "customs and system users; defaults to the administrator's district"},
    )
    password = fields.String(load_default=None, load_only=True, validate=PASSWORD)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class UserUpdateSchema(StrictSchema):
    display_name = fields.String(validate=validate.Length(min=1, max=120))
    email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))


class PasswordSetSchema(StrictSchema):
    password = fields.String(required=True, load_only=True, validate=PASSWORD)


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    enterprise_id = fields.Integer(allow_none=True)
    district_code = fields.String(allow_none=True)
    active = fields.Boolean()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    has_password = fields.Function(lambda user: user.password_hash is not None, metadata={"type": "boolean"})
    created_at = fields.DateTime()


class UserListArgsSchema(ListArgsSchema):
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    enterprise_id = fields.Integer(**QUERY_ID)
    active = fields.Boolean()
    q = fields.String(validate=validate.Length(max=100))


class ClientKeyCreateSchema(StrictSchema):
    user_id = fields.Integer(required=True, **ID)
    public_key = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "Ed25519 public key: PEM, or the 32 raw bytes in base64url"},
    )
    key_id = fields.String(
        load_default=None, validate=KEY_ID, metadata={"description": "generated if omitted"}
    )


class ClientKeySchema(Schema):
    id = fields.Integer()
    key_id = fields.String()
    user_id = fields.Integer()
    public_key = fields.Function(
        lambda key: base64.urlsafe_b64encode(key.public_key).rstrip(b"=").decode(),
        metadata={"type": "string", "description": "raw Ed25519 key, base64url"},
    )
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class ClientKeyListArgsSchema(ListArgsSchema):
    user_id = fields.Integer(**QUERY_ID)


class ExpiringArgsSchema(StrictSchema):
    days = fields.Integer(load_default=60, validate=validate.Range(min=0, max=3660))


class ExpiringQualificationSchema(Schema):
    qualification = fields.Nested(QualificationSchema)
    enterprise_id = fields.Integer()
    enterprise_name = fields.String()
    customs_code = fields.String()
    days_left = fields.Integer()


class UserExportArgsSchema(UserListArgsSchema):
    class Meta:
        exclude = ("limit", "after_id")


class EnterpriseExportArgsSchema(EnterpriseListArgsSchema):
    class Meta:
        exclude = ("limit", "after_id")
