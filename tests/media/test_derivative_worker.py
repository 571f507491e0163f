"""A real Celery worker on the local Redis makes the photo copies; SIGKILLed mid-job, then started
again, it leaves every photo with its copies exactly once.

The API (this test's app) enqueues to Redis under a key prefix of this run's own, so parallel runs
sharing the Redis never see each other's jobs. The worker is `celery -A tests.media.crash_worker`:
backend.worker with a hook that stops a job after it wrote the files and before its commit.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from backend.audit.models import AuditEvent
from backend.core import jobs
from backend.extensions import db
from backend.media.models import Photo
from tests.media import images
from tests.media.uploads import upload_photo

pytestmark = pytest.mark.slow

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PROJECT = Path(__file__).resolve().parents[2]


def wait_for(what: str, check, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def broker(broker_mode):
    """The app enqueues to Redis (prefix of its own, 4 s visibility timeout) for this test only."""
    prefix = f"chajian-test-{secrets.token_hex(4)}:"
    broker_mode(REDIS, prefix=prefix, visibility_timeout=4)
    yield prefix
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


class Worker:
    def __init__(self, env: dict, log: Path):
        self.log = open(log, "ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.media.crash_worker",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=PROJECT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        """SIGKILL the worker and its pool process: no shutdown, no message handed back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()


def photo_rows(database_url: str) -> list:
    """The photos as the worker left them, read on a connection of its own: a plain read, which
    never takes SQLite's write lock (the app's sessions begin IMMEDIATE) and so never starves it."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.select(Photo.__table__).order_by(Photo.id)))
    finally:
        engine.dispose()


def test_a_worker_killed_mid_job_loses_nothing_and_makes_each_copy_once(
    app, client, headers, storage, broker, database_url, tmp_path
):
    gate = tmp_path / "gate"
    gate.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")
    }
    env.update(
        DATABASE_URL=database_url,
        STORAGE_DIR=app.config["STORAGE_DIR"],
        CELERY_BROKER_URL=REDIS,
        CELERY_KEY_PREFIX=broker,
        CELERY_VISIBILITY_TIMEOUT="4",
        SECRET_KEY="worker-test-secret-" + "x" * 32,
        CRASH_GATE=str(gate),
        LOG_REQUESTS="0",
    )
    uploads = [images.jpeg((1800, 1200)) for _ in range(3)]
    photos = [upload_photo(client, headers, data).get_json() for data in uploads]
    # Acknowledged with the original stored; the copies wait in Redis for a worker.
    assert [photo["derivatives"] for photo in photos] == ["pending"] * 3
    db.session.rollback()  # the test's session (the requests') holds no SQLite lock from here on
    queued = redis.Redis.from_url(REDIS).llen(f"{broker}{jobs.DEFAULT_QUEUE}")
    assert queued == 3

    first = Worker(env, tmp_path / "worker.log")
    try:
        held = wait_for("a job to write its files", lambda: list(gate.glob("held-*")))
    except AssertionError:
        first.stop()
        raise
    held_id = int(held[0].name.removeprefix("held-"))
    first.kill()
    # Killed between the files and the commit: the copies are on disk, the photo still pending.
    killed = next(photo for photo in photo_rows(database_url) if photo.id == held_id)
    assert killed.derivatives_status == "pending" and storage.exists(killed.display_key)

    (gate / "release").touch()
    second = Worker(env, tmp_path / "worker.log")
    try:
        wait_for(
            "every photo's copies",
            lambda: all(p.derivatives_status == "ready" for p in photo_rows(database_url)),
        )
    finally:
        second.stop()

    for photo, data in zip(photo_rows(database_url), uploads, strict=True):
        assert photo.sha256 == hashlib.sha256(data).hexdigest()
        assert hashlib.sha256(storage.get(photo.display_key)).hexdigest() == photo.display_sha256
        assert hashlib.sha256(storage.get(photo.thumbnail_key)).hexdigest() == photo.thumbnail_sha256
        assert (photo.display_width, photo.display_height) == (1600, 1067)
    events = db.session.execute(
        sa.select(AuditEvent.entity_id, sa.func.count())
        .where(AuditEvent.action == "media.derivatives_ready")
        .group_by(AuditEvent.entity_id)
    ).all()
    assert sorted(events) == sorted((str(photo["id"]), 1) for photo in photos)  # exactly once each
    assert len(storage.keys()) == 9  # three originals, three display copies, three thumbnails
    leftovers = redis.Redis.from_url(REDIS)
    assert leftovers.llen(f"{broker}{jobs.DEFAULT_QUEUE}") == 0
    assert leftovers.hlen(f"{broker}unacked") == 0
    assert "media.make_derivatives" in (tmp_path / "worker.log").read_text()
