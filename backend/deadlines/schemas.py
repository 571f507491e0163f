"""Schemas of 时限."""

from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema
from backend.deadlines.catalog import STAGES, UNITS

STAGE = validate.OneOf(sorted(STAGES))
DISTRICT = validate.Regexp(r"^[0-9]{4}$")


class TimeLimitSchema(Schema):
    stage = fields.String()
    name_zh = fields.Function(lambda row: STAGES[row.stage][2])
    name_en = fields.Function(lambda row: STAGES[row.stage][3])
    measured = fields.Function(lambda row: STAGES[row.stage][4], metadata={"description": "from → to"})
    district_code = fields.String(allow_none=True, metadata={"description": "null: the national default"})
    amount = fields.Integer()
    unit = fields.String()
    updated_at = fields.DateTime()


class TimeLimitSetSchema(StrictSchema):
    stage = fields.String(required=True, validate=STAGE)
    district_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=DISTRICT,
        metadata={"description": "null: the national default (national level only); else your district"},
    )
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1000))
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))


class TimeLimitRemoveSchema(StrictSchema):
    stage = fields.String(required=True, validate=STAGE)
    district_code = fields.String(required=True, validate=DISTRICT)


class CalendarArgsSchema(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class CalendarDaySchema(Schema):
    day = fields.Date()
    kind = fields.String(metadata={"description": "holiday (day off) or workday (调休 make-up day)"})
    name_zh = fields.String()
    name_en = fields.String(allow_none=True)


class CalendarDaySetSchema(StrictSchema):
    day = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["holiday", "workday"]))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))


class CalendarDayRemoveSchema(StrictSchema):
    day = fields.Date(required=True)
