"""PostgreSQL without needless round trips (backend/core/postgresql.py): pooled connections are checked
without a ping, a dead one is replaced without failing the request, and read-only requests run
without a transaction block. Collected in the PostgreSQL run only (tests/conftest.py)."""

from __future__ import annotations

import select
import time

import psycopg
import sqlalchemy as sa

from backend.extensions import db


def _backend_pid() -> int:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _terminate(pid: int) -> None:
    """End one backend from another connection, as a restart ends them all, and wait for its goodbye."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    time.sleep(0.2)


def test_a_pooled_connection_is_not_pinged_while_nothing_arrived(monkeypatch):
    db.session.remove()
    db.engine.dispose()
    _backend_pid()  # one connection made (a fresh one is never checked) and back in the pool
    pings = []
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda dbapi_connection: pings.append(1) or True)
    for _ in range(3):
        _backend_pid()
    assert pings == []


def test_a_connection_the_server_ended_is_replaced_without_an_error():
    db.session.remove()
    db.engine.dispose()
    first = _backend_pid()
    _terminate(first)
    # The next checkout sees the closed socket, pings, and connects again: the statement succeeds.
    assert _backend_pid() != first


def test_the_liveness_check_reads_the_socket_only(app):
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        readable = select.select([raw.pgconn.socket], [], [], 0)[0]
        assert readable == []  # an idle, healthy connection has nothing to read


def _transaction_mode(app, path: str, method: str) -> tuple[bool, psycopg.pq.TransactionStatus]:
    """The connection's autocommit in a request, and its transaction status after one statement."""
    with app.test_request_context(path, method=method):
        dbapi_connection = db.session.connection().connection.dbapi_connection
        autocommit = dbapi_connection.autocommit
        db.session.execute(sa.text("SELECT 1"))
        status = dbapi_connection.info.transaction_status
        db.session.remove()
    return autocommit, status


def test_a_read_request_runs_without_a_transaction_block(app):
    db.session.remove()
    assert _transaction_mode(app, "/api/v1/declarations/lookup", "GET") == (
        True,
        psycopg.pq.TransactionStatus.IDLE,
    )
    # Back in the pool in the usual mode: a write (or anything outside a request) runs in a transaction.
    assert _transaction_mode(app, "/api/v1/declarations", "POST") == (
        False,
        psycopg.pq.TransactionStatus.INTRANS,
    )
    assert db.session.connection().connection.dbapi_connection.autocommit is False
    db.session.remove()


def test_a_get_view_that_writes_keeps_its_transaction(app):
    db.session.remove()
    with app.test_request_context("/api/v1/sync/pull", method="GET"):
        assert db.session.connection().connection.dbapi_connection.autocommit is False
        db.session.remove()


def test_a_writing_request_on_a_session_a_read_request_began_writes_in_a_transaction(app):
    """The test client shares one session between requests: a POST after a GET, before the session ends,
    must not run in the GET's autocommit (a savepoint there fails, writes would commit one by one)."""
    db.session.remove()
    with app.test_request_context("/api/v1/declarations/lookup", method="GET"):
        connection = db.session.connection()
        assert connection.connection.dbapi_connection.autocommit is True
        with app.test_request_context("/api/v1/sync/push", method="POST"):
            with db.session.begin_nested():  # a SAVEPOINT, as a sync group makes
                db.session.execute(sa.text("SELECT 1"))
            assert connection.connection.dbapi_connection.autocommit is False
            assert connection.connection.dbapi_connection.info.transaction_status == (
                psycopg.pq.TransactionStatus.INTRANS
            )
        db.session.remove()
