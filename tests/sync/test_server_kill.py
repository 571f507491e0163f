"""SIGKILL the real server in the middle of a large push; after a restart the resent batch ends with every
operation applied exactly once: none lost, none doubled, and the committed part was whole chunks."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from backend.core.enums import Role
from backend.sync.service import CHUNK
from tests.core.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = 3 * CHUNK  # the kill lands after the first commit, well before the last


def _environment(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "TEST_DATABASE_URL")}
    return {
        **env,
        "DATABASE_URL": database_url,
        "LOG_REQUESTS": "0",
        "SECRET_KEY": "kill-test",
        "STORAGE_DIR": tempfile.mkdtemp(prefix="chajian-kill-storage-"),
    }


def _start(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60  # a loaded 2-core CI machine can take 10 s to import the app
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if _request(port, "GET", "/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("the server did not start")


def _request(port: int, method: str, path: str, body=None, token=None, timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else None


def _seed(database_url: str) -> tuple[str, list[int]]:
    """Users and four started instructions, written straight into the migrated database."""
    from backend import create_app
    from backend.extensions import db
    from backend.seeds import seed_all_catalogs
    from tests.conftest import TestConfig
    from tests.helpers import PASSWORD, make_declaration, make_enterprise, make_instruction, make_user

    class KillConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(KillConfig)
    with app.app_context():
        seed_all_catalogs()
        db.session.commit()
        inspector = make_user(Role.INSPECTOR, username="kill-inspector")
        enterprise = make_enterprise()
        ids = []
        for _ in range(4):
            instruction = make_instruction(
                make_declaration(enterprise, status="inspection_notice"), inspector=inspector
            )
            instruction.status = "in_progress"
            ids.append(instruction.id)
        db.session.commit()
        from backend.core.auth import Actor
        from backend.core.enums import Assurance
        from backend.inspections import lifecycle
        from backend.inspections.custody import Provenance
        from backend.instructions.models import Instruction

        actor = Actor(
            inspector.id, inspector.username, Role.INSPECTOR, Assurance.PASSWORD, None, "5300", "seed"
        )
        for instruction_id in ids:  # open the inspection records the way a start does
            instruction = db.session.get(Instruction, instruction_id)
            instruction.status = "accepted"
            lifecycle.start(instruction, prov=Provenance(actor=actor), base_version=None)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return PASSWORD, ids


def _count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def test_a_killed_push_resent_after_restart_applies_every_operation_once(fresh_database_url):
    env = _environment(fresh_database_url)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "backend", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    password, instruction_ids = _seed(fresh_database_url)
    batch = {
        "device_id": "phone-kill-01",
        "operations": [
            {
                "op_id": str(uuid.uuid4()),
                "type": "sample.add",
                "target": {"instruction_id": instruction_ids[n % 4], "sample_id": str(uuid.uuid4())},
                "base_version": None,
                "recorded_at": "2026-11-27T10:00:00+08:00",
                "body": {
                    "sample_no": f"S-{n:05d}",
                    "quantity": "1",
                    "unit": "kg",
                    "laboratory": "lab",
                    "tests": ["x"],
                },
            }
            for n in range(OPERATIONS)
        ],
    }
    engine = sa.create_engine(fresh_database_url)
    port = free_port()
    server = _start(env, port)
    try:
        status, tokens = _request(
            port, "POST", "/api/v1/auth/login", {"username": "kill-inspector", "password": password}
        )
        assert status == 200, tokens
        token = tokens["access_token"]
        outcome = {}
        sender = threading.Thread(
            target=lambda: outcome.update(
                result=_safe_request(port, "POST", "/api/v1/sync/push", batch, token)
            )
        )
        sender.start()
        deadline = time.monotonic() + 120
        while _count(engine, "sync_operation") < CHUNK and time.monotonic() < deadline:
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)
        server.wait()
        sender.join()
        assert outcome["result"] is None, "the batch finished before the kill; make it larger"
        committed = _count(engine, "sync_operation")
        assert 0 < committed < OPERATIONS
        assert committed % CHUNK == 0  # whole chunks: every committed operation with its record
        assert _count(engine, "inspection_sample") == committed

        server = _start(env, port)  # the same address the device knows
        status, body = _request(port, "POST", "/api/v1/sync/push", batch, token, timeout=300)
        assert status == 200, body
        results = body["results"]
        assert all(r["status"] == "applied" for r in results)
        assert sum(r["replayed"] for r in results) == committed
        assert _count(engine, "sync_operation") == OPERATIONS
        assert _count(engine, "inspection_sample") == OPERATIONS
        with engine.connect() as conn:
            doubled = conn.exec_driver_sql(
                "SELECT count(*) FROM (SELECT op_id FROM evidence_record WHERE kind = 'sample' "
                "GROUP BY op_id HAVING count(*) <> 1) AS d"
            ).scalar_one()
            samples = conn.exec_driver_sql(
                "SELECT count(DISTINCT op_id) FROM evidence_record WHERE kind = 'sample'"
            ).scalar_one()
        assert (doubled, samples) == (0, OPERATIONS)
    finally:
        server.kill()
        server.wait()
        engine.dispose()


def _safe_request(*args):
    try:
        return _request(*args)
    except (OSError, http.client.HTTPException):
        return None
