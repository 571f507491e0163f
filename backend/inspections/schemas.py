"""Bodies of inspection records (shared by the sync push and the REST API) and response shapes."""

import re

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from backend.core.schemas import StrictSchema
from backend.inspections.catalog import (
    CONCLUSIONS,
    DISPOSITION_OPTIONAL,
    DISPOSITIONS,
    ITEM_RESULTS,
    SAMPLE_UNITS,
)

# The bodies below are published to the phones as JSON Schema (backend/sync/rules.py): every rule is
# written so that a JSON Schema validator checks exactly what marshmallow checks. Patterns are
# anchored (marshmallow's Regexp matches from the start, JSON Schema searches) and use [0-9], not \d
# (Python's \d also takes other scripts' digits).
NOT_BLANK = r"^\s*\S"
# A sample quantity as text: positive, at most 1,000,000,000, at most three decimals (Numeric(14, 3)).
QUANTITY_TEXT = r"^(?=[0-9.]*[1-9])([0-9]{1,9}(\.[0-9]{1,3})?|1000000000(\.0{1,3})?)$"
# A measured value as text: digits, an optional sign and decimals; no exponent, no spaces.
MEASURE_TEXT = r"^-?[0-9]{1,18}(\.[0-9]{1,9})?$"
_TEXT = validate.Length(max=2000)

# marshmallow's English field messages, as "中文 / English" (the house's two-language message form);
# the phone shows the half of its language beside the field.
_MESSAGES = [
    (r"Missing data for required field\.", "必填", "required"),
    (r"Field may not be null\.", "不能为空", "may not be null"),
    (r"Unknown field\.", "不允许的字段", "unknown field"),
    (r"Not a valid string\.", "须为文字", "must be text"),
    (r"Not a valid integer\.", "须为整数", "must be a whole number"),
    (r"Not a valid (number|decimal)\.", "须为数字", "must be a number"),
    (r"Not a valid list\.", "须为列表", "must be a list"),
    (r"Not a valid mapping type\.|Invalid input type\.", "须为对象", "must be an object"),
    (r"Must be one of: (?P<choices>.*)\.", "须为以下之一：{choices}", "must be one of: {choices}"),
    (r"Must be equal to (?P<other>.*)\.", "须为 {other}", "must be {other}"),
    (r"Longer than maximum length (?P<max>\d+)\.", "最多 {max} 个", "at most {max}"),
    (r"Shorter than minimum length (?P<min>\d+)\.", "至少 {min} 个", "at least {min}"),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "{min}–{max} 个", "{min}–{max} long"),
    (r"String does not match expected pattern\.", "格式不对或为空", "wrong format, or blank"),
    (r"Not a valid datetime\.", "须为带时区的时间", "must be a time with its offset"),
]
_MESSAGES = [(re.compile(pattern), zh, en) for pattern, zh, en in _MESSAGES]
_RANGE = re.compile(r"Must be (greater than|less than)")


def bilingual(message: str) -> str:
    """A marshmallow message as "中文 / English" (messages already in two languages pass through)."""
    if " / " in message:
        return message
    for pattern, zh, en in _MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            return f"{zh.format(**found.groupdict())} / {en.format(**found.groupdict())}"
    if _RANGE.match(message):
        bounds = message.removeprefix("Must be ").rstrip(".")
        zh = bounds.replace("greater than or equal to", "≥").replace("less than or equal to", "≤")
        zh = zh.replace("greater than", ">").replace("less than", "<").replace(" and ", "，")
        return f"须 {zh} / must be {bounds}"
    return f"不符合规则 / {message}"


def _translated(messages):
    if isinstance(messages, dict):
        return {key: _translated(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_translated(value) for value in messages]
    return bilingual(messages) if isinstance(messages, str) else messages


class BodySchema(StrictSchema):
    """An operation body: refused fields come back with "中文 / English" messages."""

    def handle_error(self, error, data, *, many, **kwargs):
        raise ValidationError(_translated(error.normalized_messages()), data=data)


class JsonNumber(fields.Float):
    """A JSON number: text such as "24" is refused, as a JSON Schema `number` refuses it."""

    loads_unchanged = float  # a float is deserialised as Float does (backend/core/schemas.py)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class DecimalText(fields.Decimal):
    """A decimal sent as a JSON number or as text matching `pattern` (published as `anyOf`)."""

    def __init__(self, *, pattern: str, **kwargs):
        super().__init__(as_string=True, allow_nan=False, **kwargs)
        self.pattern = pattern

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.make_error("invalid")
        if isinstance(value, str) and not re.match(self.pattern, value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class FullMatch(validate.Regexp):
    """A pattern the whole text must match (Python's `$` also matches before a final newline)."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# RFC 3339 with its offset: what JSON Schema's "date-time" means (Python's parser alone takes more).
RFC3339 = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,6})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
SHA256_HEX = r"^[0-9a-f]{64}$"
# EXIF time as the camera wrote it: local time, the offset only if recorded (as media's EXIF_TIME).
EXIF_TIME_TEXT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)


class Rfc3339Time(fields.AwareDateTime):
    """An ISO 8601 time with its offset, in RFC 3339's form (published as format date-time + pattern)."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": RFC3339, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.match(RFC3339, value):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return super()._deserialize(value, attr, data, **kwargs)


class EmptyBody(BodySchema):
    """The body of a step of the instruction (accept, start, complete): nothing."""


class MeasurementSchema(BodySchema):
    value = DecimalText(required=True, pattern=MEASURE_TEXT, places=None)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))


