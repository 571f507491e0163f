"""Schemas of document review and risk rules."""

from marshmallow import Schema, fields, validate

from backend.core.schemas import PageArgsSchema, StrictSchema
from backend.declarations.e_records_schemas import ERecordSchema
from backend.instructions.catalog import INSPECTION_ITEMS
from backend.review.rule_conditions import format_conditions

VERSION = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
# A field of the application: `consignee_name_en`, `goods[0].hs_code`, `containers[1].numbers`.
FIELD_PATH = validate.Regexp(r"^[a-z][a-z0-9_]*(\[\d{1,4}\])?(\.[a-z][a-z0-9_]*(\[\d{1,4}\])?){0,3}$")


class QueueArgsSchema(PageArgsSchema):
    # A query string carries text: the core schema's strict Integer would refuse "?limit=3".
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    status = fields.String(validate=validate.OneOf(["accepted", "under_review"]))
    inspection_no = fields.String(validate=validate.Regexp(r"^[0-9A-Z]{1,15}$"))
    applicant_code = fields.String(validate=validate.Regexp(r"^[0-9A-Z]{10}$"))
    destination_country = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"))
    hs_prefix = fields.String(validate=validate.Regexp(r"^\d{2,10}$"))


class GoodsBriefSchema(Schema):
    line_no = fields.Integer()
    hs_code = fields.String(allow_none=True)
    ciq_code = fields.String(allow_none=True)
    name_zh = fields.String(allow_none=True)
    name_en = fields.String(allow_none=True)
    quantity = fields.Decimal(as_string=True, allow_none=True)
    quantity_unit = fields.String(allow_none=True)
    net_weight = fields.Decimal(as_string=True, allow_none=True)


class QueueItemSchema(Schema):
    id = fields.Integer()
    inspection_no = fields.String(allow_none=True)
    status = fields.String()
    version = fields.Integer()
    enterprise_id = fields.Integer()
    applicant_code = fields.String(allow_none=True)
    applicant_name = fields.String(allow_none=True)
    destination_country = fields.String(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    last_action_at = fields.DateTime()
    goods = fields.List(fields.Nested(GoodsBriefSchema))


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema))
    next_cursor = fields.String(allow_none=True)


class DecisionArgsSchema(StrictSchema):
    expected_version = VERSION


class FieldReasonSchema(StrictSchema):
    path = fields.String(required=True, validate=FIELD_PATH)
    reason_zh = fields.String(required=True, validate=validate.Length(min=1, max=500))
    reason_en = fields.String(validate=validate.Length(min=1, max=500))


class ReturnArgsSchema(StrictSchema):
    expected_version = VERSION
    field_reasons = fields.List(
        fields.Nested(FieldReasonSchema), required=True, validate=validate.Length(1, 100)
    )
    note_zh = fields.String(validate=validate.Length(min=1, max=500))
    note_en = fields.String(validate=validate.Length(min=1, max=500))


class RejectArgsSchema(StrictSchema):
    expected_version = VERSION
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class DeclarationStateSchema(Schema):
    id = fields.Integer()
    inspection_no = fields.String(allow_none=True)
    status = fields.String()
    version = fields.Integer()


class RuleHitSchema(Schema):
    id = fields.Integer()
    rule_id = fields.Integer()
    rule_version = fields.Integer()
    rule_name_zh = fields.String(attribute="rule.name_zh")
    rule_name_en = fields.String(attribute="rule.name_en", allow_none=True)
    declaration_version = fields.Integer()
    evaluated_at = fields.DateTime()
    reasons = fields.List(fields.Dict(), metadata={"description": "which condition matched which goods line"})
    draw_input = fields.String()
    draw_hex = fields.String()
    draw = fields.Decimal(as_string=True)
    sampling_rate = fields.Decimal(as_string=True)
    selected = fields.Boolean()
    inspection_items = fields.List(fields.String())
    instruction_id = fields.Integer(allow_none=True)


