"""A login session has an absolute lifetime (SESSION_MAX_AGE from the login; refreshing keeps its start)."""

from datetime import timedelta

from backend.core.auth import hash_token
from backend.core.models import utcnow
from backend.extensions import db
from backend.identity.models import AuthToken


def _login(client, factories):
    user = factories.user("supervisor")
    body = client.post("/api/v1/auth/login", json={"username": user.username, "password": factories.password})
    assert body.status_code == 200, body.get_json()
    return body.get_json()


def _row(token: str) -> AuthToken:
    query = db.select(AuthToken).where(AuthToken.token_hash == hash_token(token))
    return db.session.execute(query).scalar_one()


def _age_session(session_id: str, by: timedelta) -> None:
    """Move the session's login `by` into the past (its tokens' expiry stays as it was)."""
    for row in db.session.execute(db.select(AuthToken).where(AuthToken.session_id == session_id)).scalars():
        row.issued_at = row.issued_at - by
    db.session.commit()


def test_a_refresh_never_extends_the_session_past_its_absolute_end(app, client, factories):
    first = _login(client, factories)
    session_id = _row(first["refresh_token"]).session_id
    _age_session(session_id, timedelta(days=29))
    login_at = db.session.execute(
        db.select(db.func.min(AuthToken.issued_at)).where(AuthToken.session_id == session_id)
    ).scalar_one()
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.get_json()
    new = _row(refreshed.get_json()["refresh_token"])
    assert new.session_id == session_id
    # 30 days from the login, not 30 days from this refresh.
    assert new.expires_at == login_at + timedelta(seconds=app.config["SESSION_MAX_AGE"])
    assert new.expires_at < utcnow() + timedelta(days=2)


def test_a_session_older_than_its_maximum_age_cannot_be_refreshed(client, factories):
    first = _login(client, factories)
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).get_json()
    _age_session(_row(first["refresh_token"]).session_id, timedelta(days=30, seconds=1))
    late = client.post("/api/v1/auth/refresh", json={"refresh_token": refreshed["refresh_token"]})
    assert late.status_code == 401 and late.get_json()["error"] == "auth.invalid_token"


def test_session_max_age_bounds_the_first_pair(app, client, factories):
    app.config["SESSION_MAX_AGE"] = 600
    try:
        body = _login(client, factories)
    finally:
        app.config["SESSION_MAX_AGE"] = 30 * 24 * 3600
    row = _row(body["refresh_token"])
    assert row.expires_at <= row.issued_at + timedelta(seconds=600)