class ItemResultBody(BodySchema):
    result = fields.String(required=True, validate=validate.OneOf(list(ITEM_RESULTS)))
    notes = fields.String(load_default="", validate=_TEXT)
    measurements = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        values=fields.Nested(MeasurementSchema),
        load_default=dict,
        validate=validate.Length(max=30),
    )


class SampleBody(BodySchema):
    sample_no = fields.String(required=True, validate=validate.Length(min=1, max=40))
    quantity = DecimalText(
        required=True,
        pattern=QUANTITY_TEXT,
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


class PhotoBody(BodySchema):
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    caption = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class DeclaredGpsSchema(BodySchema):
    """Where the phone was when the photo was taken (as the upload's gps, with JSON numbers)."""

    lat = JsonNumber(required=True, validate=validate.Range(min=-90, max=90), allow_nan=False)
    lon = JsonNumber(required=True, validate=validate.Range(min=-180, max=180), allow_nan=False)
    alt = JsonNumber(
        load_default=None, allow_none=True, validate=validate.Range(min=-1000, max=10000), allow_nan=False
    )
    accuracy = JsonNumber(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=100000),
        allow_nan=False,
        metadata={"description": "metres, as the device reports it"},
    )


class DeclaredExifGpsSchema(BodySchema):
    lat = JsonNumber(required=True, validate=validate.Range(min=-90, max=90), allow_nan=False)
    lon = JsonNumber(required=True, validate=validate.Range(min=-180, max=180), allow_nan=False)
    alt = JsonNumber(
        load_default=None, allow_none=True, validate=validate.Range(min=-1000, max=10000), allow_nan=False
    )


class DeclaredExifSchema(BodySchema):
    """The camera's EXIF evidence read on the phone (as the upload's exif: media.OriginalExifSchema)."""

    make = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    model = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    taken_at = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=40), FullMatch(EXIF_TIME_TEXT)],
        metadata={"description": "DateTimeOriginal (+ OffsetTimeOriginal when present), ISO 8601"},
    )
    gps = fields.Nested(DeclaredExifGpsSchema, load_default=None, allow_none=True)


class PhotoDeclareBody(BodySchema):
    """A photo taken on site, announced ahead of its bytes (sync op photo.declare)."""

    sha256 = fields.String(
        required=True,
        validate=FullMatch(SHA256_HEX),
        metadata={"description": "SHA-256 of the bytes that will be uploaded"},
    )
    original_sha256 = fields.String(
        load_default=None,
        allow_none=True,
        validate=FullMatch(SHA256_HEX),
        metadata={"description": "SHA-256 of the camera's own file, before the phone re-encoded it"},
    )
    captured_at = Rfc3339Time(required=True, metadata={"description": "device clock"})
    gps = fields.Nested(DeclaredGpsSchema, load_default=None, allow_none=True)
    exif = fields.Nested(DeclaredExifSchema, load_default=None, allow_none=True)
    caption = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class ConclusionBody(BodySchema):
    conclusion = fields.String(required=True, validate=validate.OneOf(list(CONCLUSIONS)))
    notes = fields.String(load_default="", validate=_TEXT)


def _disposition_field(name: str) -> fields.Field:
    if name == "duration_hours":
        return JsonNumber(required=True, validate=validate.Range(min=0, min_inclusive=False, max=720))
    return fields.String(
        required=True, validate=[validate.Length(min=1, max=300), validate.Regexp(NOT_BLANK)]
    )


def _disposition_schema(kind: str, required: list[str]) -> type[BodySchema]:
    declared = {
        "kind": fields.String(required=True, validate=validate.Equal(kind)),
        **{name: _disposition_field(name) for name in required},
        **{name: fields.String(validate=_TEXT) for name in DISPOSITION_OPTIONAL},
    }
    name = "Disposition" + kind.title().replace("_", "") + "Body"
    return type(name, (BodySchema,), {**declared, "__doc__": f"A disposition of kind {kind}."})


# kind -> the body of that kind: its own required fields (catalog.DISPOSITIONS) and the optional ones.
DISPOSITION_KINDS: dict[str, type[BodySchema]] = {
    kind: _disposition_schema(kind, required) for kind, (_, _, required) in DISPOSITIONS.items()
}


class DispositionBody(BodySchema):
    """kind plus exactly the fields the kind requires (and the optional ones): DISPOSITION_KINDS[kind]."""

    kind = fields.String(required=True, validate=validate.OneOf(list(DISPOSITIONS)))

    class Meta(BodySchema.Meta):
        unknown = INCLUDE  # the fields depend on the kind: checked by the kind's own schema

    def load(self, data, **kwargs):
        kind = data.get("kind") if isinstance(data, dict) else None
        if isinstance(kind, str) and kind in DISPOSITION_KINDS:
            return _kind_schema(kind).load(data, **kwargs)
        return super().load(data, **kwargs)


_KIND_SCHEMAS: dict[str, Schema] = {}


def _kind_schema(kind: str) -> Schema:
    return _KIND_SCHEMAS.get(kind) or _KIND_SCHEMAS.setdefault(kind, DISPOSITION_KINDS[kind]())


class SignatureBody(BodySchema):
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
