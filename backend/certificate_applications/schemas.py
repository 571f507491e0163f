"""Request and response schemas of certificate applications, agent authorisations and attachments."""

from marshmallow import Schema, fields, validate

from backend.certificate_applications.intelligent_review import RULES, missing_fields
from backend.certificates.models import Certificate
from backend.core.schemas import StrictSchema
from backend.declarations.models import ERecord
from backend.extensions import db
from backend.identity.models import Enterprise

# Component names stay "Certificates…": they were published before applications had their own package.
OPENAPI_PREFIX = "Certificates"

TYPE_CODE = validate.OneOf(["11", "12", "13", "14", "15", "16", "17", "18", "19", "99"])
DELIVERY = validate.OneOf(["self_print", "counter"])
DECIMAL_TEXT = validate.Regexp(
    r"^[0-9]{1,15}(\.[0-9]{1,3})?$", error='a decimal number as a string, e.g. "12.5"'
)
REASON = validate.Length(min=1, max=500)


def _text(length: int, **kwargs):
    return fields.String(validate=validate.Length(max=length), **kwargs)


class PartySchema(StrictSchema):
    name_zh = _text(200, load_default=None)
    name_en = _text(200, load_default=None)
    address_zh = _text(300, load_default=None)
    address_en = _text(300, load_default=None)


class FormGoodsSchema(StrictSchema):
    hs_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4,10}$"))
    description_zh = _text(200, required=True)
    description_en = _text(200, load_default=None)
    quantity = fields.String(load_default=None, validate=DECIMAL_TEXT)
    quantity_unit = _text(10, load_default=None)
    net_weight = fields.String(
        load_default=None, validate=DECIMAL_TEXT, metadata={"description": "kilograms"}
    )
    packages = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=0, max=10**9))
    package_kind = _text(20, load_default=None)
    package_kind_zh = _text(20, load_default=None)
    origin_place = _text(100, load_default=None)
    scientific_name = _text(200, load_default=None)


class FormSchema(StrictSchema):
    """What the enterprise fills in; the type's own fields (treatment, additional declaration…) in
    `fields`.
    """

    consignee = fields.Nested(PartySchema, load_default=dict)
    destination_country = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Z]{3}$"))
    means_of_conveyance = _text(200, load_default=None)
    transport_mode = _text(2, load_default=None)
    port_of_departure = _text(100, load_default=None)
    port_of_destination = _text(100, load_default=None)
    marks = _text(1000, load_default=None)
    goods = fields.List(fields.Nested(FormGoodsSchema), load_default=list, validate=validate.Length(max=200))
    fields_ = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        values=fields.String(validate=validate.Length(max=2000)),
        data_key="fields",
        attribute="fields",
        load_default=dict,
    )
    remarks = _text(1000, load_default=None)


ATTACHMENT_IDS = fields.List(
    fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
    validate=validate.Length(max=50),
)


class CreateApplicationSchema(StrictSchema):
    e_record_no = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{15,18}$"))
    type_code = fields.String(required=True, validate=TYPE_CODE)
    delivery = fields.String(load_default="self_print", validate=DELIVERY)
    form = fields.Nested(FormSchema, load_default=dict)
    attachment_ids = ATTACHMENT_IDS


class UpdateApplicationSchema(StrictSchema):
    version = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1))
    delivery = fields.String(validate=DELIVERY)
    form = fields.Nested(FormSchema)
    attachment_ids = ATTACHMENT_IDS


class VersionSchema(StrictSchema):
    version = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1))


class DecisionSchema(VersionSchema):
    reason = fields.String(required=True, validate=REASON)


RULE_NAMES = tuple(rule.__name__ for rule in RULES)  # intelligent review's rules, in order


class QueueArgsSchema(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "the last id of the previous page (pages are oldest first by id)"},
    )
    type_code = fields.String(
        load_default=None,
        validate=TYPE_CODE,
        metadata={"description": "only applications of this certificate type"},
    )
    failed_rule = fields.String(
        load_default=None,
        validate=validate.OneOf(RULE_NAMES),
        metadata={"description": "only applications whose intelligent review failed this rule"},
    )


class ReceiptSchema(Schema):
    code = fields.String()
    status = fields.String()
    text_zh = fields.String()
    text_en = fields.String()
    detail = fields.Dict(allow_none=True)
    actor_label = fields.String()
    created_at = fields.DateTime()


class RuleResultSchema(Schema):
    rule = fields.String()
    passed = fields.Boolean()
    reason_zh = fields.String()
    reason_en = fields.String()


class ApplicantSchema(Schema):
    """The applying enterprise (申请企业)."""

    name_zh = fields.String()
    name_en = fields.String(allow_none=True)
    customs_code = fields.String()


def enterprise_of(enterprise_id: int | None) -> dict | None:
    """The enterprise's names and customs code for a request listing (the session caches each one)."""
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    return ApplicantSchema().dump(enterprise) if enterprise else None


ENTERPRISE_DOC = {"description": "the requesting enterprise: name_zh, name_en, customs_code"}


class ApplicationSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    status = fields.String()
    type_code = fields.String()
    delivery = fields.String()
    enterprise_id = fields.Integer()
    district_code = fields.String()
    e_record_no = fields.Function(lambda a: _e_record_no(a))
    form = fields.Dict()
    attachment_ids = fields.List(fields.Integer())
    rule_results = fields.List(fields.Nested(RuleResultSchema), allow_none=True)
    certificate_no = fields.Function(lambda a: _certificate_no(a))
    copied_from_id = fields.Integer(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    receipts = fields.List(fields.Nested(ReceiptSchema))
    applicant = fields.Nested(ApplicantSchema, attribute="enterprise")
    missing_fields = fields.Function(
        lambda a: _missing_fields(a),
        metadata={"description": "fields to complete before it can be issued (keys as in `form`)"},
    )


def _missing_fields(application) -> list[str]:
    return sorted(missing_fields(application.type_code, application.form or {}))


def _e_record_no(application) -> str:
    return db.session.get(ERecord, application.e_record_id).e_record_no


def _certificate_no(application) -> str | None:
    if application.certificate_id is None:
        return None
    return db.session.get(Certificate, application.certificate_id).certificate_no


class AttachmentArgsSchema(StrictSchema):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created_at = fields.DateTime()


class AgentAuthorisationArgsSchema(StrictSchema):
    agent_customs_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{10}$"))
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)


class AgentAuthorisationSchema(Schema):
    id = fields.Integer()
    consignor_enterprise_id = fields.Integer()
    agent_enterprise_id = fields.Integer()
    valid_from = fields.Date()
    valid_until = fields.Date()
    revoked_at = fields.DateTime(allow_none=True)


def certificate_no_of(certificate_id: int | None) -> str | None:
    return db.session.get(Certificate, certificate_id).certificate_no if certificate_id else None
