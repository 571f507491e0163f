"""Migrations build exactly the models' schema on this database, and /readyz says so."""

import os
import secrets
import tempfile

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from backend import create_app
from backend.extensions import db
from tests.conftest import TestConfig


@pytest.fixture
def scratch_url():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tempfile.mkdtemp(prefix='chajian-mig-')}/m.db"
        return
    url = sa.make_url(base)
    name = f"chajian_mig_{secrets.token_hex(4)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_upgrade_matches_models_and_downgrade_empties(scratch_url):
    class MigratedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = scratch_url

    app = create_app(MigratedConfig)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations differ; run `make migration m=...`: {diff}"
        ready = app.test_client().get("/readyz")
        assert ready.status_code == 200
        assert ready.get_json()["checks"] == {"database": "ok", "migrations": "current"}
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.session.remove()
        db.engine.dispose()
