"""Socket.IO: authenticated connections, rooms, messages after commit only, across processes via Redis."""

import queue
import subprocess
import sys
import textwrap
import threading
import urllib.request
import uuid

import pytest
import socketio as socketio_client
from flask_socketio import SocketIO

from backend.audit.service import record_event
from backend.extensions import db, socketio
from backend.identity.tokens import revoke_user_tokens
from backend.realtime import notify, user_room
from tests.core.live_server import PROJECT_ROOT, REDIS_URL, LiveServer, server_env


def token_of(headers: dict) -> str:
    return headers["Authorization"].split(" ", 1)[1]


# In one process (Flask-SocketIO's test client): authentication and commit/rollback.


def test_connection_without_a_valid_token_is_refused(app):
    assert not socketio.test_client(app).is_connected()
    assert not socketio.test_client(app, auth={"token": "cja_not-a-token"}).is_connected()


def test_notify_sends_after_commit_and_never_after_rollback(app, factories):
    user = factories.user("inspector")
    room = user_room(user.id)
    client = socketio.test_client(app, auth={"token": token_of(factories.headers(user))})
    assert client.is_connected()
    client.get_received()

    notify(room, "instruction.changed", {"id": 1})
    record_event(action="test.rolled_back", entity_type="test", entity_id=1, actor=None)
    assert client.get_received() == []  # not before commit
    db.session.rollback()
    assert client.get_received() == []  # nor after a rollback

    notify(room, "instruction.changed", {"id": 2})
    record_event(action="test.committed", entity_type="test", entity_id=2, actor=None)
    db.session.commit()
    received = client.get_received()
    assert [(m["name"], m["args"]) for m in received] == [("instruction.changed", [{"id": 2}])]
    client.disconnect()


def test_a_rolled_back_savepoint_drops_its_messages_and_a_released_one_waits_for_the_commit(app, factories):
    user = factories.user("inspector")
    room = user_room(user.id)
    client = socketio.test_client(app, auth={"token": token_of(factories.headers(user))})
    client.get_received()

    notify(room, "instruction.changed", {"id": 1})
    savepoint = db.session.begin_nested()
    notify(room, "instruction.changed", {"id": 2})
    savepoint.rollback()  # an operation that did not happen: its announcement goes, the earlier one stays
    with db.session.begin_nested():
        notify(room, "instruction.changed", {"id": 3})
    assert client.get_received() == []  # a released savepoint is not a commit
    record_event(action="test.committed", entity_type="test", entity_id=1, actor=None)
    db.session.commit()
    received = client.get_received()
    assert [m["args"] for m in received] == [[{"id": 1}], [{"id": 3}]]
    client.disconnect()


def test_messages_reach_only_their_room(app, factories):
    one, other = factories.user("enterprise"), factories.user("enterprise")
    other_room = user_room(other.id)  # the connect handler ends the session: read ids first
    client = socketio.test_client(app, auth={"token": token_of(factories.headers(one))})
    client.get_received()
    notify(other_room, "declaration.changed", {"id": 9})
    db.session.commit()
    assert client.get_received() == []
    client.disconnect()


# Across processes: a server process, a python-socketio client, and emitters in other processes.


@pytest.fixture(scope="module")
def realtime_server(database_url):
    with LiveServer(server_env(database_url, REDIS_URL=REDIS_URL)) as server:
        yield server


def user_and_token(factories) -> tuple[int, str]:
    """A user id and token, with this process's transaction closed (SQLite: no lock held)."""
    user = factories.user("enterprise")
    token = token_of(factories.headers(user))
    user_id = user.id
    db.session.commit()
    return user_id, token


# Other test runs may share this Redis: an event name of this run alone keeps their messages out.
EVENT = f"test.changed.{uuid.uuid4().hex}"


