"""Interchange fixtures: the stand-in Single Window receiver (a real HTTP server process), a sender
(the Single Window's system client), an exporter, and intake of applications."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from backend.core.enums import Role
from backend.extensions import db
from backend.identity.models import Enterprise
from tests.declarations.bodies import registered_body

INTAKE = "/api/v1/intake/single-window/declarations"
RECEIVER_SCRIPT = Path(__file__).with_name("receiver.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """The receiver process: start, kill (SIGKILL), restart on the same port and database."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.db = folder / "received.sqlite"
        self.log = folder / "receiver.log"
        self.url = f"http://127.0.0.1:{self.port}/receipts"
        self.process = None

    def start(self, **control) -> Receiver:
        log = open(self.log, "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(RECEIVER_SCRIPT), str(self.port), str(self.db), json.dumps(control)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while not self._answers():
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        try:
            self.stats()
        except OSError:
            return False
        return True

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()

    def _call(self, path: str, payload: dict | None = None) -> dict:
        data = None if payload is None else json.dumps(payload).encode()
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as response:
            return json.loads(response.read())

    def control(self, mode: str, **options) -> None:
        """Answer the next requests with `mode` (ok, slow, fail5xx, fail4xx, hang, close)."""
        self._call("/_control", {"mode": mode, **options})

    def stats(self) -> dict:
        return self._call("/_stats")

    def received(self) -> list[tuple]:
        """(declaration_id, sequence, code, message_id) of each message's first arrival, in arrival order."""
        with sqlite3.connect(self.db) as connection:
            return connection.execute(
                "SELECT declaration_id, sequence, code, message_id FROM received ORDER BY arrival"
            ).fetchall()


@pytest.fixture
def receiver(tmp_path):
    running = Receiver(tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
def pushing(app, receiver):
    """The app pushes receipts to the receiver, with short timeouts and backoff, for this test."""
    keys = {
        "SINGLE_WINDOW_RECEIPTS_URL": receiver.url,
        "INTERCHANGE_TIMEOUT_SECONDS": 1.0,
        "INTERCHANGE_RETRY_BASE_SECONDS": 0.0,
        "INTERCHANGE_MAX_ATTEMPTS": 3,
    }
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(keys)
    yield receiver
    app.config.update(saved)


@pytest.fixture
def sender_user(factories):
    return factories.user(Role.SYSTEM_CLIENT, username="single-window", district_code=None)


@pytest.fixture
def sender(factories, sender_user):
    return factories.headers(sender_user, assurance="key")


@pytest.fixture
def exporter(factories):
    return factories.enterprise(customs_code="4403960B77", district_code="5300")


@pytest.fixture
def admin(factories):
    return factories.headers(factories.user(Role.ADMINISTRATOR, district_code="5300"), assurance="key")


@pytest.fixture
def intake(client, factories, exporter, sender):
    """intake(n): n applications sent through the Single Window intake; their declaration ids."""
    counter = iter(range(1, 10_000))
    exporter_id = exporter.id

    def send(how_many: int = 1, headers: dict | None = None) -> list[int]:
        ids = []
        for _ in range(how_many):
            enterprise = db.session.get(Enterprise, exporter_id)  # the test may have closed its session
            message = {
                "message_id": f"SW-T-{next(counter):05d}-{time.monotonic_ns()}",
                "enterprise_customs_code": enterprise.customs_code,
                "application": registered_body(factories, enterprise),
            }
            response = client.post(INTAKE, json=message, headers=headers or sender)
            assert response.status_code == 201, response.get_json()
            ids.append(response.get_json()["declaration_id"])
        db.session.expire_all()
        return ids

    return send