class ApproveResultSchema(Schema):
    declaration = fields.Nested(DeclarationStateSchema)
    outcome = fields.String(metadata={"description": "e_record_issued | inspection_notice"})
    e_record = fields.Nested(ERecordSchema, allow_none=True)
    instruction_id = fields.Integer(allow_none=True)
    rule_hits = fields.List(fields.Nested(RuleHitSchema))


_ITEM = validate.OneOf(sorted(INSPECTION_ITEMS))


class RiskRuleArgsSchema(StrictSchema):
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(allow_none=True, validate=validate.Length(max=200))
    hs_prefixes = fields.List(
        fields.String(validate=validate.Regexp(r"^\d{2,13}$")), validate=validate.Length(max=200)
    )
    destination_countries = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Z]{3}$")), validate=validate.Length(max=300)
    )
    credit_grades = fields.List(
        fields.String(validate=validate.OneOf(["advanced", "general", "dishonest"])),
        validate=validate.Length(max=3),
    )
    goods_categories = fields.List(
        fields.String(validate=validate.Length(min=1, max=20)), validate=validate.Length(max=20)
    )
    inspection_items = fields.List(
        fields.String(validate=_ITEM), required=True, validate=validate.Length(min=1, max=20)
    )
    # JSON number 0 … 1, stored with 4 places (a Decimal field would put "1.0000" into the OpenAPI maximum).
    sampling_rate = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=1))
    priority = fields.Integer(strict=True, validate=validate.Range(min=1, max=5))
    valid_from = fields.AwareDateTime(allow_none=True)
    valid_until = fields.AwareDateTime(allow_none=True)
    active = fields.Boolean()
    # The four condition lists as one line ("hs:4421 dest:USA"); replaces them when given.
    conditions = fields.String(validate=validate.Length(max=2000))


class RiskRuleUpdateSchema(RiskRuleArgsSchema):
    """Only the fields given change; expected_version is always required."""

    expected_version = VERSION

    def __init__(self, **kwargs):
        super().__init__(partial=("name_zh", "inspection_items", "sampling_rate"), **kwargs)


class RiskRulePreviewArgsSchema(StrictSchema):
    """A drafted rule: start from a saved one (rule_id) and/or give the conditions to try."""

    rule_id = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    last = fields.Integer(strict=True, load_default=50, validate=validate.Range(min=1, max=500))
    hs_prefixes = RiskRuleArgsSchema._declared_fields["hs_prefixes"]
    destination_countries = RiskRuleArgsSchema._declared_fields["destination_countries"]
    credit_grades = RiskRuleArgsSchema._declared_fields["credit_grades"]
    goods_categories = RiskRuleArgsSchema._declared_fields["goods_categories"]
    sampling_rate = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1))
    conditions = RiskRuleArgsSchema._declared_fields["conditions"]


class RulePreviewHitSchema(Schema):
    declaration_id = fields.Integer()
    inspection_no = fields.String()
    status = fields.String()
    accepted_at = fields.DateTime(allow_none=True)
    enterprise_name = fields.String()
    destination_country = fields.String(allow_none=True)
    reasons = fields.List(fields.Dict())
    selected = fields.Boolean()


class RulePreviewSchema(Schema):
    checked = fields.Integer()
    matched = fields.Integer()
    selected = fields.Integer()
    conditions = fields.String()
    hits = fields.List(fields.Nested(RulePreviewHitSchema))


class RiskRuleListArgsSchema(StrictSchema):
    active = fields.Boolean()


class DeactivateArgsSchema(StrictSchema):
    expected_version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))


class RiskRuleSchema(Schema):
    id = fields.Integer()
    district_code = fields.String()
    name_zh = fields.String()
    name_en = fields.String(allow_none=True)
    hs_prefixes = fields.List(fields.String())
    destination_countries = fields.List(fields.String())
    credit_grades = fields.List(fields.String())
    goods_categories = fields.List(fields.String())
    inspection_items = fields.List(fields.String())
    sampling_rate = fields.Decimal(as_string=True)
    priority = fields.Integer()
    valid_from = fields.DateTime(allow_none=True)
    valid_until = fields.DateTime(allow_none=True)
    active = fields.Boolean()
    conditions = fields.Function(format_conditions)
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
