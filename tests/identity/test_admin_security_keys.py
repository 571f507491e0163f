"""Administrators list and revoke the security keys of the users of their own district."""

import os

import pytest

from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.identity.models import WebAuthnCredential
from tests.helpers import PASSWORD
from tests.identity.soft_authenticator import SoftAuthenticator
from tests.identity.test_webauthn import code_for, key_login, register

A = "/api/v1/admin/users"


@pytest.fixture
def admin(factories):
    user = factories.user("administrator", district_code="5300")
    return user, factories.headers(user, assurance="key")


@pytest.fixture
def enrolled(client, factories):
    """An enterprise user of a 5300 enterprise with one real security key (a software authenticator)."""
    user = factories.user("enterprise", enterprise=factories.enterprise(district_code="5300"))
    authenticator = SoftAuthenticator()
    response = register(client, factories.headers(user), authenticator, code=code_for(user))
    assert response.status_code == 201, response.get_json()
    return user, authenticator, response.get_json()["id"]


def stored_key(user):
    key = WebAuthnCredential(user_id=user.id, credential_id=os.urandom(32), public_key=b"\xa0", sign_count=0)
    db.session.add(key)
    db.session.commit()
    return key.id


def keys_of(user_id):
    query = db.select(WebAuthnCredential.id).where(WebAuthnCredential.user_id == user_id)
    return sorted(db.session.execute(query).scalars())


def assert_not_found(response):
    body = response.get_json()
    assert response.status_code == 404, body
    assert body["code"] == 404 and body["status"] == "Not Found" and body["error"] == "resource.not_found"
    return body


def test_admin_lists_the_keys_of_a_user_of_the_district(client, factories, admin, enrolled):
    admin_user, headers = admin
    user, _, key_id = enrolled
    listed = client.get(f"{A}/{user.id}/security-keys", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    assert [(k["id"], k["name"], k["transports"]) for k in listed.get_json()] == [(key_id, "U 盾", ["usb"])]
    # Reading needs only a login, as the other administration reads.
    password_headers = factories.headers(admin_user)
    assert client.get(f"{A}/{user.id}/security-keys", headers=password_headers).status_code == 200


def test_revoked_key_can_no_longer_log_in_and_is_audited(client, factories, admin, enrolled):
    admin_user, headers = admin
    user, authenticator, key_id = enrolled
    assert key_login(client, user.username, authenticator).status_code == 200
    response = client.delete(f"{A}/{user.id}/security-keys/{key_id}", headers=headers)
    assert response.status_code == 204, response.get_json()
    assert keys_of(user.id) == []
    assert client.get(f"{A}/{user.id}/security-keys", headers=headers).get_json() == []
    refused = key_login(client, user.username, authenticator)
    assert refused.status_code == 401 and refused.get_json()["error"] == "auth.key_invalid"
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "identity.security_key_revoked")
    ).scalar_one()
    assert (event.entity_type, event.entity_id) == ("user", str(user.id))
    assert (event.actor_user_id, event.assurance, event.district_code) == (admin_user.id, "key", "5300")
    assert event.before["key_id"] == key_id and event.before["name"] == "U 盾"
    assert event.before["last_used_at"] is not None and event.after == {"keys_left": 0}
    # With no key left the user enrols a new one, with a new enrolment code from the administrator.
    issued = client.post(f"{A}/{user.id}/enrolment-code", headers=headers)
    assert issued.status_code == 201, issued.get_json()
    code = issued.get_json()["code"]
    assert register(client, factories.headers(user), SoftAuthenticator(), code=code).status_code == 201


def test_only_the_named_key_goes(client, factories, admin):
    _, headers = admin
    inspector = factories.user("inspector", district_code="5300")
    lost, kept = stored_key(inspector), stored_key(inspector)
    assert client.delete(f"{A}/{inspector.id}/security-keys/{lost}", headers=headers).status_code == 204
    assert keys_of(inspector.id) == [kept]
    again = client.delete(f"{A}/{inspector.id}/security-keys/{lost}", headers=headers)
    assert_not_found(again)
    event = db.session.execute(db.select(AuditEvent)).scalars().all()[-1]
    assert event.action == "identity.security_key_revoked" and event.after == {"keys_left": 1}


