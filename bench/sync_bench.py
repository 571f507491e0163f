"""Sync throughput and latency, each beside the raw database driver doing the same rows.

    .venv/bin/python -m bench.sync_bench [--database sqlite|postgresql] [--count 1000000] [--ops 10000]
    .venv/bin/python -m bench           # figures(quick): both, on SQLite and (BENCH_PG_URL) PostgreSQL

`figures(quick)` pushes 10,000 operations (2,000 when quick) and pulls with 1,000,000 instructions on
PostgreSQL, 100,000 on SQLite (10,000 when quick). Goals (issue #17): push >= 5,000 ops/s on SQLite
and >= 2,000 on PostgreSQL; first pull of 200 instructions <= 100 ms.

1. push: one batch of `ops` operations (80 % sample.add, 20 % chained item_result.set) through the
   Flask app (JSON, schema, a savepoint per instruction group, idempotency record, custody row), in operations
   per second; beside it, a raw-driver `executemany` of the same rows (sample, custody, record).
2. pull: an inspector with 200 open instructions in a database of `count` instructions (2 items each;
   filled with set-based INSERT … SELECT over a generated series), the first pull (which also grants 200
   leases; the process has served another inspector's pull before) and the median of five more;
   beside it, the raw-driver queries of the same rows.

SQLite runs on a temporary file; PostgreSQL on a scratch database created and dropped on
BENCH_DATABASE_URL's server (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres), named
BENCH_DB_PREFIX (default chajian_bench_) and a random suffix.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from backend.core.enums import Assurance, Role
from backend.extensions import db
from backend.seeds import seed_all_catalogs
from bench.seeded import in_process_app
from bench.summary import Figure, databases, scratch_database

OPEN_INSTRUCTIONS = 200
ITEMS = (
    ("verify_goods", "核对货证", "Verify goods against documents"),
    ("labels", "检查标签", "Check labels"),
)


def _database(kind: str):
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='chajian-bench-')}/bench.db", lambda: None
    url = sa.make_url(
        os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    name = f"{os.environ.get('BENCH_DB_PREFIX', 'chajian_bench_')}{secrets.token_hex(3)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


def _series(dialect: str, n: int, select: str) -> str:
    """`select` (using column n) over 1..n, as one INSERT … SELECT."""
    if dialect == "postgresql":
        return f"{select} FROM generate_series(1, {n}) AS s(n)"
    return f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n}) {select} FROM s"


def fill(count: int) -> int:
    """`count` instructions of many inspectors; the first inspector has the 200 open ones. Returns its id."""
    dialect = db.engine.dialect.name
    now = datetime.now(UTC).isoformat() if dialect == "sqlite" else "now()"
    ts = f"'{now}'" if dialect == "sqlite" else now
    inspectors = max(2, count // 500)
    declarations = min(count, 10_000)
    started = time.perf_counter()
    with db.engine.begin() as conn:

        def run(sql: str) -> None:  # psycopg takes % as a placeholder
            conn.exec_driver_sql(sql.replace("%", "%%") if dialect == "postgresql" else sql)

        run(
            "INSERT INTO enterprise (id, customs_code, name_zh, credit_grade, district_code, created_at, updated_at)"
            f" VALUES (1, 'BENCH00001', '竹制品出口有限公司', 'general', '5300', {ts}, {ts})"
        )
        run(
            _series(
                dialect,
                inspectors,
                "INSERT INTO user_account (id, username, display_name, role, district_code,"
                f" active, created_at, updated_at) SELECT n, 'inspector-' || n, 'inspector', 'inspector', '5300',"
                f" {'1' if dialect == 'sqlite' else 'true'}, {ts}, {ts}",
            )
        )
        run(
            _series(
                dialect,
                declarations,
                "INSERT INTO declaration (id, enterprise_id, district_code, status, source,"
                " inspection_no, consignor_name_zh, destination_country, storage_place, total_packages,"
                " package_kind, total_net_weight, last_action_at, created_at, updated_at, version)"
                " SELECT n, 1, '5300', 'inspection_notice', 'web', '126N' || CAST(53000000000 + n AS TEXT),"
                f" '竹制品出口有限公司', 'JPN', '深圳市龙岗区', 200, 'CTN', 2000, {ts}, {ts}, {ts}, 1",
            )
        )
        run(
            _series(
                dialect,
                declarations,
                "INSERT INTO declaration_goods (declaration_id, line_no, hs_code, name_zh,"
                " name_en, quantity, quantity_unit, net_weight, packing_kind, packing_count)"
                " SELECT n, 1, '4419121000', '竹筷', 'Bamboo chopsticks', 100000, '035', 2000, 'CTN', 200",
            )
        )
        # Instruction n belongs to inspector 1 (open) for n <= 200, else to inspector 2 + n % (inspectors - 1).
        run(
            _series(
                dialect,
                count,
                "INSERT INTO instruction (id, declaration_id, enterprise_id, district_code,"
                " status, source, priority, site_address, inspector_id, created_at, updated_at, version)"
                f" SELECT n, 1 + n % {declarations}, 1, '5300',"
                f" CASE WHEN n <= {OPEN_INSTRUCTIONS} THEN 'assigned' ELSE 'completed' END, 'risk_rule', 3,"
                f" '深圳市龙岗区', CASE WHEN n <= {OPEN_INSTRUCTIONS} THEN 1 ELSE 2 + n % {inspectors - 1} END,"
                f" {ts}, {ts}, 2",
            )
        )
        for seq, (code, zh, en) in enumerate(ITEMS, start=1):
            run(
                _series(
                    dialect,
                    count,
                    "INSERT INTO instruction_item (instruction_id, seq, code, description_zh,"
                    f" description_en, evidence) SELECT n, {seq}, '{code}', '{zh}', '{en}', '[\"photo\"]'",
                )
            )
        run(
            "INSERT INTO sync_change (inspector_id, instruction_id, seq) SELECT inspector_id, id, id FROM instruction"
        )
        run(f"INSERT INTO sync_counter (inspector_id, last_seq) SELECT id, {count} FROM user_account")
    if dialect == "postgresql":
        with db.engine.begin() as conn:  # explicit ids were given: move the sequences past them
            for table in (
                "enterprise",
                "user_account",
                "declaration",
                "declaration_goods",
                "instruction",
                "instruction_item",
            ):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(
        f"  filled {count:,} instructions, {count * 2:,} items, {inspectors:,} inspectors "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 1


def _headers(user_id: int) -> dict:
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair

    tokens = issue_token_pair(db.session.get(User, user_id), Assurance.PASSWORD)
    db.session.commit()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def bench_pull(app, inspector_id: int) -> tuple[float, float, float]:
    """(first pull, median of five more, raw driver) in seconds."""
    client = app.test_client()
    headers = _headers(inspector_id)
    query = {"device_id": "phone-bench-01", "cursor": 0, "limit": OPEN_INSTRUCTIONS}

    cpu: list[float] = []

    def once() -> float:
        started, used = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/sync/pull", query_string=query, headers=headers)
        elapsed = time.perf_counter() - started
        cpu.append(time.process_time() - used)
        assert response.status_code == 200 and len(response.get_json()["changes"]) == OPEN_INSTRUCTIONS
        return elapsed

    # The process has served a pull before (another inspector's: nothing to lease), as a server has;
    # the timed one is this inspector's first, which grants the 200 leases.
    warm_up = client.get("/api/v1/sync/pull", query_string=query, headers=_headers(inspector_id + 1))
    assert warm_up.status_code == 200
    first = once()
    warm = statistics.median(once() for _ in range(5))
    raw = statistics.median(_raw_pull(inspector_id) for _ in range(5))
    print(
        f"  pull of {OPEN_INSTRUCTIONS} instructions: first (grants leases) {first * 1000:.0f} ms "
        f"(this process's CPU {cpu[0] * 1000:.0f} ms), "
        f"then median {warm * 1000:.0f} ms; raw driver, same rows: {raw * 1000:.1f} ms",
        flush=True,
    )
    return first, warm, raw


def _raw_pull(inspector_id: int) -> float:
    connection = db.engine.raw_connection()
    p = "%s" if db.engine.dialect.name == "postgresql" else "?"
    try:
        started = time.perf_counter()
        cursor = connection.cursor()
        cursor.execute(
            f"SELECT c.seq, i.* FROM sync_change c JOIN instruction i ON i.id = c.instruction_id "
            f"WHERE c.inspector_id = {p} AND c.seq > 0 ORDER BY c.seq LIMIT {OPEN_INSTRUCTIONS + 1}",
            (inspector_id,),
        )
        rows = cursor.fetchall()
        ids = ",".join(str(row[1]) for row in rows)
        declaration_ids = ",".join({str(row[2]) for row in rows})
        for sql in (
            f"SELECT * FROM instruction_item WHERE instruction_id IN ({ids})",
            f"SELECT * FROM declaration WHERE id IN ({declaration_ids})",
            f"SELECT * FROM declaration_goods WHERE declaration_id IN ({declaration_ids})",
            f"SELECT * FROM inspection WHERE instruction_id IN ({ids})",
            f"SELECT * FROM instruction_lease WHERE instruction_id IN ({ids})",
        ):
            cursor.execute(sql)
            cursor.fetchall()
        return time.perf_counter() - started
    finally:
        connection.close()


def bench_push(app, ops: int) -> tuple[float, float]:
    """(project, raw driver) in operations per second."""
    from tests.helpers import make_declaration, make_enterprise, make_instruction, make_op, make_user

    client = app.test_client()
    inspector = make_user(Role.INSPECTOR, username=f"push-bench-{secrets.token_hex(2)}", with_password=False)
    enterprise = make_enterprise()
    headers = _headers(inspector.id)
    instructions = [
        make_instruction(make_declaration(enterprise, status="inspection_notice"), inspector=inspector)
        for _ in range(4)
    ]
    start_ops = [
        op
        for i in instructions
        for op in (
            make_op("instruction.accept", i.id, base_version=2),
            make_op("instruction.start", i.id, base_version=3),
        )
    ]
    assert (
        client.post(
            "/api/v1/sync/push",
            json={"device_id": "phone-bench-01", "operations": start_ops},
            headers=headers,
        ).status_code
        == 200
    )
    versions: dict[int, int] = {}
    batch = []
    for n in range(ops):
        instruction = instructions[n % 4]
        if n % 5 == 4:
            item = instruction.items[n % 2].id
            batch.append(
                make_op(
                    "item_result.set",
                    instruction.id,
                    item_id=item,
                    base_version=versions.get(item, 0),
                    body={"result": "conforms", "notes": f"复核 {n}"},
                )
            )
            versions[item] = versions.get(item, 0) + 1
        else:
            batch.append(
                make_op(
                    "sample.add",
                    instruction.id,
                    sample_id=str(uuid.uuid4()),
                    body={
                        "sample_no": f"S-{n:05d}",
                        "quantity": "1.5",
                        "unit": "kg",
                        "laboratory": "深圳海关技术中心",
                        "tests": ["moisture"],
                    },
                )
            )
    body = json.dumps({"device_id": "phone-bench-01", "operations": batch})  # as the phone sends it
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post("/api/v1/sync/push", data=body, content_type="application/json", headers=headers)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    results = response.get_json()["results"]
    assert response.status_code == 200 and all(r["status"] == "applied" for r in results), results[:3]
    raw = _raw_push(ops, instructions[0].id, inspector.id)
    print(
        f"  push of {ops:,} operations: {ops / elapsed:,.0f} ops/s ({elapsed:.1f} s; this process's CPU "
        f"{cpu:.1f} s, {ops / cpu:,.0f} ops per CPU-second of this process, the database server's own work not "
        f"counted); "
        f"raw driver bulk insert of the same rows: {ops / raw:,.0f} ops/s ({raw:.2f} s)",
        flush=True,
    )
    return ops / elapsed, ops / raw


def _raw_push(ops: int, instruction_id: int, user_id: int) -> float:
    """The rows a sample.add leaves (sample, custody, processed operation), inserted with executemany."""
    inspection_id = db.session.execute(
        sa.text("SELECT id FROM inspection WHERE instruction_id = :i"), {"i": instruction_id}
    ).scalar_one()
    last_seq = db.session.execute(
        sa.text("SELECT max(seq) FROM evidence_record WHERE inspection_id = :i"), {"i": inspection_id}
    ).scalar_one()
    db.session.commit()
    now = datetime.now(UTC)
    if db.engine.dialect.name == "sqlite":
        now = now.isoformat()
    p = "%s" if db.engine.dialect.name == "postgresql" else "?"
    rows = [(str(uuid.uuid4()), str(uuid.uuid4()), n) for n in range(ops)]
    connection = db.engine.raw_connection()
    try:
        started = time.perf_counter()
        cursor = connection.cursor()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")  # Chajian's SQLite connections run in autocommit mode until BEGIN
        cursor.executemany(
            "INSERT INTO inspection_sample (inspection_id, sample_uid, sample_no, quantity, unit, laboratory, tests,"
            f" created_at) VALUES ({p}, {p}, {p}, 1.5, 'kg', 'lab', '[\"moisture\"]', {p})",
            [(inspection_id, sample, f"R-{n}", now) for _, sample, n in rows],
        )
        cursor.executemany(
            "INSERT INTO evidence_record (inspection_id, seq, previous_sha256, record_sha256, kind, ref, content,"
            " content_sha256, actor_user_id, device_id, op_id, server_time)"
            f" VALUES ({p}, {p}, {p}, {p}, 'sample', {p}, '{{}}', {p}, {p}, 'phone', {p}, {p})",
            [
                (inspection_id, last_seq + 1 + n, "0" * 64, "0" * 64, sample, "0" * 64, user_id, op, now)
                for op, sample, n in rows
            ],
        )
        cursor.executemany(
            "INSERT INTO sync_operation (user_id, op_id, device_id, instruction_id, op_type, body_sha256, status,"
            f" result, processed_at) VALUES ({p}, {p}, 'phone', {p}, 'sample.add', {p}, 'applied', '{{}}', {p})",
            [(user_id, op, instruction_id, "0" * 64, now) for op, _, _ in rows],
        )
        connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()


PUSH_GOAL = {"SQLite": 5_000, "PostgreSQL": 2_000}  # operations per second, one process
PULL_GOAL_MS = 100


def _app(url: str):
    return in_process_app(url, SECRET_KEY="bench", STORAGE_DIR=tempfile.mkdtemp(prefix="chajian-bench-storage-"))


def run(url: str, *, count: int, ops: int) -> tuple[tuple[float, float], tuple[float, float, float]]:
    app = _app(url)
    with app.app_context():
        try:
            db.create_all()
            seed_all_catalogs()
            db.session.commit()
            inspector_id = fill(count)
            push = bench_push(app, ops)
            pull = bench_pull(app, inspector_id)
        finally:
            db.session.remove()
            db.engine.dispose()
    return push, pull


def figures(quick: bool) -> list[Figure]:
    out: list[Figure] = []
    for label in databases():
        count = 10_000 if quick else (1_000_000 if label == "PostgreSQL" else 100_000)
        ops = 2_000 if quick else 10_000
        print(f"sync on {label}: push {ops:,} operations, pull with {count:,} instructions", flush=True)
        with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp, scratch_database(label, tmp) as url:
            (push, raw_push), (first, _, raw_pull) = run(url, count=count, ops=ops)
        out.append(
            Figure.at_least(
                f"sync push, {ops:,}-op batch ({label})", push, PUSH_GOAL[label], "ops/s", floor=raw_push
            )
        )
        out.append(
            Figure.at_most(
                f"first pull, {OPEN_INSTRUCTIONS} of {count:,} instructions ({label})",
                first * 1000,
                PULL_GOAL_MS,
                "ms",
                floor=raw_pull * 1000,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--count", type=int, default=1_000_000, help="instructions in the database")
    parser.add_argument("--ops", type=int, default=10_000, help="operations in the pushed batch")
    args = parser.parse_args()
    url, drop = _database(args.database)
    print(f"sync bench on {args.database}")
    try:
        run(url, count=args.count, ops=args.ops)
    finally:
        drop()


if __name__ == "__main__":
    main()
