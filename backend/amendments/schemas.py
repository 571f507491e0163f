"""Request and response schemas of amend / replace / withdraw requests."""

from marshmallow import Schema, fields, validate

from backend.certificate_applications.schemas import (
    ATTACHMENT_IDS,
    ENTERPRISE_DOC,
    REASON,
    FormSchema,
    RuleResultSchema,
    certificate_no_of,
    enterprise_of,
)
from backend.core.schemas import StrictSchema

# Component names stay "Certificates…": they were published before amendments had their own package.
OPENAPI_PREFIX = "Certificates"


class AmendmentRequestSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(["amend", "replace", "withdraw"]))
    reason = fields.String(required=True, validate=REASON)
    attachment_ids = ATTACHMENT_IDS
    form = fields.Nested(
        FormSchema, load_default=None, metadata={"description": "amend: the full amended form"}
    )
    original_returned = fields.Boolean(
        load_default=False, metadata={"description": "the paper original was sent back"}
    )


class AmendmentDecisionSchema(StrictSchema):
    note = fields.String(required=True, validate=REASON)


class AmendmentApprovalSchema(StrictSchema):
    note = fields.String(
        load_default=None,
        validate=REASON,
        metadata={"description": "the officer's note, shown to the enterprise"},
    )


class AmendmentSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    kind = fields.String()
    status = fields.String()
    reason = fields.String()
    attachment_ids = fields.List(fields.Integer())
    changes = fields.Dict(allow_none=True)
    rule_results = fields.List(fields.Nested(RuleResultSchema), allow_none=True)
    original_returned = fields.Boolean()
    original_received_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    certificate_no = fields.Function(lambda a: certificate_no_of(a.certificate_id))
    new_certificate_no = fields.Function(lambda a: certificate_no_of(a.new_certificate_id))
    enterprise = fields.Function(lambda a: enterprise_of(a.enterprise_id), metadata=ENTERPRISE_DOC)
    created_at = fields.DateTime()
