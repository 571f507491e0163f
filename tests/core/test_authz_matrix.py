"""Authorisation of every operation, derived from /api/openapi.json (so new endpoints are covered).

For each operation declaring `security` (written by `requires`, with x-roles and x-assurance):
no token → 401; each role outside x-roles → 403 auth.forbidden; a password session of an allowed
role where x-assurance is `key` → 403 auth.key_required; and, for operations with path parameters,
an allowed caller from another enterprise/district → 404 or 403 on an object made by
tests/authz_registry.py. Operations without `security` must be listed in PUBLIC_OPERATIONS.

Operations whose x-roles are exactly ["system_client"] (SYSTEM_SCOPE_OPERATIONS) are exempt from the
object test only: the clearance system works across districts and enterprises by design (see
backend.core.permissions.can_see), so it has no "other" scope. Every operation that also admits another
role keeps the object test for all its roles, system_client included.
"""

from __future__ import annotations

import inspect
import re

import pytest

from backend import create_app
from backend.core.enums import CUSTOMS_ROLES, Role
from backend.extensions import db
from tests.authz_registry import (
    ANOTHER_PORT,
    HOME_DISTRICT,
    OBJECT_FACTORIES,
    PATH_VALUES,
    PORT,
    PORT_DISTRICT,
    PORT_READABLE,
    REQUEST_BODIES,
    RawBody,
    port_objects,
)
from tests.conftest import TestConfig, _reset_database

# Operations anybody may call: logging in, in its several ways.
PUBLIC_OPERATIONS = {
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/refresh",
    "POST /api/v1/auth/webauthn/login/options",
    "POST /api/v1/auth/webauthn/login/verify",
    "POST /api/v1/auth/key/challenge",
    "POST /api/v1/auth/key/login",
    # Certificate verification: anyone holding a paper certificate (a foreign authority, a buyer) checks
    # its number and seal against the published signing keys, without an account.
    "GET /api/v1/certificates/keys",
    "GET /api/v1/certificates/jwks.json",
    "GET /api/v1/verify/{certificate_no}",
}
METHODS = {"get", "post", "put", "patch", "delete"}


def _load_operations() -> list[tuple[str, str, dict]]:
    spec = create_app(TestConfig).test_client().get("/api/openapi.json").get_json()
    operations = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                parameters = item.get("parameters", []) + operation.get("parameters", [])
                operations.append((method.upper(), path, {**operation, "parameters": parameters}))
    return operations


OPERATIONS = _load_operations()
SECURED = [op for op in OPERATIONS if op[2].get("security")]
# Operations with an object in their path: a path whose parameters are all PATH_VALUES words (a
# catalogue's name) has no owner to refuse.
WITH_PATH_PARAMETERS = [
    op
    for op in SECURED
    if any(p["in"] == "path" and p["name"] not in PATH_VALUES for p in op[2]["parameters"])
]
SYSTEM_SCOPE_OPERATIONS = {f"{op[0]} {op[1]}" for op in SECURED if op[2]["x-roles"] == ["system_client"]}


_CALLERS: dict[tuple[Role, str], dict] = {}


@pytest.fixture(scope="module")
def _matrix_database(app):
    """Empty tables plus catalogs, once for this module (the next module's tests empty them again)."""
    _CALLERS.clear()
    with app.app_context():
        _reset_database()


@pytest.fixture(autouse=True)
def _fresh_database(app, _matrix_database):
    """Overrides the per-test reset of tests/conftest.py: an app context on the module's database."""
    with app.app_context():
        yield
        db.session.remove()


def _id(op) -> str:
    return f"{op[0]} {op[1]}"


def _url(path: str, values: dict | None = None) -> str:
    values = {**PATH_VALUES, **(values or {})}
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path)


def _make_objects(names: list[str]) -> dict:
    """Values for the owner path parameters, left to right; a factory with an argument sees its parents."""
    values = {}
    for name in names:
        factory = OBJECT_FACTORIES[name]
        values[name] = factory(dict(values)) if inspect.signature(factory).parameters else factory()
    return values


