"""Migrations build exactly the models' schema on this database, and /readyz says so."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from backend import create_app
from backend.extensions import db
from tests.conftest import TestConfig


def test_upgrade_matches_models_and_downgrade_empties(fresh_database_url):
    class MigratedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url

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
