"""Property-based tests of the whole API with schemathesis (in process, through WSGI).

Every operation is fuzzed twice: as an administrator with a key session (so every role-gated path
is reached) and anonymously. Checks: no 5xx, and every response conforms to the documented schema.
Each example runs in its own app context (its own database session), with a fresh token, because
examples may log out or revoke things.
"""

import base64
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from backend import create_app
from backend.core.enums import Assurance
from backend.extensions import db
from backend.identity.models import ClientKey, User
from backend.identity.tokens import issue_token_pair
from tests.conftest import TestConfig

# Raw document uploads (attachments) are fuzzed with arbitrary bytes, like application/octet-stream.
for _media_type in ("application/pdf", "image/jpeg", "image/png"):
    schemathesis.serializer.alias(_media_type, "application/octet-stream")

# Responses uncompressed: the checks read the body as the API defines it (flask-compress is transport).
IDENTITY = {"Accept-Encoding": "identity"}
CHECKS = [not_a_server_error, response_schema_conformance]
# The fuzzing goes deeper on SQLite; the PostgreSQL run (same API, same code) replays fewer examples per
# operation, enough for dialect differences to show, to keep CI within its time (about 380 operations
# twice, each example with its own token: ~1,400 s of one loaded worker at 6 examples, so 4). The CLI
# test adds the coverage phase's edge values on every read (tests/core/test_schemathesis_cli.py).
EXAMPLES = 3 if os.environ.get("TEST_DATABASE_URL") else 4
FAST = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Loaded when the module is collected (schemathesis' lazy from_fixture does not run on pytest 9): this
# app shares the test database with the session's app.
FUZZ_APP = create_app(TestConfig)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", FUZZ_APP)
# Anonymous calls are refused (401) before their input is read, except on the public operations, which
# the administrator's test reaches with the coverage phase's edge values too: here, examples and fuzzing
# only (the coverage phase was ~60 % of this module's time, ~1.4 s per operation).
anonymous_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", FUZZ_APP)
anonymous_schema.config.phases.coverage.enabled = False


@pytest.fixture
def administrator_id(factories) -> int:
    """An administrator of 5300 (usually id 1), with some data around to find."""
    admin = factories.user("administrator", district_code="5300")
    enterprise = factories.enterprise(district_code="5300", customs_code="4403960ABC")
    factories.qualification(enterprise, "BWG_PRODUCER")
    system = factories.user("system_client")
    factories.user("enterprise", enterprise=enterprise)
    db.session.add(
        ClientKey(key_id="fuzz-key", user_id=system.id, public_key=base64.b64decode("A" * 43 + "="))
    )
    admin_id = admin.id
    db.session.commit()  # and no reads after it: on SQLite an open transaction would lock out the app
    return admin_id


@schema.parametrize()
@FAST
def test_api_as_administrator_with_key(case, administrator_id):
    with FUZZ_APP.app_context():
        body = issue_token_pair(db.session.get(User, administrator_id), Assurance.KEY)
        db.session.commit()
        case.call_and_validate(
            headers={"Authorization": f"Bearer {body['access_token']}", **IDENTITY}, checks=CHECKS
        )


@anonymous_schema.parametrize()
@FAST
def test_api_anonymously(case):
    with FUZZ_APP.app_context():
        case.call_and_validate(headers=IDENTITY, checks=CHECKS)