def _call(client, method, path, headers=None, values=None, body=None):
    if isinstance(body, RawBody):
        return client.open(
            _url(path, values),
            method=method,
            headers={**(headers or {}), **body.headers},
            data=body.data,
            content_type=body.content_type,
        )
    return client.open(
        _url(path, values), method=method, headers=headers or {}, json=body if body is not None else {}
    )


def _assert_error(response, status, error):
    body = response.get_json()
    assert response.status_code == status, body
    assert {"code", "status", "error", "message"} <= set(body)
    assert body["code"] == status and body["error"] == error


def _caller(factories, role: Role, assurance: str = "key"):
    """Headers of a user of `role` at home: district HOME_DISTRICT, or an enterprise of it.

    One user and token per (role, assurance) for the module: every call made with them is refused, so
    nothing they do changes them, and making ~500 users cost a third of the module's time.
    """
    if (role, assurance) not in _CALLERS:
        if role == Role.ENTERPRISE:
            user = factories.user(role, enterprise=factories.enterprise(district_code=HOME_DISTRICT))
        else:
            user = factories.user(role, district_code=HOME_DISTRICT)
        _CALLERS[role, assurance] = factories.headers(user, assurance=assurance)
    return _CALLERS[role, assurance]


def test_the_spec_has_operations_and_every_public_one_is_allowed():
    assert len(SECURED) >= 10
    public = {_id(op) for op in OPERATIONS if not op[2].get("security")}
    unexpected = public - PUBLIC_OPERATIONS
    assert not unexpected, (
        f"operations without @requires (add it, or list them as public): {sorted(unexpected)}"
    )
    assert PUBLIC_OPERATIONS <= public, (
        "PUBLIC_OPERATIONS lists an operation that no longer exists or is secured"
    )


@pytest.mark.parametrize("op", SECURED, ids=_id)
def test_no_token_is_401(client, op):
    method, path, operation = op
    response = _call(client, method, path)
    _assert_error(response, 401, "auth.required")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert {"x-roles", "x-assurance"} <= set(operation)


@pytest.mark.parametrize("op", SECURED, ids=_id)
def test_roles_outside_x_roles_are_403(client, factories, op):
    method, path, operation = op
    allowed = set(operation["x-roles"])
    for role in Role:
        if role.value not in allowed:
            response = _call(client, method, path, headers=_caller(factories, role))
            _assert_error(response, 403, "auth.forbidden")


@pytest.mark.parametrize("op", [op for op in SECURED if op[2]["x-assurance"] == "key"], ids=_id)
def test_password_session_on_a_key_operation_is_403_key_required(client, factories, op):
    method, path, operation = op
    for role in operation["x-roles"]:
        response = _call(client, method, path, headers=_caller(factories, Role(role), assurance="password"))
        _assert_error(response, 403, "auth.key_required")


def test_system_scope_exemption_is_the_clearance_interface_only():
    """Derived from x-roles, never listed by hand: an operation that admits any other role is not exempt."""
    assert SYSTEM_SCOPE_OPERATIONS >= {
        "POST /api/v1/e-records/{e_record_no}/verify",
        "POST /api/v1/e-records/{e_record_no}/consume",
    }
    assert (
        "POST /api/v1/e-records/{e_record_no}/void" not in SYSTEM_SCOPE_OPERATIONS
    )  # reviewers, supervisors
    for op in SECURED:
        if _id(op) in SYSTEM_SCOPE_OPERATIONS:
            assert op[2]["x-assurance"] == "key", f"{_id(op)}: a system client signs in with its client key"


def test_path_values_name_no_object():
    """A path parameter is either an object (a factory) or a fixed word (PATH_VALUES), never both."""
    assert not set(PATH_VALUES) & set(OBJECT_FACTORIES)
    used = {p["name"] for op in SECURED for p in op[2]["parameters"] if p["in"] == "path"}
    assert set(PATH_VALUES) <= used, "PATH_VALUES names a parameter no operation has"


