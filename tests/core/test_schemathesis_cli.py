"""The `schemathesis run` CLI against a real server process on a freshly migrated database."""

import os
import subprocess
import sys
import tempfile
import textwrap

import pytest

from tests.core.live_server import PROJECT_ROOT, LiveServer, run_flask, server_env

pytestmark = pytest.mark.slow  # minutes of one worker: started first (tests/conftest.py)

ISSUE_KEY_TOKEN = textwrap.dedent("""
    from backend import create_app
    from backend.core.enums import Assurance
    from backend.extensions import db
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair
    app = create_app()
    with app.app_context():
        admin = db.session.execute(db.select(User).where(User.username == "admin-demo")).scalar_one()
        body = issue_token_pair(admin, Assurance.KEY)
        db.session.commit()
        print(body["access_token"])
""")


def test_schemathesis_cli_finds_no_server_error_or_schema_violation(fresh_database_url):
    env = server_env(fresh_database_url, DEMO_PASSWORD="Fuzz-demo-password-1")
    run_flask(env, "db", "upgrade")
    run_flask(env, "demo-data")
    token = subprocess.run(
        [sys.executable, "-c", ISSUE_KEY_TOKEN],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    on_postgresql = bool(os.environ.get("TEST_DATABASE_URL"))
    with LiveServer(env) as server:
        # The in-process schemathesis test fuzzes deeper; this one proves the real server.
        examples = "2" if on_postgresql else "3"
        _schemathesis(server.url, token, env, "examples,fuzzing", "--max-examples", examples)
        if not on_postgresql:
            # The coverage phase's edge values (control characters, bounds, odd types) on every query
            # filter and path parameter: the reads. It found /admin/users.xlsx?q=\x11. On write bodies
            # it adds ~8,000 cases the in-process fuzzing already covers, so they are left to that.
            _schemathesis(server.url, token, env, "coverage", "--include-method", "GET")


def _schemathesis(url: str, token: str, env: dict, phases: str, *options: str) -> None:
    result = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "schemathesis"),
            "run",
            f"{url}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--seed",
            "20261127",
            "--workers",
            "1",
            "--phases",
            phases,
            *options,
            # Logging out would end the session every other request depends on.
            "--exclude-path",
            "/api/v1/auth/logout",
        ],
        env={**env, "SCHEMATHESIS_HOOKS": ""},
        cwd=tempfile.mkdtemp(prefix="chajian-schemathesis-"),  # keeps its .schemathesis/ cache out
        capture_output=True,
        text=True,
        timeout=900,
    )
    # The failures come before the warnings in schemathesis' report: show them first.
    failures = result.stdout.find("FAILURES")
    assert result.returncode == 0, result.stdout[max(failures, 0) :][:6000] + result.stderr[-2000:]