def test_revoking_needs_a_key_session(client, factories, admin):
    admin_user, _ = admin
    inspector = factories.user("inspector", district_code="5300")
    key_id = stored_key(inspector)
    response = client.delete(
        f"{A}/{inspector.id}/security-keys/{key_id}", headers=factories.headers(admin_user)
    )
    assert response.status_code == 403 and response.get_json()["error"] == "auth.key_required"
    assert keys_of(inspector.id) == [key_id]


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda f: f.user("inspector", district_code="2200"), id="customs-user"),
        pytest.param(lambda f: f.user("system_client", district_code="5301"), id="system-client"),
        pytest.param(
            lambda f: f.user("enterprise", enterprise=f.enterprise(district_code="2200")),
            id="enterprise-user-of-a-2200-enterprise",
        ),
    ],
)
def test_users_of_another_district_are_not_found(client, factories, admin, make_user):
    _, headers = admin
    stranger = make_user(factories)
    key_id = stored_key(stranger)
    assert_not_found(client.get(f"{A}/{stranger.id}/security-keys", headers=headers))
    body = assert_not_found(
        client.delete(
            f"{A}/{stranger.id}/security-keys/{key_id}", headers={**headers, "Accept-Language": "en"}
        )
    )
    assert body["message"] == "Not found, or not yours to see."
    assert keys_of(stranger.id) == [key_id]
    assert db.session.execute(db.select(AuditEvent)).first() is None


def test_unknown_user_or_key_and_a_key_of_another_user_are_not_found(client, factories, admin):
    _, headers = admin
    owner = factories.user("reviewer", district_code="5300")
    other = factories.user("reviewer", district_code="5300")
    key_id = stored_key(owner)
    assert_not_found(client.get(f"{A}/2147483647/security-keys", headers=headers))
    assert_not_found(client.delete(f"{A}/2147483647/security-keys/{key_id}", headers=headers))
    assert_not_found(client.delete(f"{A}/{owner.id}/security-keys/2147483647", headers=headers))
    body = assert_not_found(client.delete(f"{A}/{other.id}/security-keys/{key_id}", headers=headers))
    assert body["message"] == "数据不存在或无权查看。"
    assert keys_of(owner.id) == [key_id]


def test_other_roles_may_not_manage_keys(client, factories, enrolled):
    user, _, key_id = enrolled
    supervisor = factories.user("supervisor", district_code="5300")
    headers = factories.headers(supervisor, assurance="key")
    own_headers = factories.headers(user, assurance="key")
    for response in (
        client.get(f"{A}/{user.id}/security-keys", headers=headers),
        client.delete(f"{A}/{user.id}/security-keys/{key_id}", headers=headers),
        client.delete(f"{A}/{user.id}/security-keys/{key_id}", headers=own_headers),
    ):
        assert response.status_code == 403 and response.get_json()["error"] == "auth.forbidden"
    assert keys_of(user.id) == [key_id]


def test_revoking_a_key_ends_the_sessions_it_opened_and_no_other(client, factories, admin, enrolled):
    _, headers = admin
    user, authenticator, key_id = enrolled
    opened = key_login(client, user.username, authenticator).get_json()
    # A refreshed pair still descends from the key's login.
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": opened["refresh_token"]})
    refreshed = refreshed.get_json()
    password = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    by_password = {"Authorization": f"Bearer {password.get_json()['access_token']}"}
    by_key = {"Authorization": f"Bearer {refreshed['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=by_key).status_code == 200

    assert client.delete(f"{A}/{user.id}/security-keys/{key_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=by_key).status_code == 401
    spent = client.post("/api/v1/auth/refresh", json={"refresh_token": refreshed["refresh_token"]})
    assert spent.status_code == 401 and spent.get_json()["error"] == "auth.invalid_token"
    assert client.get("/api/v1/auth/me", headers=by_password).status_code == 200