@pytest.mark.parametrize(
    "op", [op for op in WITH_PATH_PARAMETERS if _id(op) not in SYSTEM_SCOPE_OPERATIONS], ids=_id
)
def test_objects_of_another_enterprise_or_district_are_refused(client, factories, op):
    method, path, operation = op
    names = [p["name"] for p in operation["parameters"] if p["in"] == "path" and p["name"] not in PATH_VALUES]
    missing = [name for name in names if name not in OBJECT_FACTORIES]
    if missing:
        pytest.fail(f"no factory for path parameter(s) {missing}: add them to tests/authz_registry.py")
    body = REQUEST_BODIES.get(_id(op))
    for role in operation["x-roles"]:
        values = _make_objects(names)
        response = _call(
            client, method, path, headers=_caller(factories, Role(role)), values=values, body=body
        )
        assert response.status_code != 422, (
            f"{_id(op)} answered 422 before checking ownership: add a valid body to REQUEST_BODIES "
            f"in tests/authz_registry.py ({response.get_json()})"
        )
        assert response.status_code in (403, 404), (role, response.status_code, response.get_json())
        assert response.get_json()["error"] in (
            "resource.not_found",
            "auth.forbidden",
            "identity.district_forbidden",
        )


# Acting in another's name (issue 12): refusals that no role/assurance/object check above can see.


def test_declaring_for_another_enterprise_needs_its_live_authorisation(client, factories):
    from backend.identity.agency import china_today
    from tests.declarations.bodies import registered_body

    principal = factories.enterprise(district_code=HOME_DISTRICT)
    agent = factories.enterprise(district_code=HOME_DISTRICT)
    agent_headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=agent))
    principal_key = factories.headers(factories.user(Role.ENTERPRISE, enterprise=principal), assurance="key")
    data = registered_body(factories, principal)
    refused = client.post("/api/v1/declarations", json=data, headers=agent_headers)
    _assert_error(refused, 403, "declaration.party_not_authorised")
    granted = client.post(
        "/api/v1/agent-authorisations",
        json={
            "agent_customs_code": agent.customs_code,
            "scopes": ["declare"],
            "valid_from": china_today().isoformat(),
            "valid_to": china_today().replace(year=china_today().year + 1).isoformat(),
        },
        headers=principal_key,
    )
    assert granted.status_code == 201, granted.get_json()
    accepted = client.post("/api/v1/declarations", json=data, headers=agent_headers)
    assert accepted.status_code == 201, accepted.get_json()
    revoked = client.post(
        f"/api/v1/agent-authorisations/{granted.get_json()['id']}/revoke", json={}, headers=principal_key
    )
    assert revoked.status_code == 200
    submit = client.post(
        f"/api/v1/declarations/{accepted.get_json()['id']}/submit", json={}, headers=agent_headers
    )
    _assert_error(submit, 403, "declaration.party_not_authorised")
    assert "applicant_code" in submit.get_json()["errors"]


