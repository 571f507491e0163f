"""Password login, throttling and lockout, refresh rotation, logout and revocation."""

from datetime import timedelta

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.extensions import db
from backend.identity.models import LoginThrottle


def login(client, username, password, **headers):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, headers=headers
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


def test_repeated_failures_slow_down_then_lock(app, client, factories):
    user = factories.user("inspector")
    statuses = [login(client, user.username, "bad").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    # The fourth attempt comes too soon after the third failure: slowed down.
    slowed = login(client, user.username, factories.password)
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
    # Pretend time passed and fail until locked.
    row = db.session.get(LoginThrottle, user.username)
    for _ in range(2):
        row.last_failure_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert login(client, user.username, "bad").status_code == 401
        db.session.refresh(row)
    assert row.locked_until is not None
    locked = login(client, user.username, factories.password)
    assert locked.status_code == 429
    assert locked.get_json()["error"] == "auth.locked"
    assert int(locked.headers["Retry-After"]) > 60


def test_unknown_user_names_are_throttled_too(client):
    for _ in range(3):
        login(client, "ghost", "bad")
    assert login(client, "ghost", "bad").status_code == 429


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
