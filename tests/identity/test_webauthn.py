"""Security-key (WebAuthn) registration and login, with a software authenticator and py_webauthn."""

from datetime import timedelta

import pytest

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.extensions import db
from backend.identity.enrolment import issue_enrolment_code_on_server
from backend.identity.models import AuthChallenge, WebAuthnCredential
from tests.identity.soft_authenticator import SoftAuthenticator

BASE = "/api/v1/auth/webauthn"


def code_for(user) -> str:
    """A one-time enrolment code for `user`'s first key (as `flask identity enrolment-code` issues)."""
    return issue_enrolment_code_on_server(username=user.username)["code"]


def register(client, headers, authenticator, code=None, **create_kwargs):
    extra = {"enrolment_code": code} if code else {}
    options = client.post(f"{BASE}/register/options", headers=headers, json=extra)
    assert options.status_code == 200, options.get_json()
    credential = authenticator.create(options.get_json()["options"], **create_kwargs)
    return client.post(
        f"{BASE}/register/verify", headers=headers, json={"credential": credential, "name": "U 盾", **extra}
    )


def login_options(client, username):
    response = client.post(f"{BASE}/login/options", json={"username": username})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["options"]


def key_login(client, username, authenticator, **get_kwargs):
    credential = authenticator.get(login_options(client, username), **get_kwargs)
    return client.post(f"{BASE}/login/verify", json={"credential": credential})


@pytest.fixture
def enrolled(client, factories):
    """A certificate officer with one registered ES256 key."""
    user = factories.user("certificate_officer")
    authenticator = SoftAuthenticator()
    response = register(client, factories.headers(user), authenticator, code=code_for(user))
    assert response.status_code == 201, response.get_json()
    return user, authenticator


def test_registration_options_ask_for_user_verification_and_es256_eddsa(client, factories):
    user = factories.user("enterprise")
    body = client.post(
        f"{BASE}/register/options", headers=factories.headers(user), json={"enrolment_code": code_for(user)}
    ).get_json()
    options = body["options"]
    assert options["rp"]["id"] == "localhost"
    assert {p["alg"] for p in options["pubKeyCredParams"]} == {-7, -8}
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert body["expires_in"] == 120
    stored = db.session.execute(db.select(AuthChallenge)).scalar_one()
    assert stored.user_id == user.id and stored.purpose == "webauthn.register"


def test_register_then_log_in_with_key_assurance(client, factories, enrolled):
    user, authenticator = enrolled
    keys = client.get(f"{BASE}/keys", headers=factories.headers(user)).get_json()
    assert [(k["name"], k["transports"]) for k in keys] == [("U 盾", ["usb"])]
    response = key_login(client, user.username, authenticator)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "assurance"}
    assert body["assurance"] == "key"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.get_json()["assurance"] == "key"
    stored = db.session.execute(db.select(WebAuthnCredential)).scalar_one()
    assert stored.sign_count == 1 and stored.last_used_at is not None
    logins = (
        db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "identity.login")).scalars().all()
    )
    assert logins[-1].after["assurance"] == "key" and logins[-1].after["method"] == "webauthn"


def test_eddsa_key_registers_and_logs_in(client, factories):
    user = factories.user("reviewer")
    authenticator = SoftAuthenticator(alg="EdDSA")
    assert register(client, factories.headers(user), authenticator, code=code_for(user)).status_code == 201
    assert key_login(client, user.username, authenticator).status_code == 200


def test_login_challenge_cannot_be_replayed(client, enrolled):
    user, authenticator = enrolled
    credential = authenticator.get(login_options(client, user.username))
    assert client.post(f"{BASE}/login/verify", json={"credential": credential}).status_code == 200
    replay = client.post(f"{BASE}/login/verify", json={"credential": credential})
    assert replay.status_code == 401
    assert replay.get_json()["error"] == "auth.challenge_invalid"
    assert replay.get_json()["detail"] == {"reason": "used"}


def test_registration_challenge_cannot_be_replayed(client, factories):
    user = factories.user("inspector")
    headers = factories.headers(user)
    code = {"enrolment_code": code_for(user)}
    options = client.post(f"{BASE}/register/options", headers=headers, json=code).get_json()["options"]
    first = SoftAuthenticator().create(options)
    registered = client.post(f"{BASE}/register/verify", headers=headers, json={"credential": first, **code})
    assert registered.status_code == 201
    second = SoftAuthenticator().create(options)
    key_headers = factories.headers(user, assurance="key")
    replay = client.post(f"{BASE}/register/verify", headers=key_headers, json={"credential": second})
    assert replay.status_code == 401 and replay.get_json()["error"] == "auth.challenge_invalid"


