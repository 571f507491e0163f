"""SQLite as a real embedded database: WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for writers.

A request that may write (POST, PUT, PATCH, DELETE; the CLI, jobs and tests outside a request) begins
with BEGIN IMMEDIATE: it takes the write lock when its transaction starts, so two writers queue up instead
of failing half-way with 'database is locked' when one upgrades its read lock, and a read-then-write (the
inspection-number counter, a version check) is never overtaken. A read-only request (GET, HEAD, OPTIONS)
begins a deferred transaction: in WAL mode it reads a snapshot without waiting for, or holding up, any
writer, so lookups no longer queue behind submissions.
"""

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql.compiler import InsertmanyvaluesSentinelOpts

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_on_read(view):
    """Mark a GET view that writes (an audit row, a print count, a lease): its transaction takes the
    write lock at BEGIN like any write, so it is never refused half-way for a stale snapshot."""
    view._chajian_writes = True
    return view


def _view_writes(endpoint: str | None, method: str) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a MethodView: HEAD is served by get()
        view = getattr(view_class, method.lower(), None) or getattr(view_class, "get", None)
    return bool(getattr(view, "_chajian_writes", False))


def reads_only() -> bool:
    """Whether the current transaction belongs to a read-only request: a safe HTTP method whose view is
    not marked `writes_on_read`. Outside a request (CLI, jobs, tests), transactions may write."""
    if not has_request_context() or request.method not in READ_METHODS:
        return False
    cache = current_app.extensions.setdefault("chajian.view_writes", {})
    key = (request.endpoint, request.method)
    if key not in cache:
        cache[key] = _view_writes(*key)
    return not cache[key]


def configure_sqlite(engine: Engine) -> None:
    if getattr(engine, "_chajian_configured", False):
        return
    engine._chajian_configured = True
    # Several new rows of one table in a flush (a submission's two receipts, its two audit rows) go in
    # one INSERT … VALUES (…), (…) RETURNING id instead of one INSERT each. SQLAlchemy matches the ids
    # returned to the objects by sorting on the integer primary key, which SQLite assigns ascending in
    # the order of the VALUES rows (a rowid is the largest one plus one), as MySQL's auto-increment
    # does: the dialect simply does not declare it.
    engine.dialect.insertmanyvalues_implicit_sentinel = InsertmanyvaluesSentinelOpts.AUTOINCREMENT

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Straight on the driver's connection: through exec_driver_sql, SQLAlchemy's execution steps
        # cost more than the BEGIN itself, once per request.
        conn.connection.driver_connection.execute("BEGIN" if reads_only() else "BEGIN IMMEDIATE")
