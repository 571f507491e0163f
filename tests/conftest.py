"""Fixtures shared by every domain's tests.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set; each run
creates its own database and drops it afterwards. Every test starts from empty tables plus catalogs.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import request

from backend import create_app, realtime
from backend.config import Config
from backend.core.sqlite import reads_only
from backend.extensions import db, limiter, socketio
from backend.seeds import seed_all_catalogs

pytest_plugins = ["tests.helpers", "tests.certificates_shared.fixtures"]


def _create_database() -> tuple[str, callable]:
    """Return (url, drop) for a database of this test run."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        folder = Path(tempfile.mkdtemp(prefix="chajian-test-"))
        return f"sqlite:///{folder / 'test.db'}", lambda: None
    url = sa.make_url(base)
    name = f"chajian_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # A test database need not outlive an operating-system crash: commits skip the WAL flush
        # wait (the server still never sees a half-done transaction).
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


_DB_URL, _DROP_DB = _create_database()


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _DB_URL
    SECRET_KEY = "test-secret"
    LOG_REQUESTS = False
    REDIS_URL = None
    CELERY_BROKER_URL = None  # jobs run in-process (task_always_eager)
    STORAGE_DIR = tempfile.mkdtemp(prefix="chajian-storage-")
    LOGIN_RATE_LIMIT = "5 per 10 minutes"
    LOGIN_ADDRESS_RATE_LIMIT = "50 per 10 minutes"
    # The suite logs in with keys hundreds of times from 127.0.0.1; tests of the throttle lower it.
    KEY_RATE_LIMIT = "100000 per minute"
    # The timer's checks would query the database between tests; the tests start their own servers.
    REALTIME_TOKEN_CHECK_SECONDS = 24 * 3600


def pytest_sessionfinish(session, exitstatus):
    try:
        if _app is not None:
            with _app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        _DROP_DB()



def pytest_ignore_collect(collection_path, config):
    """Modules a run would only deselect or skip are not imported at all:
    - `make test`'s second run (`-m alone`) reads only the modules that mark tests `alone` (importing
      every module builds ~800 schemathesis tests, a quarter of a minute);
    - tests of PostgreSQL's own behaviour (`test_postgresql*.py`) run in the PostgreSQL run only."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    if collection_path.name.startswith("test_postgresql") and not os.environ.get("TEST_DATABASE_URL"):
        return True
    if config.getoption("markexpr", "") == "alone":
        return "mark.alone" not in collection_path.read_text(encoding="utf-8")
    return None


def pytest_collection_modifyitems(items):
    """The long tests (marked `slow`: minutes of one worker) start first, so that under pytest-xdist the
    other worker runs the rest beside them instead of both waiting on one long test at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: the rest keep order


# Here, not in tests/e2e/conftest.py: under pytest-xdist only the root conftest is loaded by the
# process that prints the summary. The lines come from report_measurement() in tests/e2e/conftest.py.
def pytest_terminal_summary(terminalreporter):
    lines = [
        value
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if report.when == "call"
        for name, value in report.user_properties
        if name == "measurement"
    ]
    if lines:
        terminalreporter.section("PWA measurements")
        for line in lines:
            terminalreporter.write_line(line)


_app = None


@pytest.fixture(scope="session")
def app():
    global _app
    _app = create_app(TestConfig)
    global _catalog_tables
    with _app.app_context():
        db.create_all()
        sa.event.listen(db.engine, "before_cursor_execute", _record_writes)
        _catalog_tables = _learn_catalog_tables()
    return _app


@pytest.fixture(scope="session")
def database_url() -> str:
    return _DB_URL


@pytest.fixture
def fresh_database_url():
    """An empty database of this test's own (for a server process or a migration run), dropped after."""
    url, drop = _create_database()
    yield url
    drop()


# Resetting every table for each of ~1200 tests was a third of the PostgreSQL run (TRUNCATE has a
# cost per table, however empty). So each test empties only the tables that hold rows, found with
# one EXISTS query, and reseeds the catalogs only when a statement wrote to one of them.
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?(\w+)', re.I)
_written: set[str] = set()
_catalog_tables: frozenset[str] = frozenset()


