"""One set of rules: the phone's validator (pwa/src/sync/rules.js under node) and the server give the same
verdict for every case generated from the published schemas.

For each operation type a valid operation is mutated systematically, rule by rule, as the published JSON
Schema states them: each required field missing, each value of every wrong JSON type, out of its enum or
const, one past each length, size and numeric bound (and exactly at it), blank and NUL text, an unknown
field, per disposition kind. The expected verdict comes from the mutation; the phone and the server
(the push API, one operation per request) must both give it. A case the phone accepts must also apply
on the server (or, for the steps of the instruction, meet only a rule of its state).
"""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.extensions import db
from backend.inspections.models import Inspection, InspectionItemResult

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("rules_verdicts.mjs")
RULES = "/api/v1/sync/operation-schemas"
PUSH = "/api/v1/sync/push"
MISSING = object()
CREATES = ("sample.add", "photo.declare", "photo.attach")  # base_version null
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"signature-strokes" * 4
BLANK = r"^\s*\S"
HEX64 = "^[0-9a-f]{64}$"

TREATMENT = {
    "kind": "treatment",
    "method": "熏蒸",
    "chemical": "溴甲烷",
    "dosage": "48 g/m3",
    "duration_hours": 24,
    "provider": "深圳某熏蒸公司",
    "notes": "",
}
DISPOSITIONS = {
    "release": {"kind": "release"},
    "treatment": TREATMENT,
    "return": {"kind": "return", "reason": "标签不符", "supervised_by": "王五"},
    "destroy": {"kind": "destroy", "reason": "霉变", "supervised_by": "王五"},
    "no_export": {"kind": "no_export", "reason": "禁止出口", "treatment_certificate_no": "T-1"},
}


def bodies(item_id: int) -> dict:
    """One valid body per operation type (disposition: per kind, below)."""
    return {
        "instruction.accept": {},
        "instruction.start": {},
        "instruction.complete": {},
        "item_result.set": {
            "result": "conforms",
            "notes": "与申报一致",
            "measurements": {"moisture": {"value": "11.5", "unit": "%"}},
        },
        "sample.add": {
            "sample_no": "S-1",
            "quantity": "2.5",
            "unit": "kg",
            "laboratory": "深圳海关技术中心",
            "tests": ["mould"],
            "item_id": item_id,
        },
        "photo.declare": {
            "sha256": "b" * 64,
            "original_sha256": "c" * 64,
            "captured_at": "2026-11-27T10:01:02.345Z",
            "gps": {"lat": 22.6573, "lon": 114.0608, "alt": 12.5, "accuracy": 8.0},
            "exif": {
                "make": "Huawei",
                "model": "P60",
                "taken_at": "2026-11-27T18:01:02+08:00",
                "gps": {"lat": 22.6573, "lon": 114.0608, "alt": 12.5},
            },
            "caption": "外包装",
        },
        "photo.attach": {"sha256": "a" * 64, "caption": "外包装"},
        "conclusion.set": {"conclusion": "fail", "notes": ""},
        "signature.set": {"png_base64": base64.b64encode(PNG).decode()},
    }


def operation(op_type: str, instruction_id: int, item_id: int, body: dict) -> dict:
    target = {"instruction_id": instruction_id}
    if op_type == "item_result.set":
        target["item_id"] = item_id
    if op_type == "sample.add":
        target["sample_id"] = str(uuid.uuid4())
    if op_type == "photo.attach":
        target["photo_id"] = 1
    if op_type == "photo.declare":
        target["client_photo_id"] = str(uuid.uuid4())
    creates = op_type in CREATES
    return {
        "op_id": str(uuid.uuid4()),
        "type": op_type,
        "target": target,
        "base_version": None if creates else 0,
        "recorded_at": "2026-11-27T10:00:00+08:00",
        "location": {"lat": 22.6573, "lon": 114.0608, "accuracy_m": 10.0},
        "body": body,
    }


# --- mutations, read from the schema --------------------------------------------------------------------

SAMPLES = {
    "string": "x",
    "integer": 7,
    "number": 1.5,
    "boolean": True,
    "array": [],
    "object": {},
    "null": None,
}


def _types(schema: dict) -> set[str]:
    kind = schema.get("type")
    return set(kind if isinstance(kind, list) else [kind]) if kind else set()


