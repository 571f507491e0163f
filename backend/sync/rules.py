"""The rules of every operation, published to the phones as JSON Schema (docs/sync.md, *Rules*).

Generated from the marshmallow schemas the server checks with (apispec's marshmallow converter), then
completed where a converter cannot know what the server does: strict numbers, decimals sent as text,
exclusive bounds, object sizes, NUL characters, the disposition's fields per kind, and the target and
base version each type needs. One schema per operation type, of the whole operation (envelope, target,
body); the phone validates with them before it queues anything, so a body it accepts is accepted here.
"""

from __future__ import annotations

import copy

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields, validate

from backend.inspections.schemas import DISPOSITION_KINDS, DecimalText, DispositionBody
from backend.sync.schemas import CREATES, OPERATION_BODIES, OPERATION_TARGETS, OperationSchema, TargetSchema

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NO_NUL = {
    "type": "string",
    "pattern": "\u0000",
}  # StrictSchema refuses U+0000 anywhere in a body (null is no text)


def _completions(self, field: fields.Field, ret: dict, **_) -> dict:
    """What apispec leaves out or says otherwise than marshmallow checks; runs after its own functions."""
    bounds = {}
    for rule in field.validators:
        if isinstance(rule, validate.Range):
            if rule.min is not None:
                bounds["minimum" if rule.min_inclusive else "exclusiveMinimum"] = ret.pop("minimum")
            if rule.max is not None:
                bounds["maximum" if rule.max_inclusive else "exclusiveMaximum"] = ret.pop("maximum")
    if isinstance(field, DecimalText):  # a JSON number in range, or text of digits (the range is in it)
        ret.pop("type", None)
        number = {"type": "number", **{key: float(value) for key, value in bounds.items()}}
        return {"anyOf": [number, {"type": "string", "pattern": field.pattern}]}
    ret.update(bounds)
    if isinstance(field, fields.Dict):
        for length, size in (("minLength", "minProperties"), ("maxLength", "maxProperties")):
            if length in ret:
                ret[size] = ret.pop(length)
        if field.key_field is not None:
            ret["propertyNames"] = self.field2property(field.key_field)
    if "enum" not in ret and ret.get("type") in ("string", ["string", "null"]):
        ret["not"] = NO_NUL
    return {}


def _converter():
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: None)  # nested schemas inline
    APISpec("chajian-operation-rules", "1", "3.1.0", plugins=[plugin])  # 3.1: JSON Schema 2020-12 types
    plugin.converter.add_attribute_function(_completions)
    return plugin.converter


def _body_schema(converter, schema: type[Schema]) -> dict:
    if schema is DispositionBody:
        return _disposition_schema(converter)
    return converter.schema2jsonschema(schema)


def _disposition_schema(converter) -> dict:
    """kind, then exactly the fields of that kind: one `if kind = … then …` per kind."""
    base = converter.schema2jsonschema(DispositionBody)
    base["additionalProperties"] = True  # the kind's own schema decides
    base["allOf"] = [
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": converter.schema2jsonschema(schema),
        }
        for kind, schema in DISPOSITION_KINDS.items()
    ]
    return base


def _operation_schema(converter, op_type: str, body: dict) -> dict:
    operation = converter.schema2jsonschema(OperationSchema)
    properties = operation["properties"]
    properties["type"] = {"const": op_type}
    target = converter.schema2jsonschema(TargetSchema)
    target["required"] = ["instruction_id", *OPERATION_TARGETS[op_type]]
    properties["target"] = target
    properties["location"] = {"anyOf": [{"type": "null"}, properties["location"]]}
    if op_type in CREATES:
        properties["base_version"] = {"type": "null", "default": None}
    else:
        version = properties["base_version"]
        version["type"] = "integer"
        version.pop("default", None)
        operation["required"] = sorted({*operation["required"], "base_version"})
    properties["body"] = body
    return {"$schema": DIALECT, "title": op_type, **operation}


def build_operation_schemas() -> dict[str, dict]:
    """op type -> JSON Schema of one whole operation of that type (its `body` property: the body's rules)."""
    converter = _converter()
    return {
        op_type: _operation_schema(converter, op_type, _body_schema(converter, schema))
        for op_type, schema in OPERATION_BODIES.items()
    }


OPERATION_SCHEMAS = build_operation_schemas()


def operation_schemas() -> dict[str, dict]:
    """A copy to hand out (the published dict itself stays as hashed into the catalog version)."""
    return copy.deepcopy(OPERATION_SCHEMAS)
