from flask import url_for
from marshmallow import Schema, fields, post_load, validate

from backend.core.schemas import StrictSchema
from backend.media.processing import ACCEPTED_TYPES

SHA256 = validate.Regexp(r"^[0-9a-fA-F]{64}$", error="Must be 64 hexadecimal characters (SHA-256).")
CLIENT_ID = validate.Regexp(r"^[A-Za-z0-9._:-]{1,64}$", error="1–64 letters, digits or . _ : -")


class GpsSchema(StrictSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    alt = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(-1000, 10000), allow_nan=False
    )
    accuracy = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(0, 100000),
        allow_nan=False,
        metadata={"description": "metres, as the device reports it"},
    )


# EXIF time as the camera wrote it, in ISO 8601: local time, the zone offset only if recorded.
EXIF_TIME = validate.Regexp(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$",
    error="ISO 8601 local time, e.g. 2026-11-27T15:30:05 or 2026-11-27T15:30:05+08:00",
)


class ExifGpsSchema(StrictSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    alt = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(-1000, 10000), allow_nan=False
    )


class OriginalExifSchema(StrictSchema):
    """The camera's EXIF evidence as the phone read it from the original file, before re-encoding."""

    make = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    model = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    taken_at = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=40), EXIF_TIME],
        metadata={"description": "DateTimeOriginal (+ OffsetTimeOriginal when present)"},
    )
    gps = fields.Nested(ExifGpsSchema, load_default=None, allow_none=True)


class CreateUploadSchema(StrictSchema):
    client_id = fields.String(
        required=True,
        validate=CLIENT_ID,
        metadata={"description": "client-generated id; the same id returns the same upload"},
    )
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**40))
    sha256 = fields.String(required=True, validate=SHA256)
    content_type = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"enum": ACCEPTED_TYPES, "description": "declared type; the bytes decide at completion"},
    )
    filename = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    captured_at = fields.AwareDateTime(
        required=True,
        default_timezone=None,
        metadata={"description": "device clock when the photo was taken"},
    )
    device_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    gps = fields.Nested(GpsSchema, load_default=None, allow_none=True)
    original_sha256 = fields.String(
        load_default=None,
        allow_none=True,
        validate=SHA256,
        metadata={"description": "SHA-256 of the camera's own file, when the phone re-encoded it"},
    )
    exif = fields.Nested(
        OriginalExifSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "the camera's EXIF read on the phone (re-encoding drops it)"},
    )

    @post_load
    def lower_hash(self, data, **kwargs):
        data["sha256"] = data["sha256"].lower()
        if data["original_sha256"]:
            data["original_sha256"] = data["original_sha256"].lower()
        return data


class ChunkArgsSchema(StrictSchema):
    offset = fields.Integer(  # a query string: not strict, "0" is an integer here
        validate=validate.Range(min=0, max=2**40),
        metadata={"description": "where this chunk starts; or send Content-Range: bytes start-end/size"},
    )


class UploadSchema(Schema):
    id = fields.Integer()
    client_id = fields.String()
    status = fields.String(metadata={"description": "receiving | completed | rejected"})
    offset = fields.Integer(attribute="received", metadata={"description": "bytes the server holds"})
    size = fields.Integer()
    sha256 = fields.String()
    content_type = fields.String()
    filename = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "why a rejected upload was refused"})
    photo_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ExifSchema(Schema):
    captured_at = fields.String(
        allow_none=True,
        attribute="exif_captured_at",
        metadata={"description": "camera local time, ISO 8601 (offset only if recorded)"},
    )
    gps = fields.Dict(allow_none=True, attribute="exif_gps")
    make = fields.String(allow_none=True, attribute="exif_make")
    model = fields.String(allow_none=True, attribute="exif_model")
    orientation = fields.Integer(allow_none=True, attribute="exif_orientation")


class PhotoSchema(Schema):
    id = fields.Integer()
    sha256 = fields.String(metadata={"description": "SHA-256 of the untouched original"})
    size = fields.Integer()
    content_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    filename = fields.String(allow_none=True)
    client_id = fields.String()
    uploaded_by_id = fields.Integer()
    district_code = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)
    captured_at = fields.DateTime(allow_none=True, metadata={"description": "device clock"})
    received_at = fields.DateTime(metadata={"description": "server clock"})
    client_gps = fields.Dict(allow_none=True)
    exif = fields.Function(
        lambda photo: ExifSchema().dump(photo), metadata={"description": "read by the server from the bytes"}
    )
    original_sha256 = fields.String(
        allow_none=True, metadata={"description": "SHA-256 of the camera's own file (before re-encoding)"}
    )
    original_exif = fields.Dict(
        allow_none=True,
        metadata={"description": "the camera's EXIF as the phone read it: make, model, taken_at, gps"},
    )
    derivatives = fields.String(
        attribute="derivatives_status",
        metadata={
            "enum": ["pending", "ready", "failed"],
            "description": "the display and thumbnail copies: pending (being made after the upload was "
            "acknowledged; their links answer 404 media.derivative_pending), ready, or failed (the "
            "original stays the evidence)",
        },
    )
    derivatives_at = fields.DateTime(allow_none=True, metadata={"description": "when they became ready"})
    display_sha256 = fields.String(allow_none=True)
    display_width = fields.Integer(allow_none=True)
    display_height = fields.Integer(allow_none=True)
    thumbnail_sha256 = fields.String(allow_none=True)
    links = fields.Function(
        lambda photo: {
            variant: url_for("media.PhotoFile", photo_id=photo.id, variant=variant)
            for variant in ("original", "display", "thumbnail")
        }
    )