def connect(server, token):
    received: queue.Queue = queue.Queue()
    client = socketio_client.Client(reconnection=False)
    client.on(EVENT, lambda data: received.put(data))
    client.connect(server.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return client, received


def close(client) -> None:
    """Drop the connection without waiting for the server's close handshake (about 3 s on Werkzeug)."""
    client.eio.disconnect(abort=True)


def test_emit_from_another_process_through_redis_reaches_the_user(realtime_server, factories):
    user_id, token = user_and_token(factories)
    client, received = connect(realtime_server, token)
    try:
        SocketIO(message_queue=REDIS_URL).emit(EVENT, {"id": 42}, to=user_room(user_id))
        assert received.get(timeout=10) == {"id": 42}
    finally:
        close(client)


def test_a_process_that_commits_notifies_and_one_that_rolls_back_does_not(
    realtime_server, factories, database_url
):
    user_id, token = user_and_token(factories)
    client, received = connect(realtime_server, token)
    script = textwrap.dedent(f"""
        from backend import create_app
        from backend.audit.service import record_event
        from backend.extensions import db
        from backend.realtime import notify
        app = create_app()
        with app.app_context():
            notify("user:{user_id}", "{EVENT}", {{"id": "rolled-back"}})
            record_event(action="test.rolled_back", entity_type="test", entity_id=1, actor=None)
            db.session.rollback()
            notify("user:{user_id}", "{EVENT}", {{"id": "committed"}})
            record_event(action="test.committed", entity_type="test", entity_id=2, actor=None)
            db.session.commit()
    """)
    try:
        env = server_env(database_url, REDIS_URL=REDIS_URL)
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert received.get(timeout=10) == {"id": "committed"}
        with pytest.raises(queue.Empty):
            received.get(timeout=0.5)
    finally:
        close(client)


def test_the_server_refuses_a_connection_without_a_token(realtime_server):
    client = socketio_client.Client(reconnection=False)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        client.connect(
            realtime_server.url, auth={"token": "cja_wrong"}, transports=["websocket"], wait_timeout=5
        )
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        client.connect(realtime_server.url, transports=["websocket"], wait_timeout=5)


def test_a_token_in_the_query_string_is_refused(app, factories):
    token = token_of(factories.headers(factories.user("inspector")))
    assert not socketio.test_client(app, query_string=f"token={token}").is_connected()
    both = socketio.test_client(app, query_string=f"token={token}", auth={"token": token})
    assert not both.is_connected()
    assert socketio.test_client(app, auth={"token": token}).is_connected()


def test_the_server_refuses_a_token_in_the_query_string(realtime_server, factories):
    _, token = user_and_token(factories)
    client = socketio_client.Client(reconnection=False)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        client.connect(
            f"{realtime_server.url}?token={token}", transports=["websocket"], wait_timeout=5
        )


def test_a_foreign_origin_is_refused_and_the_apps_own_accepted(realtime_server, factories):
    # Over polling: the websocket client would add an Origin of its own beside the one given here.
    _, token = user_and_token(factories)
    foreign = socketio_client.Client(reconnection=False)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        foreign.connect(
            realtime_server.url, auth={"token": token}, headers={"Origin": "https://evil.example"},
            transports=["polling"], wait_timeout=5,
        )
    own = socketio_client.Client(reconnection=False)
    own.connect(
        realtime_server.url, auth={"token": token}, headers={"Origin": realtime_server.url},
        transports=["polling"], wait_timeout=10,
    )
    try:
        assert own.connected
    finally:
        own.disconnect()


def connect_watching_the_end(server, token):
    ended = threading.Event()
    client = socketio_client.Client(reconnection=False)
    client.on("disconnect", lambda *_: ended.set())
    client.connect(server.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return client, ended


def test_logout_closes_the_sessions_socket_at_once(realtime_server, factories):
    _, token = user_and_token(factories)
    client, ended = connect_watching_the_end(realtime_server, token)
    try:
        request = urllib.request.Request(
            f"{realtime_server.url}/api/v1/auth/logout", method="POST",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204
        # Well before the 30-second timer: the logout's own commit closed it.
        assert ended.wait(timeout=10)
        assert not client.connected
    finally:
        close(client)


def test_a_token_revoked_elsewhere_closes_its_socket_on_the_timer(database_url, factories):
    user_id, token = user_and_token(factories)
    env = server_env(database_url, REALTIME_TOKEN_CHECK_SECONDS="1")
    with LiveServer(env) as server:
        client, ended = connect_watching_the_end(server, token)
        other, other_ended = connect_watching_the_end(server, user_and_token(factories)[1])
        try:
            # Revoked by another process (here: this test's), which holds no socket of the user.
            revoke_user_tokens(user_id)
            db.session.commit()
            assert ended.wait(timeout=15)
            assert not other_ended.is_set() and other.connected  # a valid token's socket stays
        finally:
            close(client)
            close(other)
