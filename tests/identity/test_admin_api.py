"""Administration: districts, enterprises, qualifications, users and client keys, scoped to a district."""

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.identity.client_keys import signed_message
from backend.identity.models import AuthToken, ClientKey, Enterprise, User

A = "/api/v1/admin"


@pytest.fixture
def admin(factories):
    user = factories.user("administrator", district_code="5300")
    return user, factories.headers(user, assurance="key")


def last_audit(action):
    query = db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    return db.session.execute(query).scalars().first()


def new_enterprise(client, headers, **fields):
    body = {"customs_code": "4403960ABC", "name_zh": "深圳市竹韵家居用品有限公司", **fields}
    return client.post(f"{A}/enterprises", json=body, headers=headers)


def test_districts_are_listed(client, admin):
    _, headers = admin
    codes = [d["code"] for d in client.get(f"{A}/districts", headers=headers).get_json()]
    assert {"5300", "5301", "2200"} <= set(codes)


def test_create_enterprise_in_own_district_writes_audit(client, admin):
    user, headers = admin
    response = new_enterprise(client, headers, credit_grade="advanced")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["district_code"] == "5300" and body["customs_code"] == "4403960ABC"
    event = last_audit("identity.enterprise_created")
    assert event.actor_user_id == user.id and event.assurance == "key"
    assert event.before is None and event.after["customs_code"] == "4403960ABC"


@pytest.mark.parametrize(
    # Full-width digits are not refused: the base schema folds them to ASCII (tests/core/test_text_input.py).
    "code", ["4403960AB", "4403960ABCD", "4403960abc", "4403-60ABC", "４４０３９６０ＡＢ"]
)
def test_customs_code_must_be_ten_digits_or_capitals(client, admin, code):
    _, headers = admin
    response = new_enterprise(client, headers, customs_code=code)
    body = response.get_json()
    assert response.status_code == 422 and body["error"] == "request.invalid"
    assert "10" in body["errors"]["customs_code"][0]
    assert db.session.execute(db.select(Enterprise)).first() is None


def test_duplicate_customs_code_is_409_and_stores_nothing(client, admin):
    _, headers = admin
    assert new_enterprise(client, headers).status_code == 201
    again = new_enterprise(client, headers, name_zh="另一家")
    assert again.status_code == 409 and again.get_json()["error"] == "identity.enterprise_exists"
    assert len(db.session.execute(db.select(Enterprise)).all()) == 1
    assert len(db.session.execute(db.select(AuditEvent)).all()) == 1


def test_enterprise_in_another_district_cannot_be_created_or_seen(client, factories, admin):
    _, headers = admin
    refused = new_enterprise(client, headers, district_code="2200")
    assert refused.status_code == 403 and refused.get_json()["error"] == "identity.district_forbidden"
    shanghai = factories.enterprise(district_code="2200")
    assert client.get(f"{A}/enterprises/{shanghai.id}", headers=headers).status_code == 404
    listed = client.get(f"{A}/enterprises", headers=headers).get_json()
    assert shanghai.id not in [e["id"] for e in listed]


