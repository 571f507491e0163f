"""The production layout, started for real: nginx (Debian's package, docs/deploy/nginx.conf), two API
processes (gunicorn, threads), one Socket.IO process (gunicorn, gevent), a Celery worker, Redis and the
suite's database (PostgreSQL when TEST_DATABASE_URL is set, SQLite otherwise).

It proves what the README promises of that layout: concurrent submissions spread over both API
processes still get gap-free numbers; a receipt committed by one API process reaches a socket held by
the Socket.IO process through nginx; a worker killed while making a photo's copies, then started
again, leaves every photo with its copies exactly once. Processes, ports, the Redis channel and the
job queue's keys are this run's own (bench/stack.py).
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import redis
import requests
import socketio as socketio_client
import sqlalchemy as sa

from backend.audit.models import AuditEvent
from backend.core import jobs
from backend.core.auth import actor_from_token
from backend.core.enums import Role
from backend.declarations import numbers, service
from backend.declarations.models import Declaration
from backend.declarations.schemas import DeclarationBodySchema
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.media.models import Photo
from backend.media.storage import LocalStorage
from bench.stack import REDIS_URL, Stack
from tests.declarations.bodies import registered_body
from tests.media import images
from tests.media.uploads import upload_photo

pytestmark = pytest.mark.slow

API = "/api/v1/declarations"


def test_the_production_layout_behind_nginx(app, database_url, factories, tmp_path):
    """One test, one stack: split into several tests, pytest-xdist could start a stack per worker."""
    with running_stack(database_url, tmp_path) as stack:
        # Each step makes its own enterprise or inspector; the first submissions of the district
        # come first, so their numbers start at 1.
        submissions_over_both_api_processes_get_gap_free_numbers(stack, factories)
        a_receipt_committed_by_one_api_process_reaches_a_socket_through_nginx(stack, factories)
        the_socket_process_checks_tokens_and_a_logout_elsewhere_closes_its_socket(stack, factories)
        a_worker_killed_mid_derivative_and_restarted_leaves_each_copy_exactly_once(stack, factories)


@contextmanager
def running_stack(database_url, folder):
    gate = folder / "gate"
    gate.mkdir()
    with Stack(database_url, folder, CELERY_VISIBILITY_TIMEOUT="3") as running:
        running.gate = gate
        # Warm before it is needed; until $gate/release exists it stops each job after the copies'
        # files are written and before its commit (tests/media/crash_worker.py).
        running.start_worker("tests.media.crash_worker", CRASH_GATE=str(gate))
        yield running


class Http:
    """requests with Flask's test-client surface, so tests.media.uploads drives it unchanged."""

    class Answer:
        def __init__(self, response: requests.Response):
            self.status_code = response.status_code
            self._response = response

        def get_json(self):
            return self._response.json()

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def post(self, path, **kwargs):
        return self.Answer(self.session.post(self.base + path, timeout=60, **kwargs))

    def put(self, path, **kwargs):
        return self.Answer(self.session.put(self.base + path, timeout=60, **kwargs))


def token_of(headers: dict) -> str:
    return headers["Authorization"].split(" ", 1)[1]


def drafts(factories, count: int) -> tuple[str, list[int]]:
    """An enterprise user's token and `count` complete drafts, committed (no lock left on SQLite)."""
    enterprise = factories.enterprise()
    user = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    token = token_of(factories.headers(user))
    data = DeclarationBodySchema().load(registered_body(factories, enterprise, "chopsticks"))
    actor = actor_from_token(token)
    enterprise = db.session.get(Enterprise, actor.enterprise_id)
    ids = [
        service.new_declaration(actor=actor, enterprise=enterprise, data=data, source="web").id
        for _ in range(count)
    ]
    db.session.commit()  # one transaction for them all
    db.session.remove()
    return token, ids


