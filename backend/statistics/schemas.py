"""Filters of every statistics request, and the shapes of the answers."""

from __future__ import annotations

from datetime import date, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.core.schemas import StrictSchema

MAX_PERIOD_DAYS = 5 * 366  # "at most five years", leap days included
GRANULARITIES = ("day", "week", "month")
CHANNELS = ("web", "single_window")  # how the application reached customs (Declaration.source)


class StatisticsFilterSchema(StrictSchema):
    """Period (China Standard Time days, both ends included) and filters; unknown keys are refused."""

    date_from = fields.Date(required=True, metadata={"description": "first day (Asia/Shanghai)"})
    date_to = fields.Date(required=True, metadata={"description": "last day, included"})
    district = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^\d{4}$"),
        metadata={"description": "4-digit district; its subordinate districts are counted with it"},
    )
    enterprise_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    hs_chapter = fields.String(load_default=None, validate=validate.Regexp(r"^\d{2}$"))
    destination_country = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Z]{3}$"))
    certificate_type = fields.String(load_default=None, validate=validate.Regexp(r"^\d{2}$"))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start is None or end is None:
            return
        if end < start:
            raise ValidationError("须不早于 date_from / must not be before date_from", "date_to")
        if end - start > timedelta(days=MAX_PERIOD_DAYS):
            raise ValidationError("统计期间不得超过 5 年 / the period may not exceed 5 years", "date_to")


class TrendArgsSchema(StatisticsFilterSchema):
    granularity = fields.String(load_default="day", validate=validate.OneOf(GRANULARITIES))


class TimelinessArgsSchema(StatisticsFilterSchema):
    group_by = fields.String(
        load_default="district", validate=validate.OneOf(("district", "inspector", "hs_chapter", "channel"))
    )


class ExportArgsSchema(StatisticsFilterSchema):
    table = fields.String(required=True, metadata={"description": "which table: see /statistics/tables"})
    granularity = fields.String(load_default="day", validate=validate.OneOf(GRANULARITIES))
    group_by = fields.String(
        load_default="district", validate=validate.OneOf(("district", "inspector", "hs_chapter", "channel"))
    )


def period_days(start: date, end: date) -> int:
    return (end - start).days + 1


class ColumnSchema(Schema):
    key = fields.String()
    zh = fields.String()
    en = fields.String()


class TableSchema(Schema):
    name = fields.String()
    title_zh = fields.String()
    title_en = fields.String()
    columns = fields.List(fields.Nested(ColumnSchema))
    rows = fields.List(fields.Dict(), metadata={"description": "one object per row, keyed by column key"})


class FilterLineSchema(Schema):
    label = fields.String()
    value = fields.String()


class StatisticsAnswerSchema(Schema):
    filters = fields.List(fields.Nested(FilterLineSchema))
    tables = fields.List(fields.Nested(TableSchema))
    granularity = fields.String()
    group_by = fields.String()