def test_update_enterprise_records_before_and_after(client, admin):
    _, headers = admin
    ent_id = new_enterprise(client, headers).get_json()["id"]
    response = client.patch(f"{A}/enterprises/{ent_id}", json={"credit_grade": "dishonest"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["credit_grade"] == "dishonest"
    event = last_audit("identity.enterprise_updated")
    assert event.before["credit_grade"] == "general" and event.after["credit_grade"] == "dishonest"


def test_writes_need_a_key_session_reads_do_not(client, factories, admin):
    user, _ = admin
    password_headers = factories.headers(user)
    assert client.get(f"{A}/enterprises", headers=password_headers).status_code == 200
    refused = new_enterprise(client, password_headers)
    assert refused.status_code == 403 and refused.get_json()["error"] == "auth.key_required"


def test_qualifications_from_the_catalog(client, admin):
    _, headers = admin
    ent_id = new_enterprise(client, headers).get_json()["id"]
    url = f"{A}/enterprises/{ent_id}/qualifications"
    good = {
        "type_code": "BWG_PRODUCER",
        "number": "4403BWG0001",
        "holder_name": "竹韵",
        "valid_from": "2025-01-01",
        "valid_until": "2029-12-31",
    }
    created = client.post(url, json=good, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert client.post(url, json=good, headers=headers).get_json()["error"] == "identity.qualification_exists"
    unknown = client.post(url, json={**good, "type_code": "NOPE", "number": "x"}, headers=headers)
    assert unknown.status_code == 422 and "type_code" in unknown.get_json()["errors"]
    backwards = client.post(url, json={**good, "number": "y", "valid_until": "2024-01-01"}, headers=headers)
    assert backwards.status_code == 422 and "valid_until" in backwards.get_json()["errors"]
    q_id = created.get_json()["id"]
    patched = client.patch(f"{url}/{q_id}", json={"valid_until": "2030-06-30"}, headers=headers)
    assert patched.status_code == 200 and patched.get_json()["valid_until"] == "2030-06-30"
    event = last_audit("identity.qualification_updated")
    assert event.before["valid_until"] == "2029-12-31" and event.after["valid_until"] == "2030-06-30"
    listed = client.get(url, headers=headers).get_json()
    assert [q["number"] for q in listed] == ["4403BWG0001"]


def test_create_users_with_scope(client, factories, admin):
    _, headers = admin
    ent = factories.enterprise(district_code="5300")
    ok = client.post(
        f"{A}/users",
        headers=headers,
        json={
            "username": "wang.li",
            "display_name": "王丽",
            "role": "enterprise",
            "enterprise_id": ent.id,
            "password": "Long-enough-pw1",
        },
    )
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["has_password"] is True and "password" not in ok.get_json()
    no_ent = client.post(
        f"{A}/users", headers=headers, json={"username": "nobody", "display_name": "x", "role": "enterprise"}
    )
    assert no_ent.status_code == 422 and no_ent.get_json()["error"] == "identity.scope_invalid"
    inspector = client.post(
        f"{A}/users",
        headers=headers,
        json={"username": "zhang.jian", "display_name": "张检", "role": "inspector"},
    )
    assert inspector.get_json()["district_code"] == "5300"
    elsewhere = client.post(
        f"{A}/users",
        headers=headers,
        json={
            "username": "sh.inspector",
            "display_name": "上海",
            "role": "inspector",
            "district_code": "2200",
        },
    )
    assert elsewhere.status_code == 403 and elsewhere.get_json()["error"] == "identity.district_forbidden"
    taken = client.post(
        f"{A}/users",
        headers=headers,
        json={"username": "zhang.jian", "display_name": "again", "role": "reviewer"},
    )
    assert taken.status_code == 409 and taken.get_json()["error"] == "identity.username_taken"
    strict = client.post(
        f"{A}/users",
        headers=headers,
        json={"username": "abc", "display_name": "x", "role": "enterprise", "enterprise_id": float(ent.id)},
    )
    assert strict.status_code == 422 and "enterprise_id" in strict.get_json()["errors"]
    unknown = client.post(
        f"{A}/users",
        headers=headers,
        json={"username": "abcd", "display_name": "x", "role": "reviewer", "is_superuser": True},
    )
    assert unknown.status_code == 422 and "is_superuser" in unknown.get_json()["errors"]


def test_users_of_other_districts_are_not_found(client, factories, admin):
    _, headers = admin
    shanghai_user = factories.user("inspector", district_code="2200")
    for method, path in [("get", ""), ("post", "/deactivate"), ("put", "/password")]:
        kwargs = {"json": {"password": "Long-enough-pw1"}} if method == "put" else {}
        response = getattr(client, method)(f"{A}/users/{shanghai_user.id}{path}", headers=headers, **kwargs)
        assert response.status_code == 404, (method, path)
    ids = [u["id"] for u in client.get(f"{A}/users", headers=headers).get_json()]
    assert shanghai_user.id not in ids


def test_set_password_ends_sessions_and_lets_the_new_one_in(client, factories, admin):
    _, headers = admin
    user = factories.user("reviewer")
    old = factories.headers(user)
    response = client.put(
        f"{A}/users/{user.id}/password", json={"password": "A-new-password-9"}, headers=headers
    )
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me", headers=old).status_code == 401
    login = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": "A-new-password-9"}
    )
    assert login.status_code == 200
    short = client.put(f"{A}/users/{user.id}/password", json={"password": "short"}, headers=headers)
    assert short.status_code == 422 and "password" in short.get_json()["errors"]


def test_deactivate_revokes_every_token_and_reactivate(client, factories, admin):
    _, headers = admin
    user = factories.user("enterprise")
    user_headers = factories.headers(user)
    response = client.post(f"{A}/users/{user.id}/deactivate", headers=headers)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert client.get("/api/v1/auth/me", headers=user_headers).status_code == 401
    live = db.session.execute(
        db.select(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    ).all()
    assert live == []
    event = last_audit("identity.user_deactivated")
    assert (
        event.before["active"] is True
        and event.after["active"] is False
        and event.after["tokens_revoked"] == 2
    )
    assert client.post(f"{A}/users/{user.id}/reactivate", headers=headers).get_json()["active"] is True
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": user.username, "password": factories.password}
        ).status_code
        == 200
    )


def test_administrator_cannot_deactivate_themselves(client, admin):
    user, headers = admin
    response = client.post(f"{A}/users/{user.id}/deactivate", headers=headers)
    assert response.status_code == 409 and response.get_json()["error"] == "identity.self_change_refused"
    assert db.session.get(User, user.id).active is True


def test_update_user_contact(client, factories, admin):
    _, headers = admin
    user = factories.user("supervisor")
    response = client.patch(f"{A}/users/{user.id}", json={"email": "zhao@example.cn"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["email"] == "zhao@example.cn"
    assert last_audit("identity.user_updated").after["email"] == "zhao@example.cn"


@pytest.mark.parametrize("encoding", ["pem", "raw"])
def test_register_client_key_then_log_in_then_revoke(client, factories, admin, encoding):
    _, headers = admin
    system = factories.user("system_client")
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    if encoding == "pem":
        text = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
    else:
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    created = client.post(
        f"{A}/client-keys",
        headers=headers,
        json={"user_id": system.id, "public_key": text, "key_id": "sw-gateway"},
    )
    assert created.status_code == 201, created.get_json()
    nonce = client.post(
        "/api/v1/auth/key/challenge", json={"key_id": "sw-gateway", "audience": "http://localhost:5000"}
    ).get_json()["nonce"]
    signature = (
        base64.urlsafe_b64encode(
            private.sign(signed_message(key_id="sw-gateway", nonce=nonce, audience="http://localhost:5000"))
        )
        .rstrip(b"=")
        .decode()
    )
    login = client.post(
        "/api/v1/auth/key/login", json={"key_id": "sw-gateway", "nonce": nonce, "signature": signature}
    )
    assert login.status_code == 200 and login.get_json()["assurance"] == "key"
    key_id = created.get_json()["id"]
    revoked = client.post(f"{A}/client-keys/{key_id}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert (
        client.post(
            "/api/v1/auth/key/challenge", json={"key_id": "sw-gateway", "audience": "http://localhost:5000"}
        ).status_code
        == 401
    )
    assert last_audit("identity.client_key_revoked").after["revoked"] is True
    assert [k["key_id"] for k in client.get(f"{A}/client-keys", headers=headers).get_json()] == ["sw-gateway"]


def _client_key_login(client, private, key_id: str) -> dict:
    nonce = client.post(
        "/api/v1/auth/key/challenge", json={"key_id": key_id, "audience": "http://localhost:5000"}
    ).get_json()["nonce"]
    message = signed_message(key_id=key_id, nonce=nonce, audience="http://localhost:5000")
    signature = base64.urlsafe_b64encode(private.sign(message)).rstrip(b"=").decode()
    login = client.post(
        "/api/v1/auth/key/login", json={"key_id": key_id, "nonce": nonce, "signature": signature}
    )
    assert login.status_code == 200, login.get_json()
    return login.get_json()


def test_revoking_a_client_key_ends_the_sessions_it_opened(client, factories, admin):
    _, headers = admin
    system = factories.user("system_client")
    keys = {}
    for key_id in ("sw-a", "sw-b"):
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        created = client.post(
            f"{A}/client-keys",
            headers=headers,
            json={"user_id": system.id, "public_key": text, "key_id": key_id},
        )
        assert created.status_code == 201, created.get_json()
        keys[key_id] = (created.get_json()["id"], private)
    first = _client_key_login(client, keys["sw-a"][1], "sw-a")
    # The rotated pair of a session belongs to the same key.
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).get_json()
    other = _client_key_login(client, keys["sw-b"][1], "sw-b")
    revoked = client.post(f"{A}/client-keys/{keys['sw-a'][0]}/revoke", headers=headers)
    assert revoked.status_code == 200
    gone = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert gone.status_code == 401 and gone.get_json()["error"] == "auth.invalid_token"
    spent = client.post("/api/v1/auth/refresh", json={"refresh_token": refreshed["refresh_token"]})
    assert spent.status_code == 401 and spent.get_json()["error"] == "auth.invalid_token"
    # The session of the system client's other key goes on.
    still = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {other['access_token']}"})
    assert still.status_code == 200


def test_client_key_errors(client, factories, admin):
    _, headers = admin
    system = factories.user("system_client")
    bad = client.post(f"{A}/client-keys", headers=headers, json={"user_id": system.id, "public_key": "abc"})
    assert bad.status_code == 422 and bad.get_json()["error"] == "identity.public_key_invalid"
    raw = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    text = base64.urlsafe_b64encode(raw).decode()
    assert (
        client.post(
            f"{A}/client-keys",
            headers=headers,
            json={"user_id": system.id, "public_key": text, "key_id": "k-1"},
        ).status_code
        == 201
    )
    dup = client.post(
        f"{A}/client-keys", headers=headers, json={"user_id": system.id, "public_key": text, "key_id": "k-1"}
    )
    assert dup.status_code == 409 and dup.get_json()["error"] == "identity.key_exists"
    elsewhere = factories.user("system_client", district_code="2200")
    other = client.post(
        f"{A}/client-keys", headers=headers, json={"user_id": elsewhere.id, "public_key": text}
    )
    assert other.status_code == 404


@pytest.mark.parametrize("role", ["enterprise", "certificate_officer", "administrator", "reviewer"])
def test_an_administrator_cannot_attach_a_client_key_to_a_person(client, factories, admin, role):
    """A key the administrator holds for a person would let the administrator log in as them."""
    _, headers = admin
    person = (
        factories.user(role, enterprise=factories.enterprise())
        if role == "enterprise"
        else factories.user(role)
    )
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    refused = client.post(
        f"{A}/client-keys", headers=headers, json={"user_id": person.id, "public_key": text, "key_id": "p-1"}
    )
    assert refused.status_code == 409, refused.get_json()
    body = refused.get_json()
    assert body["error"] == "identity.client_key_for_person" and "user_id" in body["errors"]
    assert db.session.execute(db.select(ClientKey)).scalars().all() == []
    # A key attached to a person before this rule no longer opens a session.
    db.session.add(ClientKey(key_id="legacy-person", user_id=person.id, public_key=raw))
    db.session.commit()
    challenge = client.post(
        "/api/v1/auth/key/challenge", json={"key_id": "legacy-person", "audience": "http://localhost:5000"}
    )
    assert challenge.status_code == 401 and challenge.get_json()["error"] == "auth.key_invalid"
