"""The one error shape, Accept-Language, Allow on 405, 413, unknown fields, request ids, health."""

import json


def assert_error_shape(response, status, error):
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) >= {"code", "status", "error", "message"}
    assert body["code"] == status
    assert body["error"] == error
    return body


def test_unknown_api_path_is_json_404(client):
    body = assert_error_shape(client.get("/api/v1/no-such-thing"), 404, "request.not_found")
    assert body["message"] == "请求的地址不存在。"


def test_message_follows_accept_language(client):
    body = assert_error_shape(
        client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en-US,en;q=0.9"}),
        404,
        "request.not_found",
    )
    assert body["message"] == "No such resource."


def test_405_keeps_allow_header(client):
    response = client.get("/api/v1/auth/login")
    assert_error_shape(response, 405, "request.method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_unknown_field_is_refused_with_field_error(client):
    response = client.post("/api/v1/auth/login", json={"username": "a", "password": "b", "role": "admin"})
    body = assert_error_shape(response, 422, "request.invalid")
    assert "role" in body["errors"]


def test_wrong_type_is_refused(client):
    body = assert_error_shape(
        client.post("/api/v1/auth/login", json={"username": 5, "password": "b"}), 422, "request.invalid"
    )
    assert "username" in body["errors"]


def test_malformed_json_is_400_or_422(client):
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"] in ("request.malformed", "request.invalid")


def test_body_over_limit_is_413(app, client):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post("/api/v1/auth/login", data=big, content_type="application/json")
    assert_error_shape(response, 413, "request.too_large")


def test_the_request_id_is_the_servers_and_a_clients_is_kept_beside_it(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc12345-req"})
    assert len(given.headers["X-Request-ID"]) == 32 and given.headers["X-Request-ID"] != "abc12345-req"
    assert given.headers["X-Client-Request-ID"] == "abc12345-req"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(generated.headers["X-Request-ID"]) == 32
    assert "X-Client-Request-ID" not in generated.headers


def test_request_log_is_one_json_line(app, client, capsys):
    app.config["LOG_REQUESTS"] = True
    try:
        client.get("/healthz", headers={"X-Request-ID": "log-test-0001"})
    finally:
        app.config["LOG_REQUESTS"] = False
    lines = [line for line in capsys.readouterr().err.splitlines() if "log-test-0001" in line]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["status"] == 200 and entry["path"] == "/healthz" and "duration_ms" in entry


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_pending_migrations_on_unmigrated_schema(client):
    # The test schema is built with create_all, so Alembic has no revision recorded.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "pending"}


def test_openapi_and_local_docs(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/auth/login" in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"/api/docs-assets/swagger-ui-bundle.js" in docs.data
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_nul_characters_are_a_field_error_not_a_server_error(client):
    # PostgreSQL cannot store U+0000 in text: refused by every StrictSchema, in bodies and queries.
    body = assert_error_shape(
        client.post("/api/v1/auth/login", json={"username": "a\x00b", "password": "x"}),
        422,
        "request.invalid",
    )
    assert "username" in body["errors"]
    nested = client.post("/api/v1/auth/webauthn/login/verify", json={"credential": {"id": ["\x00"]}})
    assert_error_shape(nested, 422, "request.invalid")


def test_field_errors_are_always_an_object(client):
    # An invalid JSON body used to come back as errors=["Invalid JSON body."], against the documented shape.
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    body = response.get_json()
    assert isinstance(body.get("errors", {}), dict), body


def test_unknown_query_parameters_are_refused_on_every_domain(client, factories):
    """No list endpoint silently ignores a misspelt filter."""
    enterprise_user = factories.headers(factories.user("enterprise"))
    reviewer = factories.headers(factories.user("reviewer"))
    for path, headers in (("/api/v1/declarations", enterprise_user), ("/api/v1/review/queue", reviewer)):
        response = client.get(f"{path}?statuss=draft", headers=headers)
        body = assert_error_shape(response, 422, "request.invalid")
        assert "statuss" in body["errors"], (path, body)