@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _no_writes_in_read_requests(conn, cursor, statement, parameters, context, executemany):
    """A GET view that writes must say so (`writes_on_read`): on SQLite a read request's transaction
    begins deferred, and a write in it can be refused half-way under load. Any test reaching such a view
    (the access matrix and schemathesis reach them all) fails with a 500 naming it."""
    if _WRITE.match(statement) and reads_only():
        raise AssertionError(
            f"{request.method} {request.path} writes ({statement.split(None, 3)[:3]}) but its view is not "
            "marked writes_on_read (backend/core/sqlite.py)"
        )


def _record_writes(conn, cursor, statement, parameters, context, executemany):
    match = _WRITE.match(statement)
    if match:
        _written.add(match.group(1))


def _tables_with_rows(tables) -> list:
    probes = " UNION ALL ".join(
        f"SELECT {i} FROM (SELECT 1 FROM \"{t.name}\" LIMIT 1) AS t{i}" for i, t in enumerate(tables)
    )
    found = {row[0] for row in db.session.execute(sa.text(probes))}
    return [t for i, t in enumerate(tables) if i in found]


def _delete_rows(tables) -> None:
    """DELETE, children first (`tables` is in reverse dependency order), then the emptied tables' id
    sequences restart at 1. On PostgreSQL, TRUNCATE of the ~20 small tables a test fills cost ~90 ms
    (new files for each table and index) against ~4 ms for DELETE and setval."""
    if not tables:
        return
    for table in tables:
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        sequences = [seq for t in tables for seq in _id_sequences().get(t.name, ())]
        if sequences:
            restarts = ", ".join(f"setval('{seq}', 1, false)" for seq in sequences)
            db.session.execute(sa.text(f"SELECT {restarts}"))


_sequences: dict[str, tuple[str, ...]] | None = None


def _id_sequences() -> dict[str, tuple[str, ...]]:
    """PostgreSQL: each table's sequences (serial and identity columns), read once."""
    global _sequences
    if _sequences is None:
        rows = db.session.execute(
            sa.text(
                "SELECT c.table_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
                "FROM information_schema.columns c WHERE c.table_schema = current_schema() "
                "AND (c.column_default LIKE 'nextval(%' OR c.is_identity = 'YES')"
            )
        ).all()
        found: dict[str, list[str]] = {}
        for table, sequence in rows:
            if sequence:
                found.setdefault(table, []).append(sequence)
        _sequences = {table: tuple(seqs) for table, seqs in found.items()}
    return _sequences


def _reset_database() -> None:
    """Empty every table that holds rows and reseed the catalogs if anything wrote to them."""
    tables = list(reversed(db.metadata.sorted_tables))
    catalogs_dirty = bool(_written & _catalog_tables)
    doomed = [
        t for t in _tables_with_rows(tables) if t.name not in _catalog_tables or catalogs_dirty
    ]
    _delete_rows(doomed)
    if catalogs_dirty or not _catalog_tables:
        seed_all_catalogs()
    db.session.commit()
    _vacuum(doomed)
    _written.clear()


def _vacuum(tables) -> None:
    """PostgreSQL: VACUUM the emptied tables (after the commit: it cannot run in a transaction), so the
    next test's rows are stored, and read back without ORDER BY, in the order they are inserted, as after
    TRUNCATE. Dead rows left in a page made a later INSERT take an earlier slot, now and then, and a test
    comparing a list of audit actions saw them swapped. ~12 ms for 20 small tables (TRUNCATE: ~90 ms)."""
    if not tables or db.engine.dialect.name != "postgresql":
        return
    names = ", ".join(f'"{t.name}"' for t in tables)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM {names}")


def _learn_catalog_tables() -> frozenset[str]:
    """The tables seed_all_catalogs writes to, on an empty database."""
    _delete_rows(list(reversed(db.metadata.sorted_tables)))
    db.session.commit()
    _written.clear()
    seed_all_catalogs()
    db.session.commit()
    learned = frozenset(_written)
    _written.clear()
    return learned


@pytest.fixture(autouse=True)
def _fresh_database(request, app):
    """Each test: empty tables, catalogs seeded, an app context pushed."""
    with app.app_context():
        _reset_database()
        limiter.reset()  # throttle counters (memory storage) start empty in every test
        yield
        db.session.remove()
        # Sockets a test left open (Flask-SocketIO's test client) are closed: no re-check of their
        # tokens runs against the next test's tables.
        for sid in realtime.connected_sids():
            socketio.server.disconnect(sid, namespace="/")


@pytest.fixture
def client(app):
    return app.test_client()
