"""The audit trail records the request's facts and the refusals an attacker leaves behind."""

from backend.audit.models import AuditEvent
from backend.extensions import db


def events(action: str) -> list[AuditEvent]:
    query = db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


def login(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address}, headers=headers,
    )


def test_rows_carry_address_user_agent_and_both_request_ids(client, factories):
    user = factories.user("inspector")
    answer = login(client, user.username, factories.password, "198.51.100.23",
                   **{"User-Agent": "ChajianTest/1.0", "X-Request-ID": "client-id-0001"})
    assert answer.status_code == 200
    (row,) = events("identity.login")
    assert row.client_address == "198.51.100.23"
    assert row.user_agent == "ChajianTest/1.0"
    assert row.client_request_id == "client-id-0001"
    assert row.request_id == answer.headers["X-Request-ID"] != "client-id-0001"


def test_a_failed_login_for_an_unknown_name_is_recorded(client):
    assert login(client, "no-such-user", "guess").status_code == 401
    (row,) = events("identity.login_failed")
    assert row.entity_id == "no-such-user" and row.after["unknown_user"] is True
    assert row.client_address == "192.0.2.10"


def test_throttled_attempts_are_recorded(client, factories):
    user = factories.user("reviewer")
    for _ in range(5):
        login(client, user.username, "guess", "203.0.113.9")
    assert login(client, user.username, "guess", "203.0.113.9").status_code == 429
    (row,) = events("identity.throttled")
    assert row.entity_id == user.username and row.after["error"] == "auth.locked"
    assert row.client_address == "203.0.113.9"


def test_throttled_key_endpoints_are_recorded(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "KEY_RATE_LIMIT", "1 per minute")
    client.post("/api/v1/auth/key/challenge", json={})
    assert client.post("/api/v1/auth/key/challenge", json={}).status_code == 429
    (row,) = events("identity.throttled")
    assert row.after["error"] == "auth.throttled" and row.entity_id == "/api/v1/auth/key/challenge"


def test_failed_client_key_and_security_key_logins_are_recorded(client):
    refused = client.post(
        "/api/v1/auth/key/login", json={"key_id": "no-such-key", "nonce": "n" * 43, "signature": "s" * 86}
    )
    assert refused.status_code in (401, 422), refused.get_json()
    if refused.status_code == 401:
        (row,) = events("identity.client_key_login_failed")
        assert row.entity_id == "no-such-key" and row.after["error"]
    webauthn = client.post(
        "/api/v1/auth/webauthn/login/verify",
        json={"credential": {"rawId": "AAAA", "response": {"clientDataJSON": "e30"}}},
    )
    assert webauthn.status_code >= 400
    (row,) = events("identity.key_login_failed")
    assert row.after["error"] == webauthn.get_json()["error"]


def test_refresh_token_reuse_is_recorded(client, factories):
    user = factories.user("supervisor")
    first = login(client, user.username, factories.password).get_json()
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    (row,) = events("identity.refresh_token_reused")
    assert row.entity_id == str(user.id) and row.district_code == user.district_code
