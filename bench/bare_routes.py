"""The floors over HTTP: bare Flask routes running the project's statements on the raw driver.

    DATABASE_URL=sqlite:////tmp/bench.db gunicorn -k gthread -w 1 --threads 8 bench.bare_routes:app

Served exactly like the project (bench.declarations_bench starts both with the same gunicorn settings),
they do what the project does, minus the framework:
- the lookup by number: the bearer token with its user (one query), the declaration with its e-records,
  certificates and qualifications (one query), its goods and its containers (one query each), then JSON;
- the submission: the token, then the raw driver's submission of the bench's floor (the counter bumped,
  number and status written, 2 receipts and 2 audit rows, COMMIT: declarations_bench.raw_submit), then
  the declaration read back as the lookup reads it. No validation.
No ORM, no schema, no permission layer: what is left of the project's time above these routes is the cost
of those; what separates these routes from the raw driver is the cost of HTTP and Flask alone.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, jsonify, request

from bench.declarations_bench import Raw, raw_submit

app = Flask(__name__)
_URL = sa.make_url(os.environ.get("DATABASE_URL", "sqlite:////tmp/bench.db"))
_POSTGRES = _URL.get_backend_name() == "postgresql"
_local = threading.local()

TOKEN_SQL = (
    "SELECT t.revoked_at, t.expires_at, t.assurance, u.id, u.username, u.role, u.active, u.enterprise_id, "
    "e.district_code FROM auth_token t JOIN user_account u ON u.id = t.user_id "
    "LEFT JOIN enterprise e ON e.id = u.enterprise_id WHERE t.token_hash = %s AND t.kind = 'access'"
)
DECLARATION_SQL = (
    "SELECT d.*, r.e_record_no, r.status AS e_record_status, r.issued_at, r.valid_until, "
    "c.cert_code, c.originals, c.copies, q.type_code, q.number "
    "FROM declaration d LEFT JOIN e_record r ON r.declaration_id = d.id "
    "LEFT JOIN declaration_certificate c ON c.declaration_id = d.id "
    "LEFT JOIN declaration_qualification q ON q.declaration_id = d.id WHERE {where}"
)
GOODS_SQL = "SELECT * FROM declaration_goods WHERE declaration_id = %s ORDER BY line_no"
CONTAINERS_SQL = "SELECT * FROM declaration_container WHERE declaration_id = %s ORDER BY id"


def _connection():
    conn = getattr(_local, "conn", None)
    if conn is None:
        if _POSTGRES:
            import psycopg

            conn = psycopg.connect(_URL.set(drivername="postgresql").render_as_string(hide_password=False))
            conn.autocommit = True
        else:
            conn = sqlite3.connect(_URL.database, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
        _local.conn = conn
    return conn


def _rows(sql: str, params) -> list[dict]:
    if not _POSTGRES:
        sql = sql.replace("%s", "?")
    cur = _connection().cursor()
    cur.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def _user() -> dict | None:
    """The bearer token's user row, or None when the token is unknown, revoked or expired."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    found = _rows(TOKEN_SQL, (hashlib.sha256(token.encode()).hexdigest(),)) if scheme == "Bearer" else []
    if not found or found[0]["revoked_at"] is not None or not found[0]["active"]:
        return None
    expires = found[0]["expires_at"]
    if isinstance(expires, str):
        expires = datetime.fromisoformat(expires)
    if (expires if expires.tzinfo else expires.replace(tzinfo=UTC)) <= datetime.now(UTC):
        return None
    return found[0]


@app.get("/api/v1/declarations/lookup")
def lookup():
    user = _user()
    if user is None:
        return jsonify(error="auth.invalid_token"), 401
    if "inspection_no" in request.args:
        where, value = "d.inspection_no = %s", request.args["inspection_no"]
    else:
        where = "d.id = (SELECT declaration_id FROM e_record WHERE e_record_no = %s)"
        value = request.args.get("e_record_no", "")
    return _detail(where, value, user)


@app.post("/api/v1/declarations/<int:declaration_id>/submit")
def submit(declaration_id: int):
    user = _user()
    if user is None:
        return jsonify(error="auth.invalid_token"), 401
    raw = getattr(_local, "raw", None)
    if raw is None:
        raw = _local.raw = Raw(_URL)
    raw_submit(raw, declaration_id)
    return _detail("d.id = %s", declaration_id, user)


def _detail(where: str, value, user: dict):
    rows = _rows(DECLARATION_SQL.format(where=where), (value,))
    if not rows or rows[0]["enterprise_id"] != user["enterprise_id"]:
        return jsonify(error="resource.not_found"), 404
    head = rows[0]
    body = {k: _plain(v) for k, v in head.items() if k not in ("cert_code", "originals", "copies")}
    body["certificates"] = [
        {"cert_code": r["cert_code"], "originals": r["originals"], "copies": r["copies"]}
        for r in rows
        if r["cert_code"] is not None
    ]
    body["qualifications"] = [{"type_code": r["type_code"], "number": r["number"]} for r in rows if r["type_code"]]
    body["goods"] = [{k: _plain(v) for k, v in g.items()} for g in _rows(GOODS_SQL, (head["id"],))]
    body["containers"] = [{k: _plain(v) for k, v in c.items()} for c in _rows(CONTAINERS_SQL, (head["id"],))]
    return jsonify(body)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
