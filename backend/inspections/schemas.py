"""Bodies of inspection records (shared by the sync push and the REST API) and response shapes."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.core.schemas import StrictSchema
from backend.inspections.catalog import (
    CONCLUSIONS,
    DISPOSITION_OPTIONAL,
    DISPOSITIONS,
    ITEM_RESULTS,
    SAMPLE_UNITS,
)
from backend.media.schemas import GpsSchema, OriginalExifSchema

_TEXT = validate.Length(max=2000)


class MeasurementSchema(StrictSchema):
    value = fields.Decimal(required=True, as_string=True, allow_nan=False, places=None)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))


class ItemResultBody(StrictSchema):
    result = fields.String(required=True, validate=validate.OneOf(list(ITEM_RESULTS)))
    notes = fields.String(load_default="", validate=_TEXT)
    measurements = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        values=fields.Nested(MeasurementSchema),
        load_default=dict,
        validate=validate.Length(max=30),
    )


class SampleBody(StrictSchema):
    sample_no = fields.String(required=True, validate=validate.Length(min=1, max=40))
    quantity = fields.Decimal(
        required=True,
        as_string=True,
        allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, max=10**9),
    )
    unit = fields.String(required=True, validate=validate.OneOf(list(SAMPLE_UNITS)))
    laboratory = fields.String(required=True, validate=validate.Length(min=1, max=200))
    tests = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        required=True,
        validate=validate.Length(min=1, max=30),
    )
    item_id = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1)
    )


class PhotoBody(StrictSchema):
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    caption = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class PhotoDeclareBody(StrictSchema):
    """A photo taken on site, announced ahead of its bytes (sync op photo.declare)."""

    sha256 = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9a-f]{64}$"),
        metadata={"description": "SHA-256 of the bytes that will be uploaded"},
    )
    original_sha256 = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[0-9a-f]{64}$"),
        metadata={"description": "SHA-256 of the camera's own file, before the phone re-encoded it"},
    )
    captured_at = fields.AwareDateTime(required=True, metadata={"description": "device clock"})
    gps = fields.Nested(GpsSchema, load_default=None, allow_none=True)
    exif = fields.Nested(OriginalExifSchema, load_default=None, allow_none=True)
    caption = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class ConclusionBody(StrictSchema):
    conclusion = fields.String(required=True, validate=validate.OneOf(list(CONCLUSIONS)))
    notes = fields.String(load_default="", validate=_TEXT)


class DispositionBody(Schema):
    """kind plus exactly the fields the kind requires (and the optional ones)."""

    kind = fields.String(required=True, validate=validate.OneOf(list(DISPOSITIONS)))

    class Meta:
        unknown = "include"

    @validates_schema
    def _fields_of_kind(self, data, **_):
        kind = data.get("kind")
        if kind not in DISPOSITIONS:
            return
        required = DISPOSITIONS[kind][2]
        errors = {}
        for name in required:
            value = data.get(name)
            if name == "duration_hours":
                if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 720:
                    errors[name] = ["a number of hours between 0 and 720"]
            elif not isinstance(value, str) or not value.strip() or len(value) > 300:
                errors[name] = ["required, 1–300 characters"]
        for name in set(data) - set(required) - set(DISPOSITION_OPTIONAL) - {"kind"}:
            errors[name] = ["Unknown field."]
        for name in set(data) & set(DISPOSITION_OPTIONAL):
            if not isinstance(data[name], str) or len(data[name]) > 2000:
                errors[name] = ["text up to 2000 characters"]
        if errors:
            raise ValidationError(errors)


class SignatureBody(StrictSchema):
    png_base64 = fields.String(required=True, validate=validate.Length(min=8, max=400_000))


class ItemResultEditSchema(ItemResultBody):
    """An officer's correction at the desk, based on the version they saw."""

    base_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=2**31 - 1))


class VersionArgsSchema(StrictSchema):
    expected_version = fields.Integer(
        strict=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1)
    )
    device_id = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Za-z0-9._:-]{4,64}$"))


class ReinspectionSchema(StrictSchema):
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class ItemResultOutSchema(Schema):
    item_id = fields.Integer()
    version = fields.Integer()
    result = fields.String()
    notes = fields.String(allow_none=True)
    measurements = fields.Raw()
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class InspectionOutSchema(Schema):
    instruction_id = fields.Integer()
    instruction_status = fields.String()
    conclusion = fields.String(allow_none=True)
    conclusion_version = fields.Integer()
    disposition = fields.Raw(allow_none=True)
    disposition_version = fields.Integer()
    signature_sha256 = fields.String(allow_none=True)
    signature_version = fields.Integer()
    completed_at = fields.DateTime(allow_none=True)
    item_results = fields.List(fields.Nested(ItemResultOutSchema))
    samples = fields.List(fields.Raw())
    photos = fields.List(fields.Raw())
    photos_pending = fields.Integer(metadata={"description": "photos declared on site, not yet arrived"})


class CompletionOutSchema(Schema):
    instruction_id = fields.Integer()
    instruction_status = fields.String()
    version = fields.Integer()
    declaration_status = fields.String()
    e_record_no = fields.String(allow_none=True)


class ReinspectionOutSchema(Schema):
    instruction_id = fields.Integer()
    status = fields.String()
    declaration_status = fields.String()
