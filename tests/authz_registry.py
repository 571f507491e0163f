"""Object-level authorisation registry for tests/core/test_authz_matrix.py.

OBJECT_FACTORIES maps every path parameter name used in the API (`enterprise_id`, `user_id`, …) to a
function that creates an object owned by ANOTHER scope than the callers of the matrix test, and
returns the value to put in the URL. The callers live in HOME_DISTRICT (customs roles, system clients)
or in an enterprise of HOME_DISTRICT (enterprise users); factories build in OTHER_DISTRICT, under
another enterprise, or for another user. The matrix then expects 404 (or 403) from every operation
with that path parameter, for every role the operation allows.

A path parameter without a factory here fails the matrix test, so a new endpoint is covered the day
it is added. To register yours (one line per parameter name, in your own domain's section):

    OBJECT_FACTORIES["declaration_id"] = lambda: make_declaration(enterprise=foreign_enterprise()).id

REQUEST_BODIES holds a valid JSON body for operations whose body has required fields, keyed by
"METHOD /path/{param}"; without one the view answers 422 before the ownership check is reached, and
the matrix test says so. Operations whose body may be `{}` need no entry.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from backend.extensions import db
from backend.identity.models import ClientKey, Enterprise, WebAuthnCredential
from tests.helpers import make_declaration, make_enterprise, make_qualification, make_user

HOME_DISTRICT = "5300"
OTHER_DISTRICT = "2200"


def foreign_enterprise() -> Enterprise:
    """An enterprise registered in the other district."""
    return make_enterprise(district_code=OTHER_DISTRICT)


def _foreign_client_key() -> int:
    user = make_user("system_client", district_code=OTHER_DISTRICT)
    key = ClientKey(key_id=f"foreign-{user.id}", user_id=user.id, public_key=os.urandom(32))
    db.session.add(key)
    db.session.commit()
    return key.id


def _foreign_security_key() -> int:
    user = make_user("enterprise", enterprise=foreign_enterprise())
    key = WebAuthnCredential(user_id=user.id, credential_id=os.urandom(32), public_key=b"\xa0", sign_count=0)
    db.session.add(key)
    db.session.commit()
    return key.id


def _foreign_declaration() -> int:
    return make_declaration(foreign_enterprise(), status="accepted", district_code=OTHER_DISTRICT).id


def _foreign_attachment() -> int:
    from backend.declarations.models import DeclarationAttachment

    declaration = make_declaration(foreign_enterprise(), status="draft", district_code=OTHER_DISTRICT)
    row = DeclarationAttachment(
        declaration_id=declaration.id, kind="invoice", filename="invoice.pdf",
        content_type="application/pdf", size=5, sha256="0" * 64,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


OBJECT_FACTORIES: dict[str, Callable[[], int | str]] = {
    # identity
    "enterprise_id": lambda: foreign_enterprise().id,
    "user_id": lambda: make_user("inspector", district_code=OTHER_DISTRICT).id,
    "qualification_id": lambda: make_qualification(foreign_enterprise(), "BWG_PRODUCER").id,
    "client_key_id": _foreign_client_key,
    "security_key_id": _foreign_security_key,
    # declarations
    "declaration_id": _foreign_declaration,
    "attachment_id": _foreign_attachment,
}

REQUEST_BODIES: dict[str, dict] = {
    # identity
    "POST /api/v1/admin/enterprises/{enterprise_id}/qualifications": {
        "type_code": "FOOD_PRODUCER",
        "number": "AUTHZ-0001",
    },
    "PUT /api/v1/admin/users/{user_id}/password": {"password": "Authz-matrix-pw-1"},
}
