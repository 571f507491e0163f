"""Password login, throttling and lockout, refresh rotation, logout and revocation."""

import time
from datetime import timedelta

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.extensions import db


def login(client, username, password, environ_base=None, **headers):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, headers=headers,
        environ_base=environ_base or {},
    )


def test_password_login_gives_password_assurance(client, factories):
    user = factories.user("enterprise")
    response = login(client, user.username, factories.password)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["assurance"] == "password"
    assert body["expires_in"] > 0
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.get_json()["username"] == user.username
    assert me.get_json()["assurance"] == "password"
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert "identity.login" in actions


def test_wrong_password_and_unknown_user_answer_alike(client, factories):
    user = factories.user("reviewer")
    wrong = login(client, user.username, "nope")
    unknown = login(client, "nobody-at-all", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def test_repeated_failures_lock_this_address_for_this_name(client, factories):
    user = factories.user("inspector")
    statuses = [login(client, user.username, "bad").status_code for _ in range(5)]
    assert statuses == [401] * 5
    locked = login(client, user.username, factories.password)
    assert locked.status_code == 429
    assert locked.get_json()["error"] == "auth.locked"
    assert int(locked.headers["Retry-After"]) > 60


def test_unknown_user_names_are_throttled_too(client):
    for _ in range(5):
        assert login(client, "ghost", "bad").status_code == 401
    assert login(client, "ghost", "bad").status_code == 429


def test_an_attacker_cannot_lock_the_victim_out_from_another_address(client, factories):
    victim = factories.user("reviewer")
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    for _ in range(5):
        assert login(client, victim.username, "guess", environ_base=attacker).status_code == 401
    assert login(client, victim.username, "guess", environ_base=attacker).status_code == 429
    # The victim, at the office's address, still logs in.
    office = {"REMOTE_ADDR": "198.51.100.7"}
    assert login(client, victim.username, factories.password, environ_base=office).status_code == 200


def test_one_address_guessing_many_names_is_throttled(app, client, factories, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_RATE_LIMIT", "4 per 10 minutes")
    for n in range(4):
        assert login(client, f"name-{n}", "guess").status_code == 401
    assert login(client, "name-9", "guess").status_code == 429
    other = {"REMOTE_ADDR": "198.51.100.8"}
    assert login(client, "name-9", "guess", environ_base=other).status_code == 401


def test_the_failure_count_resets_when_the_lock_ends(app, client, factories, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per 1 second")
    user = factories.user("inspector")
    # The throttle's clock is held still, so slow logins on a loaded machine cannot straddle the window.
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert [login(client, user.username, "bad").status_code for _ in range(3)] == [401, 401, 429]
    now[0] += 1.1  # the one-second lock ends
    # A fresh count: two more failures are allowed before the next lock.
    assert [login(client, user.username, "bad").status_code for _ in range(2)] == [401, 401]
    assert login(client, user.username, factories.password).status_code == 429


def test_a_successful_login_clears_the_failures(client, factories):
    user = factories.user("inspector")
    for _ in range(4):
        login(client, user.username, "bad")
    assert login(client, user.username, factories.password).status_code == 200
    assert [login(client, user.username, "bad").status_code for _ in range(5)] == [401] * 5


def test_refresh_rotates_and_reuse_ends_the_session(client, factories):
    user = factories.user("supervisor")
    first = login(client, user.username, factories.password).get_json()
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    new = second.get_json()
    assert new["access_token"] != first["access_token"]
    # The spent refresh token comes back: someone copied it. The whole session ends.
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert me.status_code == 401
    assert me.get_json()["error"] == "auth.invalid_token"


def test_logout_revokes_access_and_refresh(client, factories):
    user = factories.user("enterprise")
    tokens = login(client, user.username, factories.password).get_json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert (
        client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code
        == 401
    )


def test_expired_access_token_is_refused(client, factories):
    from backend.identity.models import AuthToken

    user = factories.user("enterprise")
    headers = factories.headers(user)
    db.session.execute(db.update(AuthToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "auth.invalid_token"


def test_inactive_user_cannot_log_in(client, factories):
    user = factories.user("enterprise")
    user.active = False
    db.session.commit()
    assert login(client, user.username, factories.password).status_code == 401
