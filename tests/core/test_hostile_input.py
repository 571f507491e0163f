"""Hostile input never reaches a 500 (issue 12, item 10): deep JSON, lone surrogates, NUL, dates at the
edge of the calendar, decimals wider than their column. Each is a 4xx in the one error shape, with
Chinese and English messages, and nothing is stored. Independent of schemathesis; runs on SQLite and
PostgreSQL like every test.
"""

from __future__ import annotations

import json

import pytest

from backend.core.enums import Assurance, Role
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.input_guard import MAX_JSON_DEPTH, json_depth
from backend.instructions.models import Instruction

JSON = {"Content-Type": "application/json"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def callers(factories):
    """Headers of an enterprise clerk (key), a supervisor and an administrator (key), and a draft-ready
    declaration awaiting an instruction."""
    clerk = factories.user(Role.ENTERPRISE)
    supervisor = factories.user(Role.SUPERVISOR)
    admin = factories.user(Role.ADMINISTRATOR)
    declaration = factories.declaration(clerk.enterprise, status="inspection_notice")
    return {
        "enterprise": factories.headers(clerk, Assurance.KEY),
        "supervisor": factories.headers(supervisor),
        "admin": factories.headers(admin, Assurance.KEY),
        "declaration_id": declaration.id,
    }


def refused(response, status: int, error: str) -> dict:
    """The answer is `status` in the one error shape, valid UTF-8 JSON; returns the body."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = json.loads(response.get_data().decode("utf-8"))
    assert body["code"] == status and body["error"] == error and body["status"] and body["message"]
    return body


def stored_counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Declaration, Instruction, Enterprise)
    )


def _endpoints(callers):
    """(method, url, headers, a valid-looking body) on four domains."""
    return [
        ("post", "/api/v1/declarations", callers["enterprise"], {"consignee_name_en": "Tokyo K.K."}),
        ("post", "/api/v1/auth/login", {}, {"username": "someone", "password": "secret-secret"}),
        (
            "post",
            "/api/v1/instructions",
            callers["supervisor"],
            {"declaration_id": callers["declaration_id"], "item_codes": ["packaging"], "note": "ok"},
        ),
        (
            "post",
            "/api/v1/admin/enterprises",
            callers["admin"],
            {"customs_code": "4403960ABC", "name_zh": "甲"},
        ),
    ]


@pytest.mark.parametrize("shape", ["arrays", "objects", "inside_a_field"])
def test_json_nested_a_thousand_deep_is_a_400(client, callers, shape):
    before = stored_counts()
    for method, url, headers, body in _endpoints(callers):
        if shape == "arrays":
            raw = "[" * 1000 + "]" * 1000
        elif shape == "objects":
            raw = '{"a":' * 1000 + "1" + "}" * 1000
        else:
            key = next(iter(body))
            raw = json.dumps({**body, key: "__deep__"}).replace('"__deep__"', "[" * 1000 + "]" * 1000)
        response = getattr(client, method)(url, data=raw, headers={**headers, **JSON})
        refused(response, 400, "request.too_deep")
        english = getattr(client, method)(url, data=raw, headers={**headers, **JSON, **EN})
        assert "nested too deeply" in refused(english, 400, "request.too_deep")["message"]
    assert stored_counts() == before


def test_ordinary_nesting_still_passes(client, callers):
    """The depth limit leaves real bodies alone: a declaration with goods lines and containers."""
    body = {
        "consignee_name_en": "Tokyo K.K.",
        "goods": [{"name_zh": "竹筷", "quantity": "100.000"}],
        "containers": [{"size_type": "22G1", "count": 1, "numbers": ["TGHU1234567"]}],
    }
    response = client.post("/api/v1/declarations", json=body, headers=callers["enterprise"])
    assert response.status_code == 201, response.get_json()


def test_lone_surrogates_are_refused_in_values_and_keys(client, callers):
    before = stored_counts()
    for method, url, headers, body in _endpoints(callers):
        key = next(iter(body))
        in_value = json.dumps(body).replace(json.dumps(body[key]), '"abc\\ud800def"', 1)
        answer = refused(
            getattr(client, method)(url, data=in_value, headers={**headers, **JSON}), 422, "request.invalid"
        )
        assert "surrogate" in answer["errors"][key][0]
        in_key = '{"x\\udfff": 1, ' + json.dumps(body)[1:]
        answer = refused(
            getattr(client, method)(url, data=in_key, headers={**headers, **JSON, **EN}),
            422,
            "request.invalid",
        )
        assert answer["message"] == "The request has invalid fields."
        assert list(answer["errors"]) == ["x\\udfff"]  # echoed escaped, never as a raw surrogate
    assert stored_counts() == before


def test_nul_in_path_parameters_and_query_strings_is_a_400(client, callers):
    probes = [
        ("/api/v1/verify/5300%0026180000001", {}),
        ("/verify/5300%0026180000001", {}),
        ("/api/v1/e-records/5300%0026180000001", callers["enterprise"]),
        ("/api/v1/certificate-query/certificates?inspection_no=226N%0053", callers["enterprise"]),
        ("/api/v1/admin/enterprises?customs_code=44%0003960ABC", callers["admin"]),
        ("/api/v1/instructions?status=draf%00t", callers["supervisor"]),
    ]
    for url, headers in probes:
        body = refused(client.get(url, headers=headers), 400, "request.malformed")
        assert body["errors"] == {"url": ["地址不能包含 NUL 字符 / must not contain NUL (%00)"]}


def test_nul_in_json_strings_is_a_422_and_nothing_is_stored(client, callers):
    before = stored_counts()
    for method, url, headers, body in _endpoints(callers):
        key = next(iter(body))
        if isinstance(body[key], str):
            response = getattr(client, method)(url, json={**body, key: "a\x00b"}, headers=headers)
            assert key in refused(response, 422, "request.invalid")["errors"]
    assert stored_counts() == before


@pytest.mark.parametrize(
    "deadline", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00", "0001-01-01T00:00:00Z"]
)
def test_datetimes_at_the_edge_of_the_calendar_are_a_422(client, callers, deadline):
    body = {"declaration_id": callers["declaration_id"], "item_codes": ["packaging"], "deadline": deadline}
    response = client.post("/api/v1/instructions", json=body, headers=callers["supervisor"])
    assert "deadline" in refused(response, 422, "request.invalid")["errors"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Instruction)) == 0


def test_dates_at_year_1_and_9999_are_a_422(client, callers, factories):
    agent = factories.enterprise(customs_code="4403960AGT")
    grant = {
        "agent_customs_code": agent.customs_code,
        "valid_from": "0001-01-01",
        "valid_until": "9999-12-31",
    }
    answer = refused(
        client.post("/api/v1/certificate-agents", json=grant, headers=callers["enterprise"]),
        422,
        "request.invalid",
    )
    assert set(answer["errors"]) == {"valid_from", "valid_until"}
    for query in ("issued_to=9999-12-31", "issued_from=0001-01-01"):
        response = client.get(
            f"/api/v1/certificate-query/certificates?{query}", headers=callers["enterprise"]
        )
        assert query.split("=")[0] in refused(response, 422, "request.invalid")["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"total_net_weight": "1234567890123456789.5"},
        {"goods": [{"name_zh": "竹筷", "quantity": "1e30"}]},
        {"goods": [{"name_zh": "竹筷", "value": "99999999999999999.99"}]},
        {"goods": [{"name_zh": "竹筷", "net_weight": "1E+999999"}]},
    ],
)
def test_decimals_wider_than_their_column_are_a_422(client, callers, body):
    response = client.post("/api/v1/declarations", json=body, headers=callers["enterprise"])
    refused(response, 422, "request.invalid")
    assert db.session.scalar(db.select(db.func.count()).select_from(Declaration)) == 1  # the fixture's


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"1", 0),
        (b'"[[{"', 0),
        (b"[[{}], []]", 3),
        (b'{"a":"\\"[[[","b":[1,[2]]}', 3),  # an escaped quote does not end the string
        (b'["\\\\", [[]], "\\\\\\"]]"]', 3),  # an escaped backslash before the closing quote
        (b'["(", "", ")]", "[[\\\\"]', 1),
        (b"[" * 1000 + b"]" * 1000, MAX_JSON_DEPTH + 1),  # counted no further than needed to refuse
    ],
)
def test_json_depth_counts_brackets_outside_strings_only(raw, depth):
    assert json_depth(raw) == depth
