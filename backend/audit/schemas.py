from marshmallow import Schema, fields

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


class AuditQuerySchema(StrictSchema):
    entity_type = fields.String(validate=lambda s: len(s) <= 50)
    entity_id = fields.String(validate=lambda s: len(s) <= 64)
    action = fields.String(validate=lambda s: len(s) <= 80)
    actor_username = fields.String(validate=lambda s: len(s) <= 80)
    since = fields.AwareDateTime(default_timezone=None)
    until = fields.AwareDateTime(default_timezone=None)
    before_id = fields.Integer(strict=True, validate=lambda n: 0 < n < 2**62)
    limit = fields.Integer(load_default=50, strict=True, validate=lambda n: 1 <= n <= 200)
