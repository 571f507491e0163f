"""Fixtures shared by every domain's tests.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set; each run
creates its own database and drops it afterwards. Every test starts from empty tables plus catalogs.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend import create_app
from backend.config import Config
from backend.extensions import db
from backend.seeds import seed_all_catalogs

pytest_plugins = ["tests.helpers"]


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
    STORAGE_DIR = tempfile.mkdtemp(prefix="chajian-storage-")
    LOGIN_MAX_FAILURES = 5
    LOGIN_SLOWDOWN_AFTER = 3
    LOGIN_LOCK_SECONDS = 600


def pytest_sessionfinish(session, exitstatus):
    try:
        if _app is not None:
            with _app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        _DROP_DB()


_app = None


@pytest.fixture(scope="session")
def app():
    global _app
    _app = create_app(TestConfig)
    with _app.app_context():
        db.create_all()
    return _app


@pytest.fixture(scope="session")
def database_url() -> str:
    return _DB_URL


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _fresh_database(request, app):
    """Each test: empty tables, catalogs seeded, an app context pushed."""
    with app.app_context():
        _empty_tables()
        seed_all_catalogs()
        db.session.commit()
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()
