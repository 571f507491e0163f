"""Statistics (and the board) at national size: a one-year page over HTTP beside one raw SQL statement.

    .venv/bin/python -m bench.monitoring_bench                       # 100,000 on SQLite, 1,000,000 on PG
    .venv/bin/python -m bench.monitoring_bench --quick               # 10,000 applications, SQLite
    .venv/bin/python -m bench.monitoring_bench --db postgresql+psycopg://postgres@127.0.0.1/bench_mon

Generates the applications with their goods, receipts and e-records (bench.declarations_generate), adds
instructions for the applications that were sent for inspection, inspections for those that passed, and
certificates for a third of the e-records (one INSERT … SELECT each), then starts the real server
(gunicorn) and prints, for each measure, the p95 over HTTP beside the p95 of the same aggregate as one
raw SQL statement on the driver (sqlite3 / psycopg) in this run:

- the statistics overview of 深圳海关 (5300, with its subordinates) over one year, counted from the
  receipts (no roll-up yet), then the same after `roll_up()` stored the closed days;
- the trend by month and the timeliness page over the same year.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.declarations_bench import Client, Raw, bench_app, percentile, start_server, timed
from bench.declarations_generate import load_postgresql, load_sqlite, prepare_schema

YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
DISTRICTS_5300 = ("5300", "5301", "5302", "5320")
REPEAT = 20


def _plus(postgres: bool, column: str, hours: int) -> str:
    """`column` + hours, stored the way the app stores a UTCDateTime on each database."""
    if postgres:
        return f"{column} + interval '{hours} hours'"
    return f"strftime('%Y-%m-%d %H:%M:%f', {column}, '+{hours} hours') || '000'"


def _execute(raw: Raw, sql: str) -> None:
    raw.conn.cursor().execute(sql)


def add_instructions_inspections_certificates(raw: Raw) -> None:
    """Instructions (inspection_notice, passed), inspections (passed), certificates (1/3 of e-records)."""
    pg = raw.postgres
    now = "now()" if pg else "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
    blob = "'\\x00'::bytea" if pg else "x'00'"
    empty = "'{}'::jsonb" if pg else "'{}'"
    statements = [
        "INSERT INTO signing_key (key_id, district_code, algorithm, public_key, private_key_encrypted, status, "
        f"activated_at, created_at, updated_at) VALUES ('bench-5300', '5300', 'Ed25519', {blob}, {blob}, "
        f"'active', {now}, {now}, {now})",
        "INSERT INTO instruction (id, declaration_id, enterprise_id, district_code, status, source, priority, "
        "deadline, inspector_id, created_at, updated_at, version) "
        "SELECT id, id, enterprise_id, district_code, "
        "CASE status WHEN 'passed' THEN 'completed' ELSE 'pending' END, 'risk_rule', 3, "
        f"{_plus(pg, 'accepted_at', 50)}, NULL, {_plus(pg, 'accepted_at', 2)}, {_plus(pg, 'accepted_at', 2)}, 1 "
        "FROM declaration WHERE status IN ('inspection_notice', 'passed')",
        "INSERT INTO inspection (id, instruction_id, declaration_id, enterprise_id, district_code, conclusion, "
        "disposition, completed_at, conclusion_version, disposition_version, signature_version, created_at, "
        "updated_at, version) "
        "SELECT id, id, id, enterprise_id, district_code, 'pass', 'release', "
        f"{_plus(pg, 'accepted_at', 30)}, 1, 1, 0, {_plus(pg, 'accepted_at', 26)}, "
        f"{_plus(pg, 'accepted_at', 30)}, 1 FROM declaration WHERE status = 'passed'",
        "INSERT INTO certificate (id, certificate_no, type_code, district_code, year, serial, enterprise_id, "
        "e_record_id, delivery, status, content, content_sha256, seal, key_id, originals_printed, issued_at, "
        "created_at, updated_at, version) "
        "SELECT e.id, 'B' || e.e_record_no, CASE e.id % 2 WHEN 0 THEN '18' ELSE '11' END, d.district_code, "
        f"2026, e.id, d.enterprise_id, e.id, 'self_print', 'issued', {empty}, 'x', {empty}, 'bench-5300', 0, "
        f"{_plus(pg, 'e.issued_at', 20)}, {_plus(pg, 'e.issued_at', 20)}, {_plus(pg, 'e.issued_at', 20)}, 1 "
        "FROM e_record e JOIN declaration d ON d.id = e.declaration_id WHERE e.id % 3 = 0",
    ]
    for statement in statements:
        _execute(raw, statement)
    if pg:
        for table in ("instruction", "inspection", "certificate"):
            _execute(
                raw, f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        _execute(raw, "ANALYZE")
    else:
        _execute(raw, "ANALYZE")


def prepare_supervisor(db_url: str) -> str:
    """A supervisor of 深圳海关 (5300) and a long-lived token."""
    from backend.core.enums import Assurance, Role
    from backend.extensions import db
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair

    with bench_app(db_url).app_context():
        user = db.session.execute(sa.select(User).where(User.username == "bench-5300")).scalar_one_or_none()
        if user is None:
            user = User(
                username="bench-5300",
                display_name="压测监控",
                role=Role.SUPERVISOR.value,
                district_code="5300",
            )
            db.session.add(user)
            db.session.flush()
        token = issue_token_pair(user, Assurance.PASSWORD)["access_token"]
        db.session.commit()
        db.engine.dispose()
    return token


def roll_up(db_url: str) -> int:
    """The scheduled job's roll-up of every closed day, as `flask statistics rollup` runs it."""
    from backend.extensions import db
    from backend.statistics.rollup import roll_up as run

    with bench_app(db_url).app_context():
        days = run()
        db.engine.dispose()
    return days


