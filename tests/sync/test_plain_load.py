"""The push loads operations and their bodies field by field (core.schemas.load_cleaned) rather than
through marshmallow's schema machinery: for every case of the rules-parity corpus (each rule of each
type broken once, and the valid operations), it accepts exactly what marshmallow accepts and returns
exactly what marshmallow returns; what it refuses, marshmallow's own load answers."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError, fields

from backend.core.schemas import CleanedText, StrictSchema, load_cleaned
from backend.inspections.operations import load_body
from backend.sync.rules import OPERATION_SCHEMAS
from backend.sync.schemas import OPERATION_BODIES, OperationSchema, PushSchema
from tests.sync.test_rules_parity import MISSING, generate


def _cases() -> list[dict]:
    cases = [case for case in generate(OPERATION_SCHEMAS, 7, 8, 11) if case["op"] is not MISSING]
    assert len(cases) > 300
    return cases


class _Cleaning(StrictSchema):
    op = fields.Raw()  # cleaned by StrictSchema's pre-load, as PushSchema's cleans each operation


def _marshmallow(op) -> tuple[bool, object]:
    """The verdict of the schemas alone: the envelope's text cleaning, then OperationSchema.load."""
    try:
        cleaned = _Cleaning().load({"op": op})
    except ValidationError as exc:
        return False, exc.messages
    try:
        return True, OperationSchema().load(cleaned["op"])
    except ValidationError as exc:
        return False, exc.messages


def test_an_operation_is_loaded_field_by_field_exactly_as_marshmallow_loads_it(app):
    with app.test_request_context():
        push = PushSchema()
        accepted = 0
        for case in _cases():
            ok, expected = _marshmallow(case["op"])
            try:
                loaded = push.load({"device_id": "phone-a-0001", "operations": [case["op"]]})["operations"][0]
            except ValidationError as exc:
                assert not ok, (case["label"], exc.messages)
                continue
            assert ok and loaded == expected, case["label"]
            assert type(loaded["body"]) is CleanedText
            accepted += 1
            body_schema = OPERATION_BODIES[loaded["type"]]
            try:
                plain = load_cleaned(body_schema(), loaded["body"])
            except ValidationError:
                plain = None  # refused or not plainly loadable: load_body then uses the schema's load
            try:
                full = body_schema().load(dict(loaded["body"]))
            except ValidationError:
                assert plain is None, case["label"]
                continue
            assert plain is None or plain == full, case["label"]
            assert load_body(body_schema, loaded["body"]) == full, case["label"]
        assert accepted > 50


@pytest.mark.parametrize("op", [{"op_id": 1}, [], None, {"unknown": 1}])
def test_what_is_not_plainly_loadable_is_refused_for_the_schema_to_answer(op):
    with pytest.raises(ValidationError):
        load_cleaned(OperationSchema(), op)  # its hooks: never loaded field by field itself
    with pytest.raises(ValidationError):
        PushSchema().load({"device_id": "phone-a-0001", "operations": [op]})