def listen(stack: Stack, token: str) -> tuple[socketio_client.Client, queue.Queue]:
    """A socket through nginx (WebSocket), collecting the receipts it hears."""
    received: queue.Queue = queue.Queue()
    client = socketio_client.Client(reconnection=False)
    client.on("declaration.receipt", received.put)
    client.connect(stack.url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
    return client, received


def a_receipt_committed_by_one_api_process_reaches_a_socket_through_nginx(stack, factories):
    token, (declaration_id,) = drafts(factories, 1)
    client, received = listen(stack, token)
    try:
        api_a = f"http://127.0.0.1:{stack.api_ports[0]}"  # straight to process A, not through nginx
        answer = requests.post(
            f"{api_a}{API}/{declaration_id}/submit", json={}, headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        codes = [received.get(timeout=15)["receipt"]["code"] for _ in range(2)]
        assert codes == ["SUBMITTED", "ACCEPTED"]
    finally:
        client.disconnect()
    assert stack.upstreams().get(f"127.0.0.1:{stack.socket_port}")  # the socket went through nginx


def the_socket_process_checks_tokens_and_a_logout_elsewhere_closes_its_socket(stack, factories):
    token, _ = drafts(factories, 0)
    ended = threading.Event()
    client = socketio_client.Client(reconnection=False)
    client.on("disconnect", lambda *_: ended.set())
    client.connect(stack.url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
    try:
        for auth in ({"token": "cja_not-a-token"}, None):
            refused = socketio_client.Client(reconnection=False)
            with pytest.raises(socketio_client.exceptions.ConnectionError):
                refused.connect(stack.url, auth=auth, transports=["websocket"], wait_timeout=20)
        assert requests.get(f"{stack.url}/metrics", timeout=10).status_code == 404  # kept inside
        # Logged out through an API process: the Socket.IO process hears it through Redis and closes
        # the socket at once, well before its 30-second timer.
        logout = requests.post(
            f"{stack.url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert logout.status_code == 204
        assert ended.wait(timeout=15)
    finally:
        client.disconnect()


def submissions_over_both_api_processes_get_gap_free_numbers(stack, factories):
    """500 concurrent submissions through nginx (round robin over both API processes)."""
    token, ids = drafts(factories, 500)
    client, received = listen(stack, token)
    before = stack.upstreams()
    sessions = threading.local()

    bearer = {"Authorization": f"Bearer {token}"}

    def submit(declaration_id: int) -> str:
        if not hasattr(sessions, "http"):
            sessions.http = requests.Session()
        url = f"{stack.url}{API}/{declaration_id}/submit"
        answer = sessions.http.post(url, json={}, headers=bearer, timeout=120)
        assert answer.status_code == 200, answer.text
        return answer.json()["inspection_no"]

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(submit, ids))
        serials = sorted(numbers.parse_inspection_no(number)["serial"] for number in results)
        assert serials == list(range(1, 501))  # distinct and gap-free
        stored = db.session.execute(sa.select(Declaration.inspection_no).where(Declaration.id.in_(ids)))
        assert sorted(stored.scalars()) == sorted(results)
        db.session.remove()
        # Both API processes took a fair share (nginx's round robin, read from its access log).
        after = stack.upstreams()
        served = [after.get(address, 0) - before.get(address, 0) for address in stack.api_addresses()]
        assert sum(served) == 500 and min(served) >= 100, served
        # And every one of them announced its receipts to the socket held by the Socket.IO process.
        accepted: set[int] = set()
        deadline = time.monotonic() + 30
        while len(accepted) < 500 and time.monotonic() < deadline:
            try:
                message = received.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if message["receipt"]["code"] == "ACCEPTED":
                accepted.add(message["declaration_id"])
        assert accepted == set(ids)
    finally:
        client.disconnect()


def a_worker_killed_mid_derivative_and_restarted_leaves_each_copy_exactly_once(stack, factories):
    inspector = factories.user(Role.INSPECTOR, district_code="5300")
    headers = factories.headers(inspector)
    db.session.remove()
    http = Http(stack.url)
    uploads = [images.jpeg((1800, 1200)) for _ in range(3)]
    photos = [upload_photo(http, headers, data).get_json() for data in uploads]
    assert [photo["derivatives"] for photo in photos] == ["pending"] * 3  # acknowledged before the copies

    held = wait_for("the worker to hold a job", lambda: list(stack.gate.glob("held-*")), timeout=90)
    held_id = int(held[0].name.removeprefix("held-"))
    stack.kill("worker")
    killed = db.session.get(Photo, held_id)
    storage = LocalStorage(f"{stack.env['STORAGE_DIR']}/objects")
    # Killed between the files and the commit: the copies are on disk, the photo still pending.
    assert killed.derivatives_status == "pending" and storage.exists(killed.display_key)
    db.session.remove()

    (stack.gate / "release").touch()
    stack.start_worker("tests.media.crash_worker", CRASH_GATE=str(stack.gate))
    wait_for("every photo's copies", lambda: all(p.derivatives_status == "ready" for p in photo_rows()), 90)

    rows = photo_rows()
    for photo, data in zip(rows, uploads, strict=True):
        assert photo.sha256 == hashlib.sha256(data).hexdigest()
        assert hashlib.sha256(storage.get(photo.display_key)).hexdigest() == photo.display_sha256
        assert hashlib.sha256(storage.get(photo.thumbnail_key)).hexdigest() == photo.thumbnail_sha256
    events = db.session.execute(
        sa.select(AuditEvent.entity_id, sa.func.count())
        .where(AuditEvent.action == "media.derivatives_ready")
        .group_by(AuditEvent.entity_id)
    ).all()
    assert sorted(events) == sorted((str(photo["id"]), 1) for photo in photos)  # exactly once each
    assert len(storage.keys()) == 9  # three originals, three display copies, three thumbnails
    db.session.remove()
    leftovers = redis.Redis.from_url(REDIS_URL)
    assert leftovers.llen(f"{stack.env['CELERY_KEY_PREFIX']}{jobs.DEFAULT_QUEUE}") == 0
    assert leftovers.hlen(f"{stack.env['CELERY_KEY_PREFIX']}unacked") == 0


def photo_rows() -> list[Photo]:
    """The photos as the worker left them, read afresh (the session ends: no SQLite lock is kept)."""
    try:
        return list(db.session.execute(sa.select(Photo).order_by(Photo.id)).scalars())
    finally:
        db.session.remove()


def wait_for(what: str, check, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