RAW_RECEIPTS = (
    "SELECT d.district_code, r.code, count(*) FROM receipt r JOIN declaration d ON d.id = r.declaration_id "
    "WHERE r.code IN ('SUBMITTED', 'ACCEPTED', 'RETURNED', 'REJECTED', 'WITHDRAWN', 'AUTO_WITHDRAWN', "
    "'E_RECORD_ISSUED', 'E_RECORD_USED', 'E_RECORD_EXPIRED', 'E_RECORD_VOIDED') "
    "AND r.created_at >= %s AND r.created_at < %s AND d.district_code IN ('5300', '5301', '5302', '5320') "
    "GROUP BY d.district_code, r.code"
)
RAW_TREND_PG = (
    "SELECT to_char(date_trunc('month', timezone('Asia/Shanghai', r.created_at)), 'YYYY-MM-DD'), r.code, "
    "count(*) FROM receipt r JOIN declaration d ON d.id = r.declaration_id "
    "WHERE r.code IN ('SUBMITTED', 'ACCEPTED', 'E_RECORD_ISSUED') AND r.created_at >= %s AND r.created_at < %s "
    "AND d.district_code IN ('5300', '5301', '5302', '5320') GROUP BY 1, 2"
)
RAW_TREND_SQLITE = (
    "SELECT strftime('%Y-%m-01', datetime(r.created_at, '+8 hours')), r.code, count(*) FROM receipt r "
    "JOIN declaration d ON d.id = r.declaration_id "
    "WHERE r.code IN ('SUBMITTED', 'ACCEPTED', 'E_RECORD_ISSUED') AND r.created_at >= %s AND r.created_at < %s "
    "AND d.district_code IN ('5300', '5301', '5302', '5320') GROUP BY 1, 2"
)


def _p95(samples: list[float]) -> str:
    return f"p95 {percentile(samples, 0.95) * 1000:8.1f} ms"


def _line(label: str, http_samples: list[float], raw_samples: list[float]) -> None:
    print(f"  {label:<44} HTTP {_p95(http_samples)}   raw SQL {_p95(raw_samples)}", flush=True)


def measure(db_url: str, repeat: int) -> None:
    url = sa.make_url(db_url)
    raw = Raw(url)
    token = prepare_supervisor(db_url)
    process, port = start_server(db_url)
    client = Client(port, token)
    postgres = url.get_backend_name() == "postgresql"
    bounds = ("2025-12-31 16:00:00", "2026-12-31 16:00:00")
    if not postgres:
        bounds = tuple(f"{b}.000000" for b in bounds)
    query = "&".join(f"{k}={v}" for k, v in YEAR.items())

    def page(path: str):
        def call(_):
            status, body = client.call("GET", f"/api/v1/statistics/{path}")
            assert status == 200, (status, body)

        return call

    def raw_statement(sql: str):
        return lambda _: raw.q(sql, bounds)

    try:
        page(f"overview?{query}")(0)  # warm the connection pool and the caches
        counts = raw.q(RAW_RECEIPTS, bounds)
        print(
            f"  one year, districts {', '.join(DISTRICTS_5300)}: {sum(c for *_, c in counts):,} receipts counted"
        )
        _line(
            "overview (from the receipts)",
            timed(page(f"overview?{query}"), repeat),
            timed(raw_statement(RAW_RECEIPTS), repeat),
        )
        trend_sql = RAW_TREND_PG if postgres else RAW_TREND_SQLITE
        _line(
            "trend by month",
            timed(page(f"trend?granularity=month&{query}"), repeat),
            timed(raw_statement(trend_sql), repeat),
        )
        started = time.perf_counter()
        days = roll_up(db_url)
        print(f"  roll-up: {days} closed days in {time.perf_counter() - started:.1f} s", flush=True)
        _line(
            "overview (roll-up for closed days)",
            timed(page(f"overview?{query}"), repeat),
            timed(raw_statement(RAW_RECEIPTS), repeat),
        )
        timeliness = timed(page(f"timeliness?{query}"), max(3, repeat // 4))
        print(f"  {'timeliness (per-case stages, percentiles)':<44} HTTP {_p95(timeliness)}", flush=True)
    finally:
        process.terminate()
        process.wait()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="SQLAlchemy URL; default a new SQLite file in a temporary folder")
    parser.add_argument("--count", type=int, help="applications (default 1,000,000 on PG, 100,000 on SQLite)")
    parser.add_argument("--quick", action="store_true", help="10,000 applications")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    db_url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='chajian-monitoring-')) / 'bench.db'}"
    url = sa.make_url(db_url)
    postgres = url.get_backend_name() == "postgresql"
    count = 10_000 if args.quick else args.count or (1_000_000 if postgres else 100_000)
    print(f"monitoring bench: {count:,} applications on {url.get_backend_name()}", flush=True)
    started = time.perf_counter()
    prepare_schema(db_url, reset=True)
    (load_postgresql if postgres else load_sqlite)(url, count)
    add_instructions_inspections_certificates(Raw(url))
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    measure(db_url, args.repeat)


if __name__ == "__main__":
    main()
