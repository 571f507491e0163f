"""docs/sync.md's examples, run in order against the server: the document and the code agree."""

import json
import re
from pathlib import Path

from backend.core.enums import Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync.md"
ANY = "…"


def examples() -> list[dict]:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- example -->\s*```json\n(.*?)```", text, flags=re.S)
    return [json.loads(block) for block in blocks]


def matches(expected, actual, path="$") -> list[str]:
    """Differences between the documented and the real value; "…" in the document matches anything."""
    if expected == ANY:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        problems = (
            [f"{path}: keys differ: documented {sorted(expected)}, real {sorted(actual)}"]
            if set(expected) != set(actual)
            else []
        )
        for key in set(expected) & set(actual):
            problems += matches(expected[key], actual[key], f"{path}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} elements, got {actual!r}"]
        return [
            p
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for p in matches(e, a, f"{path}[{i}]")
        ]
    return [] if expected == actual else [f"{path}: documented {expected!r}, real {actual!r}"]


def test_the_document_has_examples_of_pull_push_replay_conflict_lease():
    found = examples()
    assert len(found) >= 7
    paths = {e["request"]["path"].split("?")[0] for e in found}
    assert {"/api/v1/sync/pull", "/api/v1/sync/push", "/api/v1/instructions/1/lease"} <= paths
    statuses = {r["status"] for e in found for r in e["response"]["body"].get("results", [])}
    assert statuses == {"applied", "conflict", "rejected", "skipped"}


def test_every_documented_exchange_is_what_the_server_does(client, factories):
    supervisor = factories.user(Role.SUPERVISOR)
    inspector = factories.user(Role.INSPECTOR)
    enterprise = factories.enterprise()
    declaration = factories.declaration(enterprise, status="inspection_notice")
    instruction = factories.instruction(declaration, inspector=inspector, supervisor=supervisor)
    assert (supervisor.id, inspector.id, declaration.id, instruction.id, instruction.version) == (
        1,
        2,
        1,
        1,
        2,
    )
    assert [item.id for item in instruction.items] == [1, 2, 3]
    headers = {"inspector": factories.headers(inspector), "supervisor": factories.headers(supervisor)}

    for number, example in enumerate(examples(), start=1):
        request, expected = example["request"], example["response"]
        response = client.open(
            request["path"],
            method=request["method"],
            json=request.get("body"),
            headers={**headers[request.get("as", "inspector")], "Accept-Language": "en"},
        )
        problems = (
            [f"status {response.status_code} != {expected['status']}"]
            if response.status_code != expected["status"]
            else []
        )
        problems += matches(expected["body"], response.get_json())
        assert not problems, f"example {number} ({request['method']} {request['path']}):\n" + "\n".join(
            problems
        )