def test_expired_challenge_is_refused(client, enrolled):
    user, authenticator = enrolled
    credential = authenticator.get(login_options(client, user.username))
    db.session.execute(db.update(AuthChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post(f"{BASE}/login/verify", json={"credential": credential})
    assert response.status_code == 401
    assert response.get_json()["detail"] == {"reason": "expired"}


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"origin": "https://evil.example"}, "origin"),
        ({"rp_id": "evil.example"}, "RP ID"),
        ({"tamper_signature": True}, "signature"),
        ({"user_verified": False}, "verification"),
        ({"sign_count": 0}, "sign count"),
    ],
)
def test_bad_assertions_fail_with_a_clear_reason(client, enrolled, kwargs, reason):
    user, authenticator = enrolled
    if kwargs.get("sign_count") == 0:  # the key has been used once: a counter that went back is a clone
        assert key_login(client, user.username, authenticator).status_code == 200
    response = key_login(client, user.username, authenticator, **kwargs)
    body = response.get_json()
    assert response.status_code == 401, body
    assert body["error"] == "auth.key_invalid"
    assert reason.lower() in body["detail"]["reason"].lower()
    # The challenge was not spent by the failure, and no session was opened.
    assert db.session.execute(db.select(AuthChallenge).where(AuthChallenge.used_at.is_(None))).first()


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [({"origin": "http://localhost:6000"}, "origin"), ({"rp_id": "example.com"}, "RP ID")],
)
def test_bad_registrations_fail_and_store_nothing(client, factories, kwargs, reason):
    user = factories.user("enterprise")
    code = code_for(user)
    response = register(client, factories.headers(user), SoftAuthenticator(), code=code, **kwargs)
    assert response.status_code == 401, response.get_json()
    assert reason.lower() in response.get_json()["detail"]["reason"].lower()
    assert db.session.execute(db.select(WebAuthnCredential)).first() is None


def test_key_of_another_user_cannot_answer_for_this_user(client, factories, enrolled):
    _, authenticator = enrolled
    other = factories.user("certificate_officer")
    response = key_login(client, other.username, authenticator)
    assert response.status_code == 401 and response.get_json()["error"] == "auth.key_invalid"


def test_unknown_user_gets_options_but_cannot_log_in(client, enrolled):
    _, authenticator = enrolled
    options = login_options(client, "nobody-here")
    assert options["allowCredentials"] == []
    response = client.post(f"{BASE}/login/verify", json={"credential": authenticator.get(options)})
    assert response.status_code == 401


def test_second_key_and_removal_need_a_key_session(client, factories, enrolled):
    user, _ = enrolled
    password_headers = factories.headers(user)
    refused = client.post(f"{BASE}/register/options", headers=password_headers)
    assert refused.status_code == 403 and refused.get_json()["error"] == "auth.key_required"
    key_headers = factories.headers(user, assurance="key")
    assert register(client, key_headers, SoftAuthenticator()).status_code == 201
    key_id = client.get(f"{BASE}/keys", headers=key_headers).get_json()[0]["id"]
    assert client.delete(f"{BASE}/keys/{key_id}", headers=password_headers).status_code == 403
    assert client.delete(f"{BASE}/keys/{key_id}", headers=key_headers).status_code == 204
    assert len(client.get(f"{BASE}/keys", headers=key_headers).get_json()) == 1


def test_the_same_key_cannot_be_registered_twice(client, factories, enrolled):
    user, authenticator = enrolled
    response = register(client, factories.headers(user, assurance="key"), authenticator)
    assert response.status_code == 409 and response.get_json()["error"] == "identity.key_exists"


def test_keys_of_others_are_not_found(client, factories, enrolled):
    _, _ = enrolled
    key = db.session.execute(db.select(WebAuthnCredential)).scalar_one()
    stranger = factories.user("certificate_officer")
    response = client.delete(f"{BASE}/keys/{key.id}", headers=factories.headers(stranger, assurance="key"))
    assert response.status_code == 404


def test_deactivated_user_cannot_log_in_with_a_key(client, enrolled):
    user, authenticator = enrolled
    user.active = False
    db.session.commit()
    assert key_login(client, user.username, authenticator).status_code == 401


@pytest.mark.parametrize(
    "credential", [{}, {"response": {}}, {"response": {"clientDataJSON": "!!"}}, {"rawId": 5}]
)
def test_malformed_credentials_are_422(client, credential):
    response = client.post(f"{BASE}/login/verify", json={"credential": credential})
    assert response.status_code == 422
    assert response.get_json()["error"] == "identity.webauthn_malformed"


def test_removing_a_key_ends_the_sessions_it_opened(client, factories, enrolled):
    user, authenticator = enrolled
    opened = key_login(client, user.username, authenticator)
    first = {"Authorization": f"Bearer {opened.get_json()['access_token']}"}
    [first_key_id] = [key["id"] for key in client.get(f"{BASE}/keys", headers=first).get_json()]
    second_key = SoftAuthenticator()
    assert register(client, first, second_key).status_code == 201
    reopened = key_login(client, user.username, second_key)
    second = {"Authorization": f"Bearer {reopened.get_json()['access_token']}"}
    assert client.delete(f"{BASE}/keys/{first_key_id}", headers=second).status_code == 204
    assert client.get("/api/v1/auth/me", headers=first).status_code == 401
    assert client.get("/api/v1/auth/me", headers=second).status_code == 200


