"""Schemas of security-key (WebAuthn) and client-key (Ed25519) login."""

from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema

KEY_ID = validate.Regexp(r"^[A-Za-z0-9._:-]{3,64}$", error="3–64 letters, digits or . _ : -")


class WebAuthnOptionsSchema(Schema):
    options = fields.Dict(
        required=True,
        metadata={
            "description": "PublicKeyCredential options JSON (parseCreationOptionsFromJSON / "
            "parseRequestOptionsFromJSON)"
        },
    )
    expires_in = fields.Integer(required=True, metadata={"description": "seconds the challenge stays valid"})


ENROLMENT_CODE = fields.String(
    load_default=None,
    validate=validate.Length(max=40),
    metadata={
        "description": "一次性注册码: the administrator's one-time code; needed for the first key only"
    },
)


class SecurityKeyRegisterOptionsSchema(StrictSchema):
    enrolment_code = ENROLMENT_CODE


class SecurityKeyRegisterSchema(StrictSchema):
    enrolment_code = ENROLMENT_CODE
    credential = fields.Dict(
        required=True, metadata={"description": "PublicKeyCredential.toJSON() of create()"}
    )
    name = fields.String(load_default=None, validate=validate.Length(max=100))


class SecurityKeyLoginOptionsSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))


class SecurityKeyLoginSchema(StrictSchema):
    credential = fields.Dict(required=True, metadata={"description": "PublicKeyCredential.toJSON() of get()"})


class SecurityKeySchema(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    transports = fields.Method("_transports", metadata={"type": "array", "items": {"type": "string"}})
    sign_count = fields.Integer()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)

    def _transports(self, key):
        return [t for t in (key.transports or "").split(",") if t]


class KeyChallengeArgsSchema(StrictSchema):
    key_id = fields.String(required=True, validate=KEY_ID)
    audience = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "this server's PUBLIC_BASE_URL, e.g. https://chajian.example.cn"},
    )


class KeyChallengeSchema(Schema):
    key_id = fields.String(required=True)
    nonce = fields.String(required=True)
    audience = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class KeyLoginSchema(StrictSchema):
    key_id = fields.String(required=True, validate=KEY_ID)
    nonce = fields.String(required=True, validate=validate.Length(min=1, max=128))
    signature = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "base64url Ed25519 signature of the canonical message (see docs)"},
    )


class EnrolmentCodeSchema(Schema):
    user_id = fields.Integer()
    username = fields.String()
    code = fields.String(
        metadata={"description": "shown this once; give it to the person like an e-port card"}
    )
    expires_at = fields.DateTime()
