"""Schemas of 业务监控."""

from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema
from backend.identity.admin_schemas import DistrictSchema
from backend.monitoring.tiles import TILES

DISTRICT = fields.String(
    load_default=None,
    validate=validate.Regexp(r"^[0-9]{4}$"),
    metadata={"description": "a district in your scope: it and its subordinates; default all you see"},
)


class BoardArgsSchema(StrictSchema):
    district = DISTRICT


class ExportArgsSchema(StrictSchema):
    tile = fields.String(required=True, validate=validate.OneOf(sorted(TILES)))
    district = DISTRICT


class ItemsArgsSchema(ExportArgsSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    before_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class TileSchema(Schema):
    key = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    kind = fields.String(metadata={"description": "what its list holds: declaration, instruction, …"})
    total = fields.Integer()
    by_district = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "own"})
    rollup = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "with subordinates"}
    )


class BoardSchema(Schema):
    district = fields.String(allow_none=True)
    now = fields.DateTime()
    districts = fields.List(fields.Nested(DistrictSchema))
    tiles = fields.List(fields.Nested(TileSchema))


class ItemSchema(Schema):
    id = fields.Integer()
    district_code = fields.String()
    ref = fields.String(allow_none=True, metadata={"description": "inspection_no, e_record_no or type"})
    status = fields.String()
    at = fields.DateTime(allow_none=True, metadata={"description": "deadline, expiry or arrival"})


class ItemsSchema(Schema):
    tile = fields.String()
    kind = fields.String()
    items = fields.List(fields.Nested(ItemSchema))
    next_before_id = fields.Integer(allow_none=True)


class PositionSchema(Schema):
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)
    at = fields.DateTime()


class HeldSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    deadline = fields.DateTime(allow_none=True)
    device_id = fields.String(allow_none=True)
    lease_expires_at = fields.DateTime(allow_none=True)


class InspectorFieldSchema(Schema):
    inspector_id = fields.Integer()
    name = fields.String()
    district_code = fields.String()
    instructions = fields.List(fields.Nested(HeldSchema))
    last_sync_at = fields.DateTime(allow_none=True)
    last_position = fields.Nested(PositionSchema, allow_none=True)
    photos_pending = fields.Integer(metadata={"description": "declared on site, bytes not arrived"})
    uploads_unfinished = fields.Integer()