def _text(path: list, length: int) -> str:
    """A passing text of `length` characters for the field at `path`."""
    if path[-1] == "png_base64":  # the server also decodes it: a PNG, padded to the length
        raw = PNG + b"\x00" * (length * 3 // 4)
        return base64.b64encode(raw).decode()[:length] if length % 4 == 0 else "a" * length
    return "字" * length


def value_cases(schema: dict, value, path: list):
    """(path, new value, expected verdict, label) for one value and its schema."""
    if "anyOf" in schema:
        branches = schema["anyOf"]
        if any(b.get("type") == "null" for b in branches):  # location: null, or the object
            yield path, None, True, "null"
            for branch in branches:
                if branch.get("type") != "null":
                    yield from value_cases(branch, value, path)
            return
        number = next(b for b in branches if b.get("type") == "number")
        text = next(b for b in branches if b.get("type") == "string")
        yield from _decimal_cases(number, text, path)
        return
    types = _types(schema)
    if "const" in schema:
        yield path, "zzz", False, "not the const"
    if "enum" in schema:
        yield path, "zzz-not-a-choice", False, "out of enum"
        for choice in schema["enum"]:
            yield path, choice, True, f"enum {choice}"
    for json_type, sample in SAMPLES.items():
        allowed = json_type in types or (json_type == "integer" and "number" in types)
        if types and not allowed:
            yield path, sample, False, f"{json_type} instead of {sorted(types)}"
    if "null" in types:
        yield path, None, True, "null allowed"
    if "string" in types and "enum" not in schema:
        yield from _string_cases(schema, path)
    if types & {"number", "integer"}:
        yield from _number_cases(schema, types, path)
    if "array" in types:
        yield from _array_cases(schema, value, path)
    if "object" in types and isinstance(value, dict):
        yield from object_cases(schema, value, path)


def _string_cases(schema, path):
    pattern = schema.get("pattern")
    if "maxLength" in schema and pattern in (None, BLANK):
        top = schema["maxLength"]
        yield path, _text(path, top), True, "at maxLength"
        yield path, _text(path, top + 1), False, "past maxLength"
    if schema.get("minLength", 0) >= 1:
        yield path, "", False, "shorter than minLength"
    if pattern == BLANK:
        yield path, "   ", False, "blank"
    elif pattern is not None:
        yield path, "zz not it", False, "pattern"
    if "not" in schema:
        yield path, "a\u0000b", False, "NUL"


def _number_cases(schema, types, path):
    whole = "number" not in types
    step = 1 if whole else 0.5
    if "minimum" in schema:
        yield path, schema["minimum"], True, "at minimum"
        yield path, schema["minimum"] - step, False, "under minimum"
    if "maximum" in schema:
        yield path, schema["maximum"], True, "at maximum"
        yield path, schema["maximum"] + step, False, "over maximum"
    if "exclusiveMinimum" in schema:
        yield path, schema["exclusiveMinimum"], False, "at exclusiveMinimum"
        yield path, schema["exclusiveMinimum"] + step, True, "just over exclusiveMinimum"
    if not whole:
        yield path, "24", False, "a number as text"


def _decimal_cases(number, text, path):
    low, high = number.get("exclusiveMinimum"), number.get("maximum")
    yield path, "24", True, "decimal text"
    yield path, 2.5, True, "decimal number"
    yield path, "1e3", False, "exponent"
    yield path, " 2", False, "space"
    yield path, "abc", False, "not digits"
    yield path, True, False, "boolean"
    yield path, None, False, "null"
    if low is not None:
        yield path, low, False, "number at exclusiveMinimum"
        yield path, "0", False, "text at exclusiveMinimum"
        yield path, "0.001", True, "text just over exclusiveMinimum"
    if high is not None:
        yield path, high, True, "number at maximum"
        yield path, high + 1, False, "number over maximum"
        yield path, "1000000000", True, "text at maximum"
        yield path, "1000000000.001", False, "text over maximum"
        yield path, "2.1234", False, "four decimals"


def _array_cases(schema, value, path):
    element = value[0] if value else "x"
    if schema.get("minItems", 0) >= 1:
        yield path, [], False, "fewer than minItems"
    if "maxItems" in schema:
        yield path, [element] * schema["maxItems"], True, "at maxItems"
        yield path, [element] * (schema["maxItems"] + 1), False, "past maxItems"
    if value and "items" in schema:
        for sub_path, new, ok, label in value_cases(schema["items"], element, [*path, 0]):
            yield sub_path, new, ok, f"item: {label}"


def object_cases(schema, value: dict, path: list):
    properties = schema.get("properties", {})
    for name, prop in properties.items():
        if name in value:
            yield from value_cases(prop, value[name], [*path, name])
            required = name in schema.get("required", [])
            yield [*path, name], MISSING, not required, "missing" if required else "omitted"
    if schema.get("additionalProperties") is False:
        yield [*path, "zz_extra"], "1", False, "unknown field"
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):  # a map (measurements): its values, sizes and key names
        name, inner = next(iter(value.items()))
        yield from value_cases(extra, inner, [*path, name])
        if "maxProperties" in schema:
            many = {f"k{i}": inner for i in range(schema["maxProperties"] + 1)}
            yield path, many, False, "past maxProperties"
        names = schema.get("propertyNames", {})
        if "maxLength" in names:
            yield path, {"k" * names["maxLength"]: inner}, True, "key at maxLength"
            yield path, {"k" * (names["maxLength"] + 1): inner}, False, "key past maxLength"
        if names.get("minLength", 0) >= 1:
            yield path, {"": inner}, False, "empty key"


