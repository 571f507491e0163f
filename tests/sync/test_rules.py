"""The rules of every operation, published as JSON Schema: in the pull's catalogs and on their own."""

from backend.inspections.catalog import DISPOSITION_OPTIONAL, DISPOSITIONS
from backend.sync.schemas import OPERATION_BODIES, OPERATION_TARGETS

RULES = "/api/v1/sync/operation-schemas"
PULL = "/api/v1/sync/pull"
TREATMENT = {
    "kind": "treatment",
    "method": "熏蒸 fumigation",
    "chemical": "methyl bromide",
    "dosage": "48 g/m3",
    "duration_hours": 24,
    "provider": "深圳某熏蒸公司",
}


def test_every_operation_type_is_published_with_its_target_and_body(client, world):
    response = client.get(RULES, headers=world.h_inspector)
    assert response.status_code == 200
    published = response.get_json()
    schemas = published["operation_schemas"]
    assert set(schemas) == set(OPERATION_BODIES) == set(OPERATION_TARGETS)
    for op_type, schema in schemas.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["type"] == {"const": op_type}
        assert schema["properties"]["target"]["required"] == ["instruction_id", *OPERATION_TARGETS[op_type]]
        assert {"op_id", "type", "target", "recorded_at", "body"} <= set(schema["required"])
        assert schema["additionalProperties"] is False
    assert schemas["sample.add"]["properties"]["base_version"]["type"] == "null"
    assert schemas["item_result.set"]["properties"]["base_version"]["type"] == "integer"
    assert "base_version" in schemas["item_result.set"]["required"]
    assert schemas["instruction.start"]["properties"]["body"] == {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }

    query = {"device_id": "phone-a-0001"}
    pulled = client.get(PULL, query_string=query, headers=world.h_inspector).get_json()
    assert pulled["catalogs"]["operation_schemas"] == schemas
    assert pulled["catalog_version"] == published["catalog_version"]


def test_only_inspectors_read_the_rules(client, world):
    assert client.get(RULES, headers=world.h_supervisor).status_code == 403
    assert client.get(RULES).status_code == 401


def test_the_disposition_says_per_kind_exactly_the_fields_the_catalog_requires(client, world):
    body = client.get(RULES, headers=world.h_inspector).get_json()["operation_schemas"]["disposition.set"]
    body = body["properties"]["body"]
    assert body["properties"]["kind"]["enum"] == list(DISPOSITIONS)
    by_kind = {branch["if"]["properties"]["kind"]["const"]: branch["then"] for branch in body["allOf"]}
    assert set(by_kind) == set(DISPOSITIONS)
    for kind, (_, _, required) in DISPOSITIONS.items():
        then = by_kind[kind]
        assert sorted(then["required"]) == sorted(["kind", *required])
        assert set(then["properties"]) == {"kind", *required, *DISPOSITION_OPTIONAL}
        assert then["additionalProperties"] is False
    hours = by_kind["treatment"]["properties"]["duration_hours"]
    assert hours == {"type": "number", "exclusiveMinimum": 0.0, "maximum": 720.0}
    assert by_kind["return"]["properties"]["reason"]["pattern"] == r"^\s*\S"


def test_completions_say_what_the_server_checks(client, world):
    schemas = client.get(RULES, headers=world.h_inspector).get_json()["operation_schemas"]
    sample = schemas["sample.add"]["properties"]["body"]["properties"]
    number, text = sample["quantity"]["anyOf"]
    assert number == {"type": "number", "exclusiveMinimum": 0.0, "maximum": 1e9}
    assert text["type"] == "string" and text["pattern"].startswith("^")
    measurements = schemas["item_result.set"]["properties"]["body"]["properties"]["measurements"]
    assert measurements["maxProperties"] == 30 and "maxLength" not in measurements
    assert measurements["propertyNames"]["maxLength"] == 60
    assert sample["laboratory"]["not"] == {"type": "string", "pattern": "\u0000"}
    location = schemas["item_result.set"]["properties"]["location"]["anyOf"][1]["properties"]
    assert location["lat"]["type"] == "number"


def test_the_treatment_hours_as_text_are_refused_with_a_message_in_both_languages(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    ops = [
        factories.op("instruction.accept", instruction.id, base_version=2),
        factories.op("instruction.start", instruction.id, base_version=3),
        factories.op(
            "disposition.set", instruction.id, base_version=0, body={**TREATMENT, "duration_hours": "24"}
        ),
        factories.op("disposition.set", instruction.id, base_version=0, body=TREATMENT),
    ]
    accepted, started, refused, skipped = factories.push(client, world.h_inspector, ops)
    assert (refused["status"], refused["error"]) == ("rejected", "inspection.invalid_body")
    assert refused["errors"] == {"duration_hours": ["须为数字 / must be a number"]}
    assert skipped["status"] == "skipped"
    again = factories.op("disposition.set", instruction.id, base_version=0, body=TREATMENT)
    assert factories.push(client, world.h_inspector, [again])[0]["status"] == "applied"


def test_a_step_of_the_instruction_carries_no_body(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    op = factories.op("instruction.accept", instruction.id, base_version=2, body={"note": "x"})
    refused = factories.push(client, world.h_inspector, [op])[0]
    assert (refused["status"], refused["error"]) == ("rejected", "inspection.invalid_body")
    assert refused["errors"] == {"note": ["不允许的字段 / unknown field"]}
