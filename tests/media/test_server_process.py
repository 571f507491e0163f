"""A real server process killed mid-upload: the acknowledged bytes survive, the upload resumes, one photo.

Runs `flask db upgrade` and `python -m backend.serve` against a fresh database of the test run's
kind (SQLite file, or a scratch PostgreSQL database when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend import create_app
from backend.extensions import db
from backend.media.models import Photo, Upload
from backend.seeds import seed_all_catalogs
from tests.conftest import TestConfig
from tests.core.live_server import free_port
from tests.helpers import auth_headers, make_user
from tests.media import images

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


class Server:
    """`python -m backend.serve` in its own process, with the given environment."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process = None
        self.port = None

    def start(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("server did not start:\n" + self.log.read_text())

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            kind = response.getheader("Content-Type", "")
            return response.status, json.loads(data) if kind.startswith("application/json") else data
        finally:
            conn.close()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def test_server_killed_mid_upload_resumes_to_exactly_one_photo(fresh_database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TEST_DATABASE_URL")}
    env.update(
        DATABASE_URL=fresh_database_url,
        STORAGE_DIR=str(tmp_path / "storage"),
        LOG_REQUESTS="0",
        FLASK_APP="backend",
        PYTHONUNBUFFERED="1",
    )
    migrate = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "backend", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr

    class ServedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url

    served = create_app(ServedConfig)
    with served.app_context():
        seed_all_catalogs()
        db.session.commit()
        inspector = make_user("inspector", district_code="5300")
        headers = auth_headers(inspector)
        db.session.remove()

    data = images.jpeg((700, 500), quality=95, noisy=True)
    digest = images.sha256(data)
    half = len(data) // 2
    server = Server(env, tmp_path / "server.log")
    try:
        server.start()
        body = {
            "client_id": "kill-test-1",
            "size": len(data),
            "sha256": digest,
            "content_type": "image/jpeg",
            "captured_at": "2026-11-27T07:30:00+08:00",
            "device_id": "phone-1",
        }
        status, upload = server.request(
            "POST", "/api/v1/uploads", json.dumps(body), {**headers, "Content-Type": "application/json"}
        )
        assert status == 201, upload
        octet = {**headers, "Content-Type": "application/octet-stream"}
        status, acked = server.request("PUT", f"/api/v1/uploads/{upload['id']}?offset=0", data[:half], octet)
        assert (status, acked["offset"]) == (200, half)

        # The next chunk is on its way (headers and part of the body sent) when the server dies.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            rest = data[half:]
            head = (
                f"PUT /api/v1/uploads/{upload['id']}?offset={half} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: {headers['Authorization']}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {len(rest)}\r\n\r\n"
            )
            raw.sendall(head.encode() + rest[: len(rest) // 2])
            time.sleep(0.3)
            server.kill()

        server.start()
        status, asked = server.request("GET", f"/api/v1/uploads/{upload['id']}", headers=headers)
        assert (status, asked["offset"], asked["status"]) == (200, half, "receiving")
        status, resumed = server.request(
            "PUT", f"/api/v1/uploads/{upload['id']}?offset={half}", data[half:], octet
        )
        assert (status, resumed["offset"]) == (200, len(data))
        status, photo = server.request("POST", f"/api/v1/uploads/{upload['id']}/complete", headers=headers)
        assert status == 200, photo
        assert photo["sha256"] == digest
        status, original = server.request("GET", f"/api/v1/photos/{photo['id']}/original", headers=headers)
        assert status == 200 and images.sha256(original) == digest
    finally:
        server.stop()

    with served.app_context():
        photos = db.session.execute(db.select(Photo)).scalars().all()
        assert [p.sha256 for p in photos] == [digest]
        assert db.session.query(Upload).count() == 1
        db.session.remove()
        db.engine.dispose()
