"""PostgreSQL (psycopg 3) without needless round trips: no ping per checkout, no transaction block for reads.

- **Liveness.** `pool_pre_ping` sent a statement to the server at every checkout, one round trip more per
  request. When PostgreSQL restarts (or an administrator ends a backend), the server sends each client
  its goodbye and closes the socket, so a pooled connection that died shows it by a socket with
  something to read while it sits idle. That is checked at checkout without a round trip (a zero-timeout
  poll), and only then is the connection pinged: a failed ping invalidates the pool, as pre-ping did,
  and the pool connects again (no request fails after a restart). A connection that went silent
  without a goodbye (a cut link) was not caught earlier either: pre-ping's ping hung the same way.
- **Read requests without a transaction block.** A read-only request (`reads_only()`: GET, HEAD or
  OPTIONS of a view not marked `writes_on_read`) runs its statements in autocommit: no BEGIN before
  the first and no ROLLBACK after the last, two round trips fewer per request. At PostgreSQL's READ
  COMMITTED each statement reads its own snapshot anyway, in a transaction block or not, so the
  answers are the same; the tests fail any write made by such a request (tests/conftest.py). The
  connection goes back to the pool in its usual mode (transactions).
"""

from __future__ import annotations

import select

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from backend.core.sqlite import reads_only

_READ_MODE = "chajian.read_autocommit"


def _has_input(dbapi_connection) -> bool:
    """Whether the idle connection's socket has something to read (the server's goodbye) or is gone."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    try:
        fd = dbapi_connection.pgconn.socket
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([fd], [], [], 0)[0])  # Windows; gevent (it removes poll)
    except Exception:  # OSError, ValueError (a closed descriptor), psycopg's OperationalError (no socket)
        return True


def configure_postgresql(engine: Engine) -> None:
    """Install the checkout liveness check and the autocommit of read-only requests on a psycopg engine."""
    if getattr(engine, "_chajian_configured", False):
        return
    engine._chajian_configured = True

    @event.listens_for(engine, "checkout")
    def _check_liveness(dbapi_connection, record, _proxy):
        if not _has_input(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # Like pool_pre_ping: this one and every connection made before it are replaced.
            raise exc.InvalidatePoolError(str(error)) from error

    @event.listens_for(engine, "begin")
    def _begin(conn):
        info = conn.connection.info
        dbapi_connection = conn.connection.dbapi_connection
        if reads_only():
            if not dbapi_connection.autocommit:
                dbapi_connection.autocommit = True
                info[_READ_MODE] = True
        elif info.pop(_READ_MODE, False):
            dbapi_connection.autocommit = False

    @event.listens_for(engine, "before_cursor_execute")
    def _writes_in_a_transaction(conn, _cursor, _statement, _parameters, _context, _executemany):
        # A transaction begun by a read request but still open when a writing request uses the same
        # session (the test client shares one app context between requests) goes back to a transaction
        # block before its next statement: nothing is open in autocommit, so the switch is allowed.
        info = conn.connection.info
        if info.get(_READ_MODE) and not reads_only():
            del info[_READ_MODE]
            conn.connection.dbapi_connection.autocommit = False

    @event.listens_for(engine, "checkin")
    def _back_to_transactions(dbapi_connection, record):
        if record.info.pop(_READ_MODE, False) and dbapi_connection is not None:
            dbapi_connection.autocommit = False
