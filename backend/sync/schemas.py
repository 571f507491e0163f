"""The push batch envelope and the pull query (docs/sync.md); bodies are checked per type by inspections.

OPERATION_TARGETS and OPERATION_BODIES are the registry of operation types: a new type joins with one
line in each (and its handler in service.HANDLERS); backend/sync/rules.py publishes them as JSON Schema.
"""

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from backend.core.schemas import CleanedText, StrictSchema, load_cleaned
from backend.inspections.schemas import (
    ConclusionBody,
    DispositionBody,
    EmptyBody,
    ItemResultBody,
    JsonNumber,
    PhotoBody,
    PhotoDeclareBody,
    Rfc3339Time,
    SampleBody,
    SignatureBody,
)

DEVICE_ID = validate.Regexp(r"^[A-Za-z0-9._:-]{4,64}$")
UUID = validate.Regexp(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_ID = validate.Range(min=1, max=2**31 - 1)

# type -> the target keys it needs besides instruction_id
OPERATION_TARGETS = {
    "instruction.accept": (),
    "instruction.start": (),
    "instruction.complete": (),
    "item_result.set": ("item_id",),
    "sample.add": ("sample_id",),
    "photo.declare": ("client_photo_id",),
    "photo.attach": ("photo_id",),
    "conclusion.set": (),
    "disposition.set": (),
    "signature.set": (),
}
# type -> the schema of its body (inspections/schemas.py), checked before the operation applies
OPERATION_BODIES: dict[str, type[Schema]] = {
    "instruction.accept": EmptyBody,
    "instruction.start": EmptyBody,
    "instruction.complete": EmptyBody,
    "item_result.set": ItemResultBody,
    "sample.add": SampleBody,
    "photo.declare": PhotoDeclareBody,
    "photo.attach": PhotoBody,
    "conclusion.set": ConclusionBody,
    "disposition.set": DispositionBody,
    "signature.set": SignatureBody,
}
CREATES = {"sample.add", "photo.declare", "photo.attach"}
MAX_BATCH = 10_000


class PullArgsSchema(StrictSchema):
    device_id = fields.String(required=True, validate=DEVICE_ID)
    cursor = fields.Integer(load_default=0, strict=False, validate=validate.Range(min=0, max=2**62))
    limit = fields.Integer(load_default=50, strict=False, validate=validate.Range(min=1, max=200))
    catalog_version = fields.String(load_default=None, validate=validate.Length(max=64))


class _EnvelopePart(StrictSchema):
    """A part of the push envelope, loaded only inside PushSchema, whose own pre-load already cleaned
    the text of the whole envelope with the same field names (so the same rules): not walked again."""

    @pre_load
    def _clean_text(self, data, **kwargs):
        return data


class TargetSchema(_EnvelopePart):
    instruction_id = fields.Integer(required=True, strict=True, validate=_ID)
    item_id = fields.Integer(strict=True, validate=_ID)
    sample_id = fields.String(validate=UUID)
    photo_id = fields.Integer(strict=True, validate=_ID)
    client_photo_id = fields.String(validate=UUID)  # the phone's photo id (its upload's client_id)


RecordedAt = Rfc3339Time  # the operation's recorded_at


class LocationSchema(_EnvelopePart):
    lat = JsonNumber(required=True, validate=validate.Range(min=-90, max=90), allow_nan=False)
    lon = JsonNumber(required=True, validate=validate.Range(min=-180, max=180), allow_nan=False)
    accuracy_m = JsonNumber(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000))


class _OperationFields(_EnvelopePart):
    """An operation's fields (OperationSchema without its checks across fields, for load_cleaned)."""

    op_id = fields.String(required=True, validate=UUID)
    type = fields.String(required=True, validate=validate.OneOf(list(OPERATION_TARGETS)))
    target = fields.Nested(TargetSchema, required=True)
    base_version = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=0, max=2**31 - 1)
    )
    recorded_at = RecordedAt(required=True)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    body = fields.Dict(required=True)


class OperationSchema(_OperationFields):
    @post_load
    def _body_cleaned(self, data, **_):
        data["body"] = CleanedText(data["body"])  # by PushSchema's pre-load: its handler's schema skips it
        return data

    @validates_schema
    def _target_fits_type(self, data, **_):
        kind, target = data.get("type"), data.get("target") or {}
        if kind not in OPERATION_TARGETS:
            return
        missing = [key for key in OPERATION_TARGETS[kind] if key not in target]
        if missing:
            raise ValidationError({key: ["required for this type"] for key in missing}, "target")
        if kind in CREATES and data.get("base_version") is not None:
            raise ValidationError("must be null for an operation that creates", "base_version")
        if kind not in CREATES and data.get("base_version") is None:
            raise ValidationError("required: the version this change is based on", "base_version")


class _Operations(fields.List):
    """The batch's operations, each loaded field by field (load_cleaned: the envelope's pre-load cleaned
    their text) with OperationSchema's own checks; when any is not accepted that way, the whole list
    is loaded by marshmallow, whose verdicts and messages are the answer. Either way, the same result."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            schema = self.inner.schema
            try:
                return [_operation(schema, op) for op in value]
            except ValidationError:
                pass
        return super()._deserialize(value, attr, data, **kwargs)


def _operation(schema: OperationSchema, op) -> dict:
    loaded = load_cleaned(_OPERATION_FIELDS, op)
    schema._target_fits_type(loaded)
    return schema._body_cleaned(loaded)


_OPERATION_FIELDS = _OperationFields()


class PushSchema(StrictSchema):
    device_id = fields.String(required=True, validate=DEVICE_ID)
    operations = _Operations(
        fields.Nested(OperationSchema), required=True, validate=validate.Length(min=1, max=MAX_BATCH)
    )


class PushResultSchema(Schema):
    results = fields.List(fields.Raw())


class PullResultSchema(Schema):
    cursor = fields.Integer()
    next_cursor = fields.Integer()
    has_more = fields.Boolean()
    server_time = fields.String(metadata={"description": "ISO 8601"})
    catalog_version = fields.String()
    catalogs = fields.Raw(allow_none=True)
    changes = fields.List(fields.Raw())


class OperationSchemasSchema(Schema):
    catalog_version = fields.String()
    operation_schemas = fields.Dict(
        keys=fields.String(), values=fields.Raw(), metadata={"description": "op type -> JSON Schema"}
    )
