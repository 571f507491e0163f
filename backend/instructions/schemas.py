"""Instruction requests and responses."""

from marshmallow import Schema, fields, validate

from backend.core.models import utcnow
from backend.core.schemas import StrictSchema
from backend.instructions.catalog import INSPECTION_ITEMS
from backend.instructions.workflow import Status

_ID = validate.Range(min=1, max=2**31 - 1)
DEVICE_ID = validate.Regexp(r"^[A-Za-z0-9._:-]{4,64}$")
_STRING = {"type": "string"}  # documents the type of a computed (Function) field


class InstructionCreateSchema(StrictSchema):
    declaration_id = fields.Integer(required=True, strict=True, validate=_ID)
    item_codes = fields.List(
        fields.String(validate=validate.OneOf(list(INSPECTION_ITEMS))),
        required=True,
        validate=validate.Length(min=1, max=len(INSPECTION_ITEMS)),
    )
    note = fields.String(load_default=None, validate=validate.Length(max=500))
    priority = fields.Integer(load_default=3, strict=True, validate=validate.Range(min=1, max=5))
    deadline = fields.AwareDateTime(load_default=None)
    site_address = fields.String(load_default=None, validate=validate.Length(max=300))
    site_contact = fields.String(load_default=None, validate=validate.Length(max=120))
    inspector_id = fields.Integer(load_default=None, strict=True, validate=_ID)


class InstructionFilterSchema(StrictSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in Status]))
    inspector_id = fields.Integer(validate=_ID)


class InstructionQuerySchema(InstructionFilterSchema):
    before_id = fields.Integer(validate=_ID)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AssignSchema(StrictSchema):
    inspector_id = fields.Integer(required=True, strict=True, validate=_ID)
    expected_version = fields.Integer(load_default=None, strict=True, validate=_ID)


class TransitionSchema(StrictSchema):
    expected_version = fields.Integer(load_default=None, strict=True, validate=_ID)
    device_id = fields.String(load_default=None, validate=DEVICE_ID)


class CancelSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    then = fields.String(
        required=True,
        validate=validate.OneOf(["accepted", "released"]),
        metadata={
            "description": "what the application becomes: `accepted` (back to document review) or "
            "`released` (its e-record is issued without inspection)"
        },
    )
    expected_version = fields.Integer(load_default=None, strict=True, validate=_ID)


class LeaseSchema(StrictSchema):
    device_id = fields.String(required=True, validate=DEVICE_ID)
    take_over = fields.Boolean(load_default=False)


class LeaseQuerySchema(StrictSchema):
    # Checked after visibility, so a stranger's instruction answers 404 rather than 422.
    device_id = fields.String(load_default=None, validate=DEVICE_ID)


class LeaseOutSchema(Schema):
    instruction_id = fields.Integer()
    device_id = fields.String()
    expires_at = fields.DateTime()
    previous_device_id = fields.String(allow_none=True)


class InstructionItemSchema(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    code = fields.String()
    description_zh = fields.String()
    description_en = fields.String()
    evidence = fields.List(fields.String())


class InstructionLeaseViewSchema(Schema):
    """Which device of which inspector holds the instruction for offline work, and until when."""

    inspector_id = fields.Integer()
    inspector_name = fields.String(attribute="inspector.display_name")
    device_id = fields.String()
    acquired_at = fields.DateTime()
    expires_at = fields.DateTime()
    expired = fields.Method(
        "_expired", metadata={"type": "boolean", "description": "expires_at has passed (server time)"}
    )

    def _expired(self, lease) -> bool:
        return lease.expires_at <= utcnow()


class InspectorChoiceSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()
    open_count = fields.Integer(metadata={"description": "instructions assigned, accepted or in progress"})


class CandidateQuerySchema(StrictSchema):
    before_id = fields.Integer(validate=_ID)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class GoodsLineBriefSchema(Schema):
    line_no = fields.Integer()
    hs_code = fields.String()
    name_zh = fields.String()
    quantity = fields.Decimal(as_string=True, allow_none=True)
    quantity_unit = fields.String(allow_none=True)


class CandidateSchema(Schema):
    """An application an officer may issue an instruction for, with the items its goods call for."""

    declaration_id = fields.Integer(attribute="declaration.id")
    status = fields.String(attribute="declaration.status")
    inspection_no = fields.String(attribute="declaration.inspection_no", allow_none=True)
    consignor_name_zh = fields.String(attribute="declaration.consignor_name_zh", allow_none=True)
    storage_place = fields.String(attribute="declaration.storage_place", allow_none=True)
    accepted_at = fields.DateTime(attribute="declaration.accepted_at", allow_none=True)
    goods = fields.List(fields.Nested(GoodsLineBriefSchema), attribute="declaration.goods")
    suggested_items = fields.List(fields.String())


class InstructionSchema(Schema):
    id = fields.Integer()
    declaration_id = fields.Integer()
    enterprise_id = fields.Integer()
    district_code = fields.String()
    status = fields.String()
    version = fields.Integer()
    source = fields.String()
    reason = fields.Raw(allow_none=True)
    priority = fields.Integer()
    site_address = fields.String(allow_none=True)
    site_contact = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    inspector_id = fields.Integer(allow_none=True)
    inspector_name = fields.Function(
        lambda i: i.inspector.display_name if i.inspector else None, allow_none=True, metadata=_STRING
    )
    inspection_no = fields.Function(lambda i: i.declaration.inspection_no, allow_none=True, metadata=_STRING)
    enterprise_name = fields.Function(lambda i: i.enterprise.name_zh, metadata=_STRING)
    created_at = fields.DateTime()
    follows_instruction_id = fields.Integer(
        allow_none=True, metadata={"description": "the instruction this re-inspection follows (复检)"}
    )
    follow_up_ids = fields.Function(
        lambda i: [row.id for row in i.follow_ups],
        metadata={"type": "array", "items": {"type": "integer"}, "description": "its re-inspections"},
    )
    items = fields.List(fields.Nested(InstructionItemSchema))
    photos_pending = fields.Integer(
        dump_default=0,
        metadata={"description": "photos declared on site whose bytes have not arrived yet (待到照片)"},
    )
    lease = fields.Nested(
        InstructionLeaseViewSchema,
        allow_none=True,
        metadata={"description": "the device lease as stored, expired or not; null when none is held"},
    )


class TransitionOutSchema(Schema):
    instruction_id = fields.Integer()
    version = fields.Integer()
    instruction_status = fields.String()
    declaration_status = fields.String()
    e_record_no = fields.String(allow_none=True)
