"""REALTIME_EMIT_ONLY: an API process beside Socket.IO processes only emits, through Redis.

In one process: the emit-only app answers /socket.io/ with the ordinary 404, publishes a committed
change to the Redis channel, and refuses to start without Redis. For real (bench/stack.py, which runs the
API processes with REALTIME_EMIT_ONLY=1 as the README does): an API process refuses a socket, and a
receipt committed through it reaches a client of the Socket.IO process.
"""

from __future__ import annotations

import queue
import time
from contextlib import contextmanager

import pytest
import redis
import requests
import socketio as socketio_client

from backend import create_app
from backend.audit.service import record_event
from backend.extensions import db, socketio
from backend.realtime import notify, user_room
from bench.stack import REDIS_URL, Stack
from tests.conftest import TestConfig
from tests.realtime.test_behind_nginx import API, drafts, listen


@contextmanager
def emit_only_app(**settings):
    """An emit-only app in this process; the extension's server (shared by every app of the process) is
    given back to the suite's app afterwards."""
    saved = (socketio.server, dict(socketio.server_options), socketio.async_mode)
    config = type("EmitOnlyConfig", (TestConfig,), {"REALTIME_EMIT_ONLY": True, **settings})
    try:
        yield create_app(config)
    finally:
        socketio.server, socketio.server_options, socketio.async_mode = saved[0], saved[1], saved[2]


def test_an_emit_only_process_needs_redis(app):
    with pytest.raises(RuntimeError, match="REDIS_URL"), emit_only_app(REDIS_URL=None):
        pass


def test_an_emit_only_app_serves_no_socket_and_publishes_commits_to_redis(app, factories):
    channel = f"chajian-emit-only-{time.monotonic_ns()}"
    listener = redis.Redis.from_url(REDIS_URL).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    try:
        with emit_only_app(REDIS_URL=REDIS_URL, SOCKETIO_CHANNEL=channel) as emitter:
            assert socketio.server.manager.write_only  # no listener thread: nothing here to deliver to
            answer = emitter.test_client().get("/socket.io/?EIO=4&transport=polling")
            assert answer.status_code == 404
            assert answer.get_json()["code"] == 404 and answer.get_json()["error"]  # the one error shape
            with emitter.app_context():
                notify(user_room(1), "emit.only", {"n": 1})
                record_event(action="test.emit_only", entity_type="test", entity_id=1, actor=None)
                db.session.rollback()
                notify(user_room(1), "emit.only", {"n": 2})
                record_event(action="test.emit_only", entity_type="test", entity_id=2, actor=None)
                db.session.commit()
                db.session.remove()
                db.engine.dispose()
        published = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not published:
            message = listener.get_message(timeout=0.5)
            if message:
                published.append(message["data"])
        assert len(published) == 1 and b"emit.only" in published[0]  # the committed one, through Redis
        assert listener.get_message(timeout=0.5) is None  # and not the rolled-back one
    finally:
        listener.close()
    # The suite's app serves sockets again (its server given back).
    assert socketio.server.manager is not None and not getattr(socketio.server.manager, "write_only", False)


@pytest.mark.slow
def test_an_api_process_refuses_sockets_and_its_commits_reach_the_socket_process(
    app, database_url, factories, tmp_path
):
    token, (declaration_id,) = drafts(factories, 1)
    with Stack(database_url, tmp_path, api_processes=1) as stack:
        api = f"http://127.0.0.1:{stack.api_ports[0]}"
        polling = requests.get(f"{api}/socket.io/?EIO=4&transport=polling", timeout=10)
        assert polling.status_code == 404, polling.text
        for transport in ("websocket", "polling"):
            refused = socketio_client.Client(reconnection=False)
            with pytest.raises(socketio_client.exceptions.ConnectionError):
                refused.connect(api, auth={"token": token}, transports=[transport], wait_timeout=5)
        client, received = listen(stack, token)  # through nginx, to the Socket.IO process
        try:
            answer = requests.post(
                f"{api}{API}/{declaration_id}/submit", json={}, headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text
            codes = [received.get(timeout=15)["receipt"]["code"] for _ in range(2)]
            assert codes == ["SUBMITTED", "ACCEPTED"]
            with pytest.raises(queue.Empty):
                received.get(timeout=0.5)  # each once
        finally:
            client.disconnect()
        assert stack.upstreams().get(f"127.0.0.1:{stack.socket_port}")  # the socket went through nginx
