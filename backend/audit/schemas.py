from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from backend.core.schemas import StrictSchema


class AuditEventSchema(Schema):
    id = fields.Integer()
    occurred_at = fields.DateTime()
    actor_user_id = fields.Integer(allow_none=True)
    actor_username = fields.String(allow_none=True)
    assurance = fields.String(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    request_id = fields.String(allow_none=True)
    client_request_id = fields.String(allow_none=True)
    client_address = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    district_code = fields.String(allow_none=True)


# Times far outside this range overflow when converted to UTC (a 500 before this bound).
_SANE_TIME = validate.Range(min=datetime(1970, 1, 1, tzinfo=UTC), max=datetime(9999, 1, 1, tzinfo=UTC))


class AuditQuerySchema(StrictSchema):
    """Query-string filters (query values are strings: integers here are not strict).

    marshmallow 4 ignores a validator that returns False: validators must raise, hence validate.*.
    """

    entity_type = fields.String(validate=validate.Length(max=50))
    entity_id = fields.String(validate=validate.Length(max=64))
    action = fields.String(validate=validate.Length(max=80))
    actor_username = fields.String(validate=validate.Length(max=80))
    since = fields.AwareDateTime(default_timezone=None, validate=_SANE_TIME)
    until = fields.AwareDateTime(default_timezone=None, validate=_SANE_TIME)
    before_id = fields.Integer(validate=validate.Range(min=1, max=2**62))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditExportSchema(AuditQuerySchema):
    """The same filters as the list (no paging), for a CSV or XLSX download."""

    class Meta:
        exclude = ("before_id", "limit")