def test_an_administrator_cannot_attach_a_client_key_to_a_person(client, factories):
    admin = _caller(factories, Role.ADMINISTRATOR)
    for role in (Role.ENTERPRISE, Role.CERTIFICATE_OFFICER, Role.ADMINISTRATOR):
        person = (
            factories.user(role, enterprise=factories.enterprise(district_code=HOME_DISTRICT))
            if role == Role.ENTERPRISE
            else factories.user(role, district_code=HOME_DISTRICT)
        )
        response = client.post(
            "/api/v1/admin/client-keys",
            json={"user_id": person.id, "public_key": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            headers=admin,
        )
        _assert_error(response, 409, "identity.client_key_for_person")


def test_a_password_session_cannot_enrol_a_key_without_an_enrolment_code(client, factories):
    for role in (Role.ENTERPRISE, Role.CERTIFICATE_OFFICER, Role.ADMINISTRATOR):
        headers = _caller(factories, role, assurance="password")
        response = client.post("/api/v1/auth/webauthn/register/options", json={}, headers=headers)
        _assert_error(response, 403, "identity.enrolment_code_required")


def test_a_revoked_client_keys_token_is_refused(client, factories):
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from backend.identity.client_keys import signed_message

    admin = _caller(factories, Role.ADMINISTRATOR)
    system = factories.user(Role.SYSTEM_CLIENT, district_code=HOME_DISTRICT)
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    public = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    created = client.post(
        "/api/v1/admin/client-keys",
        json={"user_id": system.id, "public_key": public, "key_id": "m-1"},
        headers=admin,
    )
    assert created.status_code == 201, created.get_json()
    audience = "http://localhost:5000"
    answer = client.post("/api/v1/auth/key/challenge", json={"key_id": "m-1", "audience": audience})
    nonce = answer.get_json()["nonce"]
    signature = base64.urlsafe_b64encode(
        private.sign(signed_message(key_id="m-1", nonce=nonce, audience=audience))
    ).rstrip(b"=").decode()
    tokens = client.post(
        "/api/v1/auth/key/login", json={"key_id": "m-1", "nonce": nonce, "signature": signature}
    ).get_json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    revoke = f"/api/v1/admin/client-keys/{created.get_json()['id']}/revoke"
    assert client.post(revoke, headers=admin).status_code == 200
    _assert_error(client.get("/api/v1/auth/me", headers=bearer), 401, "auth.invalid_token")
    refused = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    _assert_error(refused, 401, "auth.invalid_token")


# Levels of customs: the national level (海关总署) reads everything and acts on nothing, except on its own
# account and on the national catalogs it keeps. Listed here so that a new exception is a visible decision.
NATIONAL_WRITES = {
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/password",
    "POST /api/v1/auth/webauthn/register/options",
    "POST /api/v1/auth/webauthn/register/verify",
    "DELETE /api/v1/auth/webauthn/keys/{security_key_id}",
    "PUT /api/v1/deadlines/time-limits",
    "DELETE /api/v1/deadlines/time-limits",
    "PUT /api/v1/deadlines/calendar",
    "DELETE /api/v1/deadlines/calendar",
    # the national catalogues (代码表) are kept by the national level's administrators
    "POST /api/v1/catalogs/{table}/imports",
    "POST /api/v1/catalogs/imports/{import_id}/apply",
}


def test_the_national_level_may_not_write_anything(client, factories):
    """Every write a customs role may make is refused to a user of 0000 before any other check."""
    assert {_id(op) for op in SECURED if op[2].get("x-national-writes")} == NATIONAL_WRITES
    checked = 0
    headers_of: dict[str, dict] = {}
    for method, path, operation in SECURED:
        if method == "GET" or operation.get("x-national-writes"):
            continue
        customs = [role for role in operation["x-roles"] if Role(role) in CUSTOMS_ROLES]
        if not customs:
            continue
        role = customs[0]
        if role not in headers_of:
            national = factories.user(Role(role), district_code="0000")
            headers_of[role] = factories.headers(national, assurance="key")
        body = REQUEST_BODIES.get(f"{method} {path}")
        response = _call(client, method, path, headers=headers_of[role], body=body)
        _assert_error(response, 403, "scope.national_read_only")
        checked += 1
    assert checked >= 30


def test_the_port_of_exit_reads_what_leaves_through_it_and_acts_on_nothing(client, factories):
    """口岸海关: customs of the district holding the port read the e-record and certificates of another
    district declared through it (PORT_READABLE); every other operation on them is refused, and an
    object leaving through another port stays hidden."""
    through, elsewhere = port_objects(PORT), port_objects(ANOTHER_PORT)
    assert {_id(op) for op in SECURED} >= PORT_READABLE
    headers_of: dict[str, dict] = {}
    checked = 0
    for method, path, operation in WITH_PATH_PARAMETERS:
        names = {p["name"] for p in operation["parameters"] if p["in"] == "path"} - set(PATH_VALUES)
        customs = [role for role in operation["x-roles"] if Role(role) in CUSTOMS_ROLES]
        if not customs or not names or not names <= {"e_record_no", "certificate_no"}:
            continue
        role = customs[0]
        if role not in headers_of:
            headers_of[role] = factories.headers(
                factories.user(Role(role), district_code=PORT_DISTRICT), assurance="key"
            )
        body = REQUEST_BODIES.get(f"{method} {path}")
        response = _call(client, method, path, headers=headers_of[role], values=through, body=body)
        if f"{method} {path}" in PORT_READABLE:
            assert response.status_code == 200, (path, response.get_json())
            hidden = _call(client, method, path, headers=headers_of[role], values=elsewhere)
            _assert_error(hidden, 404, "resource.not_found")
        else:
            assert response.status_code in (403, 404), (method, path, role, response.get_json())
        checked += 1
    assert checked >= len(PORT_READABLE) + 2
