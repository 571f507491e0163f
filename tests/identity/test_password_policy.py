"""The password policy (common passwords, user name, one character class) where passwords are set, and a
user's own password change (POST /api/v1/auth/password)."""

import pytest

from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.identity.password_policy import common_passwords, weakness
from tests.helpers import PASSWORD

A = "/api/v1/admin"
CHANGE = "/api/v1/auth/password"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short-1A", "length"),
        ("1q2w3e4r5t", "common"),
        ("QWERTYUIOP", "common"),
        ("Password12", "common"),
        ("wang.li-2026!", "username"),
        ("WANG.LI.secure", "username"),
        ("98127365401", "one_class"),
        ("lowercaseonlyletters", "one_class"),
        ("UPPERCASEONLY", "one_class"),
    ],
)
def test_weak_passwords_and_the_rule_they_break(password, rule):
    assert weakness(password, username="wang.li") == rule


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "A-new-password-9", "Long-enough-pw1", "海关查检口令二〇二六年", "mixedCaseLetters"],
)
def test_acceptable_passwords(password):
    assert weakness(password, username="wang.li") is None


def test_the_bundled_list_is_loaded():
    words = common_passwords()
    assert len(words) > 1500 and "1234567890" in words and "qwertyuiop" in words
    assert all(len(word) >= 10 and word == word.lower() for word in words)


def test_administration_refuses_weak_passwords_on_create_and_set(client, factories):
    headers = factories.headers(factories.user("administrator", district_code="5300"), assurance="key")
    ent = factories.enterprise(district_code="5300")
    body = {"username": "zhao.min", "display_name": "赵敏", "role": "enterprise", "enterprise_id": ent.id}
    common = client.post(f"{A}/users", headers=headers, json={**body, "password": "qwertyuiop"})
    assert common.status_code == 422 and common.get_json()["error"] == "identity.password_weak"
    assert common.get_json()["detail"]["rule"] == "common" and "password" in common.get_json()["errors"]
    named = client.post(f"{A}/users", headers=headers, json={**body, "password": "Zhao.Min-2026"})
    assert named.status_code == 422 and named.get_json()["detail"]["rule"] == "username"
    user = factories.user("reviewer")
    digits = client.put(f"{A}/users/{user.id}/password", headers=headers, json={"password": "20261206123"})
    assert digits.status_code == 422 and digits.get_json()["detail"]["rule"] == "one_class"
    assert (
        client.get("/api/v1/auth/me", headers=factories.headers(user)).status_code == 200
    )  # nothing changed


def _login(client, username, password):
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_user_changes_their_own_password_and_their_other_sessions_end(client, factories):
    user = factories.user("enterprise")
    here = _login(client, user.username, PASSWORD)
    elsewhere = _login(client, user.username, PASSWORD)
    bearer = {"Authorization": f"Bearer {here['access_token']}"}
    changed = client.post(
        CHANGE, headers=bearer, json={"current_password": PASSWORD, "new_password": "Brand-new-pass-7"}
    )
    assert changed.status_code == 204, changed.get_json()
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    other = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {elsewhere['access_token']}"})
    assert other.status_code == 401
    assert (
        client.post("/api/v1/auth/refresh", json={"refresh_token": elsewhere["refresh_token"]}).status_code
        == 401
    )
    refused = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    assert refused.status_code == 401
    _login(client, user.username, "Brand-new-pass-7")
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "identity.password_changed")
    ).scalar_one()
    assert event.entity_id == str(user.id) and event.after["other_sessions_ended"] == 2
    assert "Brand-new-pass-7" not in str(event.after)


def test_own_change_needs_the_current_password_and_a_strong_new_one(client, factories):
    user = factories.user("reviewer")
    bearer = {"Authorization": f"Bearer {_login(client, user.username, PASSWORD)['access_token']}"}
    wrong = client.post(
        CHANGE, headers=bearer, json={"current_password": "not-it-at-all", "new_password": "Brand-new-pass-7"}
    )
    assert wrong.status_code == 422 and wrong.get_json()["error"] == "identity.current_password_wrong"
    weak = client.post(
        CHANGE, headers=bearer, json={"current_password": PASSWORD, "new_password": "1234567890"}
    )
    assert weak.status_code == 422 and weak.get_json()["error"] == "identity.password_weak"
    assert "new_password" in weak.get_json()["errors"]
    same = client.post(CHANGE, headers=bearer, json={"current_password": PASSWORD, "new_password": PASSWORD})
    assert same.status_code == 422 and same.get_json()["detail"]["rule"] == "unchanged"
    anonymous = client.post(CHANGE, json={"current_password": PASSWORD, "new_password": "Brand-new-pass-7"})
    assert anonymous.status_code == 401
    _login(client, user.username, PASSWORD)  # still the old password