def disposition_cases(schema: dict, path: list):
    """Per kind: its own fields by its own branch; then the kind itself."""
    branches = {b["if"]["properties"]["kind"]["const"]: b["then"] for b in schema["allOf"]}
    for kind, then in branches.items():
        base = DISPOSITIONS[kind]
        for sub_path, new, ok, label in object_cases(then, base, path):
            if sub_path == [*path, "kind"]:
                continue  # the kind is mutated below, over every kind
            yield base, sub_path, new, ok, f"{kind}: {label}"
        for other in branches:
            own = set(branches[other]["required"]) - {"kind"}
            if other != kind and own - set(base):
                yield base, [*path, "kind"], other, False, f"{kind}'s fields under kind {other}"
    yield DISPOSITIONS["release"], [*path, "kind"], "teleport", False, "unknown kind"
    yield DISPOSITIONS["release"], [*path, "kind"], MISSING, False, "no kind"
    yield DISPOSITIONS["release"], [*path, "kind"], 5, False, "kind not text"


def put(document: dict, path: list, new):
    out = copy.deepcopy(document)
    node = out
    for key in path[:-1]:
        node = node[key]
    if new is MISSING:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = new
    return out


# The envelope (op_id, recorded_at, location) is one schema for every type (OperationSchema): its rules
# are fed once through a type that edits and once through one that creates; targets, base versions and
# bodies through every type.
ENVELOPE_SHOWN_BY = {"item_result.set", "sample.add"}


def _case(op_type: str, op: dict, path: list, new, ok: bool, label: str) -> dict:
    changed = put(op, path, new) if path else copy.deepcopy(op)
    return {"type": op_type, "op": changed, "expected": ok, "label": label, "path": path}


def generate(schemas: dict, instruction_id: int, step_instruction_id: int, item_id: int) -> list[dict]:
    cases = []
    valid = bodies(item_id)
    for op_type, schema in schemas.items():
        target_instruction = step_instruction_id if op_type.startswith("instruction.") else instruction_id
        if op_type == "disposition.set":
            for base, path, new, ok, label in disposition_cases(schema["properties"]["body"], ["body"]):
                op = operation(op_type, target_instruction, item_id, base)
                cases.append(_case(op_type, op, path, new, ok, label))
            base_op = operation(op_type, target_instruction, item_id, DISPOSITIONS["release"])
            envelope = {
                **schema,
                "properties": {k: v for k, v in schema["properties"].items() if k != "body"},
            }
        else:
            base_op = operation(op_type, target_instruction, item_id, valid[op_type])
            envelope = schema
        cases.append(_case(op_type, base_op, [], MISSING, True, "valid"))
        for path, new, ok, label in object_cases(envelope, base_op, []):
            if path == ["op_id"] and new is MISSING:
                continue  # the outbox always sends its entry id: never missing on the phone
            if path == ["target", "photo_id"] and new in (MISSING, None):
                continue  # filled in from the finished upload when sent: never missing either
            if path[:1] == ["type"]:
                continue  # another type is another schema: the server reads the type first
            if path[:1] in (["op_id"], ["recorded_at"], ["location"]) and op_type not in ENVELOPE_SHOWN_BY:
                continue  # the same envelope rules for every type: shown by one that creates, one that edits
            cases.append(
                {"type": op_type, "op": put(base_op, path, new), "expected": ok, "label": label, "path": path}
            )
    return cases


