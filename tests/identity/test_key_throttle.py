"""Key endpoints are throttled per client address: 429 in the error shape, with Retry-After."""

import pytest

KEY_ENDPOINTS = [
    "/api/v1/auth/webauthn/login/options",
    "/api/v1/auth/webauthn/login/verify",
    "/api/v1/auth/webauthn/register/options",
    "/api/v1/auth/webauthn/register/verify",
    "/api/v1/auth/key/challenge",
    "/api/v1/auth/key/login",
]


@pytest.mark.parametrize("path", KEY_ENDPOINTS)
def test_key_endpoints_answer_429_past_the_limit(app, client, monkeypatch, path):
    monkeypatch.setitem(app.config, "KEY_RATE_LIMIT", "3 per minute")
    attacker = {"REMOTE_ADDR": "203.0.113.5"}
    for _ in range(3):
        assert client.post(path, json={}, environ_base=attacker).status_code != 429
    refused = client.post(path, json={}, environ_base=attacker)
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"] == "auth.throttled"
    assert body["message"] == "请求过于频繁，请稍后再试。"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Another address is not affected.
    assert client.post(path, json={}, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code != 429
