"""/healthz (the process answers) and /readyz (database reachable, migrations current)."""

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from backend.extensions import db

bp = Blueprint("health", __name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = {}
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            current = set(MigrationContext.configure(conn).get_current_heads())
        checks["database"] = "ok"
    except Exception as exc:  # report, don't crash: this is what a load balancer polls
        current_app.logger.warning("readyz: database unreachable: %s", exc)
        return jsonify(status="unavailable", checks={"database": "unreachable"}), 503
    heads = set(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
    checks["migrations"] = "current" if current == heads else "pending"
    ready = current == heads
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503