def phone_verdicts(schemas: dict, operations: list[dict]) -> list[dict]:
    answer = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps({"schemas": schemas, "cases": operations}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


# --- the server's side ----------------------------------------------------------------------------------


def _current_version(op: dict) -> int:
    instruction_id = op["target"]["instruction_id"]
    inspection = db.session.execute(
        sa.select(Inspection).where(Inspection.instruction_id == instruction_id)
    ).scalar_one_or_none()
    if op["type"] == "item_result.set":
        row = db.session.execute(
            sa.select(InspectionItemResult).where(
                InspectionItemResult.instruction_item_id == op["target"]["item_id"]
            )
        ).scalar_one_or_none()
        return row.version if row else 0
    if op["type"] in ("conclusion.set", "disposition.set", "signature.set"):
        return getattr(inspection, op["type"].split(".")[0] + "_version")
    from backend.instructions.models import Instruction

    return db.session.get(Instruction, instruction_id).version


def as_the_device_sends_it(case: dict, factories, inspector, counter: list) -> dict:
    """What only the sending fills in: a fresh op_id and sample id, the target's current version, the
    uploaded photo. Values of the same shape: the phone's verdict is checked again on this operation."""
    op = copy.deepcopy(case["op"])
    path = case["path"]
    if path[:1] != ["op_id"]:
        op["op_id"] = str(uuid.uuid4())
    db.session.expire_all()
    envelope_intact = path[:1] not in (["base_version"], ["target"]) or path == ["target", "item_id"]
    if case["type"] not in CREATES and envelope_intact and case["expected"]:
        op["base_version"] = _current_version(op)
    if case["type"] == "sample.add" and path[:1] != ["target"]:
        op["target"]["sample_id"] = str(uuid.uuid4())
    if case["type"] == "photo.declare" and path[:1] != ["target"]:
        op["target"]["client_photo_id"] = str(uuid.uuid4())
    if case["type"] == "photo.attach" and case["expected"] and path[:1] != ["target"]:
        counter[0] += 1
        photo = factories.photo(inspector, data=b"\xff\xd8\xff photo %d \xff\xd9" % counter[0])
        op["target"]["photo_id"] = photo.id
        op["body"]["sha256"] = photo.sha256
    return op


STATE_RULES = {
    "instruction.invalid_transition",
    "instruction.version_conflict",
    "inspection.version_conflict",
    "inspection.incomplete",
    "inspection.not_open",
}


# Checks of the content against what only the server holds (the uploaded photo's hash, the decoded
# signature): they answer inspection.invalid_body too, but no schema can hold them.
SERVER_ONLY = {"does not match the uploaded photo", "not a base64 PNG image"}


def server_verdict(client, headers, op: dict) -> tuple[bool, dict]:
    """Whether the server's rules let the operation through (it may still meet a rule of the state)."""
    response = client.post(PUSH, json={"device_id": "phone-a-0001", "operations": [op]}, headers=headers)
    if response.status_code == 422:
        return False, response.get_json()
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["results"][0]
    if result.get("error") != "inspection.invalid_body":
        return True, result
    messages = {message for found in result.get("errors", {}).values() for message in found}
    return bool(messages) and messages <= SERVER_ONLY, result


@pytest.fixture
def instructions(client, world, factories):
    """One instruction started (findings apply to it), one only assigned (for the steps)."""
    started = factories.instruction(world.declaration, inspector=world.inspector)
    results = factories.push(
        client,
        world.h_inspector,
        [
            factories.op("instruction.accept", started.id, base_version=2),
            factories.op("instruction.start", started.id, base_version=3),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    other = factories.declaration(world.enterprise, status="inspection_notice")
    steps = factories.instruction(other, inspector=world.inspector)
    return started, steps


def test_the_phone_and_the_server_give_the_same_verdict_for_every_rule(
    client, world, factories, instructions
):
    started, steps = instructions
    schemas = client.get(RULES, headers=world.h_inspector).get_json()["operation_schemas"]
    cases = generate(schemas, started.id, steps.id, started.items[0].id)
    assert len(cases) > 300
    for op_type in schemas:  # every type has failing and passing cases
        verdicts = {case["expected"] for case in cases if case["type"] == op_type}
        assert verdicts == {True, False}, op_type

    phone = phone_verdicts(schemas, [case["op"] for case in cases])
    counter = [0]
    sent, disagreements = [], []
    for case, seen in zip(cases, phone, strict=True):
        op = as_the_device_sends_it(case, factories, world.inspector, counter)
        sent.append(op)
        accepted, result = server_verdict(client, world.h_inspector, op)
        expected = case["expected"]
        if not (seen["valid"] == accepted == expected):
            disagreements.append((case["type"], case["label"], case["path"], expected, seen, result))
            continue
        other_id = bool(case["path"]) and str(case["path"][-1]).endswith("_id")
        if expected and (case["path"][:1] in (["base_version"], ["target"]) or other_id):
            continue  # another version or another thing's id: met by the rules of the state, or applied
        if expected and not case["type"].startswith("instruction."):
            assert result["status"] == "applied", (case["type"], case["label"], result)
        if expected and case["type"].startswith("instruction."):
            assert result["status"] == "applied" or result["error"] in STATE_RULES, result
        if not expected and case["path"] and "under kind" not in case["label"]:  # the field is named
            named = ".".join(str(part) for part in case["path"])
            assert any(named.startswith(field) or field.startswith(named) for field in seen["fields"]), (
                case["label"],
                named,
                seen,
            )
    assert not disagreements, "\n".join(map(repr, disagreements))

    again = phone_verdicts(schemas, sent)  # the filled-in values changed no verdict of the phone
    assert [v["valid"] for v in again] == [v["valid"] for v in phone]
