"""Done when: a real Celery worker (Redis broker, a key prefix of this run's own) pushes receipts to
the real receiver process; both are SIGKILLed mid-delivery and started again, and every receipt
arrives exactly once (the receiver de-duplicates by message id and counts the repeats) and in order
per application. A message parked on a permanent failure is retried by an administrator and arrives.

Short on purpose: 4 applications of 3 receipts, a 0.3 s answer, 2 s leases, a sweep every second.
"""

from __future__ import annotations

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

from backend import TASK_MODULES
from backend.core import jobs
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.interchange.models import OutboxMessage

pytestmark = pytest.mark.slow

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PROJECT = Path(__file__).resolve().parents[2]


def wait_for(what: str, check, timeout: float = 120.0):  # a loaded machine starts a worker slowly
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def broker(app, receiver):
    """The app enqueues deliveries to Redis under a prefix of its own (4 s visibility timeout)."""
    prefix = f"chajian-test-{secrets.token_hex(4)}:"
    embedded = app.extensions["celery"]
    keys = (
        "CELERY_BROKER_URL",
        "CELERY_KEY_PREFIX",
        "CELERY_VISIBILITY_TIMEOUT",
        "SINGLE_WINDOW_RECEIPTS_URL",
    )
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(
        CELERY_BROKER_URL=REDIS,
        CELERY_KEY_PREFIX=prefix,
        CELERY_VISIBILITY_TIMEOUT=4,
        SINGLE_WINDOW_RECEIPTS_URL=receiver.url,
    )
    celery_app = jobs.celery_init_app(app, task_modules=TASK_MODULES)
    yield prefix
    celery_app.close()
    app.config.update(saved)
    app.extensions["celery"] = embedded
    embedded.set_default()
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


class Worker:
    """`celery -A backend.worker worker`: the production worker. No beat: a message whose lease a killed
    worker left behind is taken again by the re-delivered job (it waits for the lease to lapse)."""

    def __init__(self, env: dict, folder: Path):
        self.log = open(folder / "worker.log", "ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend.worker",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "2",
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

    def kill(self) -> None:
        """SIGKILL the worker, its pool and its beat: no shutdown, no message handed back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


def outbox_rows(database_url: str) -> list:
    """The outbox as the worker left it, on a connection of its own (a plain read takes no write lock)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            table = OutboxMessage.__table__
            return list(connection.execute(sa.select(table).order_by(table.c.id)))
    finally:
        engine.dispose()


def open_reviews(client, factories, ids: list[int]) -> None:
    """A reviewer opens each application: a third receipt, written by a web request, not by intake."""
    reviewer = factories.headers(factories.user("reviewer", district_code="5300"))
    for declaration_id in ids:
        version = db.session.get(Declaration, declaration_id).version
        url = f"/api/v1/review/declarations/{declaration_id}/open"
        response = client.post(url, json={"expected_version": version}, headers=reviewer)
        assert response.status_code == 200, response.get_json()


def test_killed_worker_and_receiver_lose_and_repeat_nothing_and_parked_messages_are_retried(
    broker, receiver, intake, client, factories, admin, database_url, tmp_path
):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret",  # the test app's: the district signing key is wrapped under it
        CELERY_BROKER_URL=REDIS,
        CELERY_KEY_PREFIX=broker,
        CELERY_VISIBILITY_TIMEOUT="4",
        SINGLE_WINDOW_RECEIPTS_URL=receiver.url,
        INTERCHANGE_TIMEOUT_SECONDS="1",
        INTERCHANGE_LEASE_SECONDS="2",
        INTERCHANGE_RETRY_BASE_SECONDS="0.2",
        INTERCHANGE_RETRY_MAX_SECONDS="1",
        INTERCHANGE_MAX_ATTEMPTS="50",
        INTERCHANGE_SWEEP_SECONDS="1",
        LOG_REQUESTS="0",
    )
    receiver.control("slow", delay=0.3)
    ids = intake(4)
    open_reviews(client, factories, ids)
    db.session.remove()  # the test's session holds no SQLite lock while the worker writes

    first = Worker(env, tmp_path)
    try:
        wait_for("a few deliveries", lambda: receiver.stats()["received"] >= 3)
    finally:
        first.kill()  # mid-delivery: the receiver is answering slowly
    receiver.kill()
    assert any(row.status == "pending" for row in outbox_rows(database_url))

    receiver.start()
    second = Worker(env, tmp_path)
    try:
        wait_for(
            "every message delivered", lambda: all(r.status == "delivered" for r in outbox_rows(database_url))
        )
        rows = outbox_rows(database_url)
        assert len(rows) == 12
        stats = receiver.stats()
        # Exactly once: each message id recorded once; a repeat (sent, answer lost to a kill) only counted.
        assert stats["received"] == 12 and stats["order_breaks"] == 0
        arrived = receiver.received()
        assert sorted(message_id for *_, message_id in arrived) == sorted(row.message_id for row in rows)
        for declaration_id in ids:
            mine = [(sequence, code) for d, sequence, code, _ in arrived if d == declaration_id]
            assert mine == [(1, "SUBMITTED"), (2, "ACCEPTED"), (3, "REVIEW_STARTED")]

        # A permanent failure parks at once with the answer kept; the successor waits behind it.
        receiver.control("fail4xx", count=1)
        [later] = intake(1)
        db.session.remove()
        parked = wait_for(
            "the refused message parked",
            lambda: [
                r for r in outbox_rows(database_url) if r.declaration_id == later and r.status == "parked"
            ],
        )[0]
        assert parked.sequence == 1 and parked.last_response_status == 422
        assert [r.status for r in outbox_rows(database_url) if r.declaration_id == later] == [
            "parked",
            "pending",
        ]
        retried = client.post(f"/api/v1/interchange/outbox/{parked.id}/retry", headers=admin)
        assert retried.status_code == 200, retried.get_json()
        db.session.remove()
        wait_for(
            "the retried message and its successor delivered",
            lambda: all(r.status == "delivered" for r in outbox_rows(database_url)),
        )
    finally:
        second.stop()
    assert [(s, c) for d, s, c, _ in receiver.received() if d == later] == [(1, "SUBMITTED"), (2, "ACCEPTED")]
    assert receiver.stats()["received"] == 14 and receiver.stats()["order_breaks"] == 0
    assert "interchange.deliver" in (tmp_path / "worker.log").read_text()