def test_a_password_session_cannot_enrol_a_first_key_without_an_enrolment_code(client, factories):
    """Key assurance must add something over a stolen password: the first key needs the admin's code."""
    user = factories.user("enterprise")
    headers = factories.headers(user)
    refused = client.post(f"{BASE}/register/options", headers=headers, json={})
    assert refused.status_code == 403 and refused.get_json()["error"] == "identity.enrolment_code_required"
    assert "enrolment_code" in refused.get_json()["errors"]
    wrong = client.post(
        f"{BASE}/register/options", headers=headers, json={"enrolment_code": "AAAA-BBBB-CCCC"}
    )
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "identity.enrolment_code_invalid"
    # Someone else's code does not work either: codes are bound to their user.
    other_code = code_for(factories.user("enterprise"))
    assert register_refused(client, headers, other_code) == "identity.enrolment_code_invalid"
    # Options with a live code, then verify without it: refused, nothing stored.
    code = code_for(user)
    options = client.post(f"{BASE}/register/options", headers=headers, json={"enrolment_code": code})
    credential = SoftAuthenticator().create(options.get_json()["options"])
    without = client.post(f"{BASE}/register/verify", headers=headers, json={"credential": credential})
    assert without.status_code == 403 and without.get_json()["error"] == "identity.enrolment_code_required"
    assert db.session.execute(db.select(WebAuthnCredential)).first() is None


def register_refused(client, headers, code) -> str:
    response = client.post(f"{BASE}/register/options", headers=headers, json={"enrolment_code": code})
    assert response.status_code == 403
    return response.get_json()["error"]


def test_an_enrolment_code_is_used_once_expires_and_is_replaced(client, factories, app):
    user = factories.user("reviewer")
    headers = factories.headers(user)
    code = code_for(user)
    assert (
        register(client, headers, SoftAuthenticator(), code=code.lower().replace("-", " ")).status_code == 201
    )
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions[-3:] == [
        "identity.enrolment_code_issued",
        "identity.enrolment_code_used",
        "identity.security_key_registered",
    ]
    # The key is registered: removing it (key session) and enrolling again needs a new code.
    key_headers = factories.headers(user, assurance="key")
    [key_id] = [key["id"] for key in client.get(f"{BASE}/keys", headers=key_headers).get_json()]
    assert client.delete(f"{BASE}/keys/{key_id}", headers=key_headers).status_code == 204
    assert register_refused(client, headers, code) == "identity.enrolment_code_invalid"
    replaced = code_for(user)
    latest = code_for(user)
    assert register_refused(client, headers, replaced) == "identity.enrolment_code_invalid"
    from backend.identity.enrolment_models import EnrolmentCode

    row = db.session.execute(db.select(EnrolmentCode).order_by(EnrolmentCode.id.desc())).scalars().first()
    assert latest.replace("-", "") not in row.code_hash  # stored hashed only
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert register_refused(client, headers, latest) == "identity.enrolment_code_invalid"


def test_administrators_issue_codes_for_people_of_their_district_with_a_key(client, factories):
    admin = factories.user("administrator", district_code="5300")
    keyed = factories.headers(admin, assurance="key")
    person = factories.user("certificate_officer", district_code="5300")
    url = f"/api/v1/admin/users/{person.id}/enrolment-code"
    issued = client.post(url, headers=keyed)
    assert issued.status_code == 201, issued.get_json()
    body = issued.get_json()
    assert body["user_id"] == person.id and len(body["code"]) == 14 and body["expires_at"]
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "identity.enrolment_code_issued")
    ).scalar_one()
    assert event.actor_user_id == admin.id and body["code"] not in str(event.after)
    assert (
        register(client, factories.headers(person), SoftAuthenticator(), code=body["code"]).status_code == 201
    )
    password = client.post(url, headers=factories.headers(admin))
    assert password.status_code == 403 and password.get_json()["error"] == "auth.key_required"
    elsewhere = factories.user("reviewer", district_code="2200")
    assert client.post(f"/api/v1/admin/users/{elsewhere.id}/enrolment-code", headers=keyed).status_code == 404
    system = factories.user("system_client", district_code="5300")
    refused = client.post(f"/api/v1/admin/users/{system.id}/enrolment-code", headers=keyed)
    assert (
        refused.status_code == 409
        and refused.get_json()["error"] == "identity.enrolment_not_for_system_client"
    )


def test_the_server_command_prints_a_code(app, factories):
    admin = factories.user("administrator", username="first-admin", district_code="5300")
    result = app.test_cli_runner().invoke(args=["identity", "enrolment-code", "first-admin"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("first-admin: ") and "valid until" in result.output
    code = result.output.split()[1]
    from backend.identity.enrolment import check_enrolment_code

    check_enrolment_code(user_id=admin.id, code=code)
    unknown = app.test_cli_runner().invoke(args=["identity", "enrolment-code", "nobody"])
    assert unknown.exit_code != 0 and "resource.not_found" in unknown.output
