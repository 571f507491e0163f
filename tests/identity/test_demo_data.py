"""`flask demo-data`: idempotent, DEMO_PASSWORD or a printed random password, every demo user logs in."""

import re

from backend.demo import USERS
from backend.extensions import db
from backend.identity.models import Enterprise, Qualification, User


def counts():
    return tuple(
        db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
        for model in (User, Enterprise, Qualification)
    )


def run(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return result.output


def log_in_everyone(client, password):
    for username, role, *_ in USERS:
        response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, (username, response.get_json())
        me = client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {response.get_json()['access_token']}"}
        )
        assert me.get_json()["role"] == role


def test_demo_data_with_demo_password_is_idempotent(app, client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-password-2026")
    first = run(app)
    assert "demo password" not in first and "ent-demo" in first
    after_first = counts()
    assert after_first == (len(USERS), 2, 4)
    run(app)
    assert counts() == after_first
    log_in_everyone(client, "Demo-password-2026")


def test_demo_data_prints_a_random_password_that_works(app, client, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    output = run(app)
    match = re.search(r"demo password \(random.*\): (\S+)", output)
    assert match, output
    log_in_everyone(client, match.group(1))
    second = run(app)
    assert "passwords unchanged" in second
    log_in_everyone(client, match.group(1))


def test_if_empty_leaves_an_existing_database_alone(app, factories, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-password-2026")
    factories.user("reviewer")
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0 and "left as it is" in result.output
    assert counts()[0] == 1


def test_demo_password_resets_existing_demo_users(app, client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-password-2026")
    run(app)
    monkeypatch.setenv("DEMO_PASSWORD", "Another-password-2027")
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0 and "DEMO_PASSWORD set for" in result.output
    log_in_everyone(client, "Another-password-2027")
