"""Request and response schemas of the certificates API."""

from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema

DISTRICT = validate.Regexp(r"^[0-9]{4}$")


class KeyListArgsSchema(StrictSchema):
    district_code = fields.String(load_default=None, validate=DISTRICT)


class JwkSchema(Schema):
    kty = fields.String()
    crv = fields.String()
    x = fields.String()
    kid = fields.String()
    use = fields.String()
    alg = fields.String()


class JwkSetSchema(Schema):
    keys = fields.List(fields.Nested(JwkSchema))


class PublicKeySchema(Schema):
    key_id = fields.String()
    district_code = fields.String()
    district_name_zh = fields.String(allow_none=True)
    district_name_en = fields.String(allow_none=True)
    algorithm = fields.String()
    public_key = fields.String(metadata={"description": "raw 32-byte Ed25519 public key, base64url"})
    jwk = fields.Nested(JwkSchema, metadata={"description": "RFC 8037 OKP JWK"})
    status = fields.String(validate=validate.OneOf(["active", "retired"]))
    valid_from = fields.DateTime()
    valid_until = fields.DateTime(allow_none=True, metadata={"description": "when it stopped signing"})


class PublicKeyListSchema(Schema):
    keys = fields.List(fields.Nested(PublicKeySchema))


class RotateKeySchema(StrictSchema):
    district_code = fields.String(required=True, validate=DISTRICT)


class FieldSpecSchema(Schema):
    key = fields.String()
    label_zh = fields.String()
    label_en = fields.String()
    kind = fields.String()
    required = fields.Boolean()


class CertificateTypeSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    type_fields = fields.List(fields.Nested(FieldSpecSchema), attribute="fields", data_key="fields")
    layout = fields.Dict()
    languages = fields.List(fields.String())


class PdfArgsSchema(StrictSchema):
    variant = fields.String(
        load_default="copy", validate=validate.OneOf(["copy", "original", "duplicate_original"])
    )


class VerifyArgsSchema(StrictSchema):
    s = fields.String(
        load_default=None, validate=validate.Length(max=300),
        metadata={"description": "the signed payload from the QR code (C1.…)"},
    )


class VerifiedGoodsSchema(Schema):
    description_zh = fields.String(allow_none=True)
    description_en = fields.String(allow_none=True)
    quantity = fields.String(allow_none=True)
    quantity_unit = fields.String(allow_none=True)
    net_weight = fields.String(allow_none=True)
    weight_unit = fields.String(allow_none=True)


class CertificateFlagSchema(Schema):
    code = fields.String(metadata={"description": "e_record_voided"})
    text_zh = fields.String()
    text_en = fields.String()
    at = fields.DateTime()


class VerificationSchema(Schema):
    certificate_no = fields.String()
    status = fields.String(validate=validate.OneOf(["valid", "replaced", "withdrawn"]))
    status_reason = fields.String(
        allow_none=True, metadata={"description": "free text: null unless a valid QR payload `s` was given"}
    )
    superseded_by = fields.String(allow_none=True)
    flag = fields.Nested(
        CertificateFlagSchema,
        allow_none=True,
        metadata={"description": "a valid certificate in question: its e-record was voided after printing"},
    )
    type_code = fields.String()
    type_name_zh = fields.String()
    type_name_en = fields.String()
    district_code = fields.String()
    district_name_zh = fields.String(allow_none=True)
    district_name_en = fields.String(allow_none=True)
    issue_date = fields.String()
    issue_place_zh = fields.String(allow_none=True)
    details_shown = fields.Boolean(
        metadata={"description": "parties and goods are shown only with a valid QR payload `s`"}
    )
    consignor_zh = fields.String(allow_none=True)
    consignor_en = fields.String(allow_none=True)
    consignee_en = fields.String(allow_none=True)
    destination_country_zh = fields.String(allow_none=True)
    goods = fields.List(fields.Nested(VerifiedGoodsSchema))
    content_sha256 = fields.String()
    key_id = fields.String()
    key_status = fields.String()
    seal_valid = fields.Boolean()
    payload_valid = fields.Boolean(
        allow_none=True, metadata={"description": "null unless a QR payload `s` was given"}
    )


# The officers' and enterprises' lists of requests (blank paper, reprints, amendments): see listing.py.
class RequestListArgsSchema(StrictSchema):
    status = fields.String(
        load_default=None, validate=validate.OneOf(["requested", "approved", "rejected", "used"])
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
