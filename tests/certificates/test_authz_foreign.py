"""Every 云签发 operation with a path parameter, called by an enterprise and by a certificate officer of
the home district on another district's enterprise's object: 404 (or 403 where the role is not allowed),
never a success or a leak. Operations are read from the OpenAPI document, so new ones are covered."""

import pytest

from backend.core.enums import Role
from tests.certificates_shared.authz_factories import BODIES, FACTORIES

PREFIXES = (
    "/api/v1/certificate-applications/",
    "/api/v1/blank-stock/",
    "/api/v1/reprint-requests/",
    "/api/v1/certificate-amendments/",
    "/api/v1/certificates/{certificate_no}/",
)


def _operations(client):
    spec = client.get("/api/openapi.json").get_json()
    for path, item in spec["paths"].items():
        if not path.startswith(PREFIXES) or "{" not in path:
            continue
        for method, operation in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                yield method, path, operation


def test_every_path_parameter_has_a_foreign_factory(client):
    params = {p[p.index("{") + 1 : p.index("}")] for _, p, _ in _operations(client)}
    assert params and params <= set(FACTORIES), params - set(FACTORIES)


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.CERTIFICATE_OFFICER])
def test_foreign_objects_are_not_found(client, factories, role):
    caller = factories.user(role, district_code="5300")
    headers = factories.headers(caller, "key")
    checked = 0
    for method, path, operation in _operations(client):
        param = path[path.index("{") + 1 : path.index("}")]
        url = path.replace("{" + param + "}", str(FACTORIES[param]()))
        body = BODIES.get(f"{method.upper()} {path}", {})
        response = getattr(client, method)(url, json=body if method != "get" else None, headers=headers)
        allowed = str(role) in operation["x-roles"]
        expected = 404 if allowed else 403
        assert response.status_code == expected, (method, path, response.get_json())
        checked += allowed
    assert checked >= 5


CLOUD_ISSUANCE = (
    "/api/v1/certificate-applications",
    "/api/v1/certificate-attachments",
    "/api/v1/certificate-agents",
    "/api/v1/blank-stock",
    "/api/v1/blank-sheets",
    "/api/v1/reprint-requests",
    "/api/v1/certificate-amendments",
    "/api/v1/certificate-query",
    "/api/v1/certificates/{certificate_no}/",
)


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.CERTIFICATE_OFFICER])
def test_password_login_gets_key_required_on_every_cloud_issuance_operation(client, factories, role):
    headers = factories.headers(factories.user(role, district_code="5300"), "password")
    spec = client.get("/api/openapi.json").get_json()
    checked = []
    for path, item in spec["paths"].items():
        if not path.startswith(CLOUD_ISSUANCE):
            continue
        for method, operation in item.items():
            if method not in ("get", "post", "patch") or str(role) not in operation.get("x-roles", []):
                continue
            assert operation["x-assurance"] == "key", path
            url = path.replace("{certificate_no}", "530026180000001")
            for name in ("application_id", "stock_id", "request_id", "amendment_id"):
                url = url.replace("{" + name + "}", "1")
            response = getattr(client, method)(url, json={} if method != "get" else None, headers=headers)
            assert response.status_code == 403, (method, path)
            assert response.get_json()["error"] == "auth.key_required", (method, path)
            checked.append((method, path))
    assert len(checked) >= 12, checked
