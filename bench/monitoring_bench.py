"""业务监控 and 查询统计 at national size: the board and a one-year page over HTTP beside one raw SQL
statement, and a change reaching 200 connected boards across 2 app processes.

    .venv/bin/python -m bench.monitoring_bench                       # 100,000 on SQLite, 1,000,000 on PG
    .venv/bin/python -m bench.monitoring_bench --quick               # 10,000 applications, SQLite
    .venv/bin/python -m bench.monitoring_bench --db postgresql+psycopg://postgres@127.0.0.1/bench_mon
    .venv/bin/python -m bench.monitoring_bench --db … --reuse --clients 0  # measure it again, no fan-out
    python -m bench                                                  # figures(quick) in the summary

Generates the applications with their goods, receipts and e-records (bench.declarations_generate), adds
instructions for the applications that were sent for inspection, inspections for those that passed, and
certificates for a third of the e-records (one INSERT … SELECT each), then starts the real server
(gunicorn) and measures, each p95 over HTTP beside the p95 of the same aggregate as one raw SQL
statement on the driver (sqlite3 / psycopg) in this run (goal: p95 ≤ 300 ms):

- the board of 深圳海关 (5300, with its subordinates): every tile's count per district;
- the statistics overview of 5300 over one year, after `roll_up()` stored the closed days (the count
  straight from the receipts is printed before it, for comparison);
- the timeliness page over the same year (stage durations from the roll-up, today's live);
- the trend by month (printed).

Then (once per run, on the first database) two app processes share Redis as Socket.IO's message
queue; 200 python-socketio clients (100 on each) hold the 5300 board's connection; 5301's supervisor
reassigns an instruction through the API, and each client's arrival time of the "instruction.status"
message is measured from the request's start (goal p95 ≤ 250 ms), beside the same message emitted
straight into Redis by a bare emitter (the floor: no app, no database).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench import shared
from bench.declarations_bench import (
    PROJECT_APP,
    Client,
    Raw,
    launch_server,
    percentile,
    rows_for,
    timed,
    wait_ready,
)
from bench.declarations_generate import load_postgresql, load_sqlite, prepare_schema
from bench.summary import Figure, databases, table

YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
DISTRICTS_5300 = ("5300", "5301", "5302", "5320")
REPEAT = 20
GOAL_MS = 300
FANOUT_GOAL_MS = 250
BOARD_CLIENTS = 200


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
        # What autovacuum does to a live database: the visibility map lets the counts use index-only scans.
        _execute(raw, "VACUUM (ANALYZE)")
    else:
        _execute(raw, "ANALYZE")


def prepare_supervisor(db_url: str) -> str:
    """A supervisor of 深圳海关 (5300) and a long-lived token."""
    from backend.core.enums import Assurance, Role
    from backend.extensions import db
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair

    with shared.app(db_url).app_context():
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

    with shared.app(db_url).app_context():
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


IN_5300 = "('5300', '5301', '5302', '5320')"
OPEN = "('pending', 'assigned', 'accepted', 'in_progress')"
# The board's counts as one statement: what /monitoring/board counts (backend/monitoring/tiles.py).
RAW_BOARD = " UNION ALL ".join(
    (
        f"SELECT district_code, 'review_waiting', count(*) FROM declaration "
        f"WHERE status IN ('accepted', 'under_review') AND district_code IN {IN_5300} GROUP BY district_code",
        f"SELECT d.district_code, 'notice_without_instruction', count(*) FROM declaration d "
        f"WHERE d.status = 'inspection_notice' AND d.district_code IN {IN_5300} AND NOT EXISTS "
        f"(SELECT 1 FROM instruction i WHERE i.declaration_id = d.id AND i.status IN {OPEN}) "
        f"GROUP BY d.district_code",
        f"SELECT district_code, 'instructions_unassigned', count(*) FROM instruction "
        f"WHERE status = 'pending' AND district_code IN {IN_5300} GROUP BY district_code",
        f"SELECT district_code, 'instructions_assigned', count(*) FROM instruction "
        f"WHERE status = 'assigned' AND district_code IN {IN_5300} GROUP BY district_code",
        f"SELECT district_code, 'instructions_in_progress', count(*) FROM instruction "
        f"WHERE status IN ('accepted', 'in_progress') AND district_code IN {IN_5300} GROUP BY district_code",
        f"SELECT district_code, 'instructions_overdue', count(*) FROM instruction "
        f"WHERE status IN {OPEN} AND deadline < %s AND district_code IN {IN_5300} GROUP BY district_code",
        f"SELECT district_code, 'appointments_requested', count(*) FROM appointment "
        f"WHERE status = 'requested' AND district_code IN {IN_5300} GROUP BY district_code",
        f"SELECT d.district_code, 'e_records_expiring', count(*) FROM e_record e "
        f"JOIN declaration d ON d.id = e.declaration_id WHERE e.status = 'normal' AND e.valid_until >= %s "
        f"AND e.valid_until < %s AND d.district_code IN {IN_5300} GROUP BY d.district_code",
        f"SELECT district_code, 'certificates_referred', count(*) FROM certificate_application "
        f"WHERE status = 'officer_review' AND district_code IN {IN_5300} GROUP BY district_code",
        f"SELECT district_code, 'blank_stock_requested', count(*) FROM blank_stock "
        f"WHERE status = 'requested' AND district_code IN {IN_5300} GROUP BY district_code",
    )
)
# The timeliness page's aggregate over the roll-up: cases per district and stage in the year.
RAW_DURATIONS = (
    "SELECT district_code, stage, sum(count) FROM statistics_daily_duration "
    f"WHERE day BETWEEN '2026-01-01' AND '2026-12-31' AND district_code IN {IN_5300} GROUP BY 1, 2"
)


def _p95_ms(samples: list[float]) -> float:
    return percentile(samples, 0.95) * 1000


def _line(label: str, http_samples: list[float], raw_samples: list[float] | None = None) -> None:
    raw = f"   raw SQL p95 {_p95_ms(raw_samples):8.1f} ms" if raw_samples else ""
    print(f"  {label:<44} HTTP p95 {_p95_ms(http_samples):8.1f} ms{raw}", flush=True)


def _stamp(postgres: bool, moment: datetime):
    """A time as the raw driver compares it with the stored column."""
    return moment if postgres else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def measure(db_url: str, repeat: int, label: str, *, printed: bool = True) -> list[Figure]:
    """The board, the one-year overview, timeliness (and, `printed`, the overview before the roll-up
    and the trend, for comparison): HTTP p95 beside raw SQL p95."""
    url = sa.make_url(db_url)
    raw = Raw(url)
    token = prepare_supervisor(db_url)
    (port,) = shared.servers(db_url, [(PROJECT_APP, 8, None)])  # declarations_bench's, when it ran first
    client = Client(port, token)
    postgres = url.get_backend_name() == "postgresql"
    bounds = ("2025-12-31 16:00:00", "2026-12-31 16:00:00")
    if not postgres:
        bounds = tuple(f"{b}.000000" for b in bounds)
    query = "&".join(f"{k}={v}" for k, v in YEAR.items())
    figures: list[Figure] = []

    def page(path: str):
        def call(_):
            status, body = client.call("GET", path)
            assert status == 200, (status, body)

        return call

    def raw_statement(sql: str, params=bounds):
        return lambda _: raw.q(sql, params() if callable(params) else params)

    def figure(name: str, http_samples: list[float], raw_samples: list[float]) -> None:
        _line(name, http_samples, raw_samples)
        figures.append(
            Figure.at_most(
                f"{name} p95 ({label})", _p95_ms(http_samples), GOAL_MS, floor=_p95_ms(raw_samples)
            )
        )

    def board_params():
        now = datetime.now(UTC)
        return (_stamp(postgres, now), _stamp(postgres, now), _stamp(postgres, now + timedelta(days=7)))

    page("/api/v1/monitoring/board")(0)  # warm the connection pool and the caches
    page(f"/api/v1/statistics/overview?{query}")(0)
    counts = raw.q(RAW_RECEIPTS, bounds)
    print(f"  one year, districts {', '.join(DISTRICTS_5300)}: {sum(c for *_, c in counts):,} receipts")
    figure(
        "board counts (5300 and subordinates)",
        timed(page("/api/v1/monitoring/board"), repeat),
        timed(raw_statement(RAW_BOARD, board_params), repeat),
    )
    if printed:
        _line(
            "overview before the roll-up (from receipts)",
            timed(page(f"/api/v1/statistics/overview?{query}"), max(3, repeat // 4)),
            timed(raw_statement(RAW_RECEIPTS), max(3, repeat // 4)),
        )
    started = time.perf_counter()
    days = roll_up(db_url)
    print(f"  roll-up: {days} closed days in {time.perf_counter() - started:.1f} s", flush=True)
    figure(
        "statistics overview, one year",
        timed(page(f"/api/v1/statistics/overview?{query}"), repeat),
        timed(raw_statement(RAW_RECEIPTS), repeat),
    )
    figure(
        "timeliness, one year",
        timed(page(f"/api/v1/statistics/timeliness?{query}"), repeat),
        timed(raw_statement(RAW_DURATIONS, ()), repeat),
    )
    trend_sql = RAW_TREND_PG if postgres else RAW_TREND_SQLITE
    if not printed:
        return figures
    _line(
        "trend by month (printed only)",
        timed(page(f"/api/v1/statistics/trend?granularity=month&{query}"), max(3, repeat // 4)),
        timed(raw_statement(trend_sql), max(3, repeat // 4)),
    )
    return figures


# --- a change reaching the boards across two app processes -------------------------------------------------


def prepare_fanout(db_url: str) -> dict:
    """An open instruction of 5301, its supervisor and two inspectors to reassign it between (tokens)."""
    from backend.core.enums import Assurance, Role
    from backend.extensions import db
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair
    from backend.instructions.models import Instruction

    with shared.app(db_url).app_context():
        instruction = db.session.execute(
            sa.select(Instruction)
            .where(Instruction.district_code == "5301", Instruction.status.in_(("pending", "assigned")))
            .limit(1)
        ).scalar_one()

        def user(name: str, role: Role) -> User:
            found = db.session.execute(sa.select(User).where(User.username == name)).scalar_one_or_none()
            if found is None:
                found = User(username=name, display_name=name, role=role.value, district_code="5301")
                db.session.add(found)
                db.session.flush()
            return found

        supervisor = user("bench-sup-5301", Role.SUPERVISOR)
        inspectors = [user(f"bench-insp-5301-{n}", Role.INSPECTOR).id for n in (1, 2)]
        made = {
            "instruction_id": instruction.id,
            "inspectors": inspectors,
            "supervisor_token": issue_token_pair(supervisor, Assurance.PASSWORD)["access_token"],
        }
        db.session.commit()
        db.engine.dispose()
    return made


async def _fanout(
    ports: list[int], board_token: str, made: dict, clients: int, rounds: int, redis_url: str
) -> tuple[list[float], list[float]]:
    import aiohttp
    import socketio

    iid = made["instruction_id"]
    arrivals: dict[tuple, list[float]] = {}

    def listener(sio):
        @sio.on("instruction.status")
        async def on_status(data):
            if isinstance(data, dict) and data.get("instruction_id") in (iid, -iid):
                key = (data["instruction_id"], data.get("version"))
                arrivals.setdefault(key, []).append(time.perf_counter())

    boards = []
    for n in range(clients):
        sio = socketio.AsyncClient(reconnection=False)
        listener(sio)
        boards.append((sio, ports[n % len(ports)]))
    for first in range(0, clients, 25):
        await asyncio.gather(
            *(
                sio.connect(
                    f"http://127.0.0.1:{port}",
                    auth={"token": board_token},
                    transports=["websocket"],
                    wait_timeout=30,
                )
                for sio, port in boards[first : first + 25]
            )
        )
    await asyncio.sleep(0.5)

    async def everyone_has(key, started) -> list[float]:
        deadline = time.perf_counter() + 10
        while len(arrivals.get(key, ())) < clients and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        got = arrivals.get(key, [])
        assert len(got) == clients, f"{len(got)} of {clients} boards heard {key}"
        return [at - started for at in got]

    through_api: list[float] = []
    headers = {"Authorization": f"Bearer {made['supervisor_token']}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for n in range(rounds):
            started = time.perf_counter()
            async with http.post(
                f"http://127.0.0.1:{ports[n % len(ports)]}/api/v1/instructions/{iid}/assign",
                json={"inspector_id": made["inspectors"][n % 2]},
            ) as response:
                body = await response.json()
                assert response.status == 200, body
            through_api += await everyone_has((iid, body["version"]), started)
    # The floor: the same message published straight into Redis by a bare emitter.
    emitter = socketio.RedisManager(redis_url, channel="flask-socketio", write_only=True)  # the app's channel
    bare: list[float] = []
    for n in range(rounds):
        started = time.perf_counter()
        await asyncio.to_thread(
            emitter.emit,
            "instruction.status",
            {"instruction_id": -iid, "version": n},
            room="district:5301",
            namespace="/",
        )
        bare += await everyone_has((-iid, n), started)
    await asyncio.gather(*(sio.disconnect() for sio, _ in boards))
    return through_api, bare


def fanout(db_url: str, clients: int, rounds: int, label: str) -> list[Figure]:
    """A committed change reaching `clients` boards on 2 app processes (Redis), p95 beside the bare emit."""
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    made = prepare_fanout(db_url)
    board_token = prepare_supervisor(db_url)
    settings = {"REDIS_URL": redis_url, "CELERY_BROKER_URL": "", "REALTIME_TOKEN_CHECK_SECONDS": "3600"}
    servers = [launch_server(db_url, threads=clients // 2 + 16, env_extra=settings) for _ in range(2)]
    try:
        for process, port in servers:  # started together: a start is mostly waiting for imports
            wait_ready(process, port)
        through_api, bare = asyncio.run(
            _fanout([port for _, port in servers], board_token, made, clients, rounds, redis_url)
        )
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait()
    name = f"change → {clients} boards on 2 processes (Redis)"
    print(
        f"  {name:<44} p95 {_p95_ms(through_api):8.1f} ms   bare Redis emit p95 {_p95_ms(bare):8.1f} ms",
        flush=True,
    )
    return [
        Figure.at_most(f"{name} p95 ({label})", _p95_ms(through_api), FANOUT_GOAL_MS, floor=_p95_ms(bare))
    ]


def generate(db_url: str, count: int) -> None:
    url = sa.make_url(db_url)
    started = time.perf_counter()
    prepare_schema(db_url, reset=True)
    (load_postgresql if url.get_backend_name() == "postgresql" else load_sqlite)(url, count)
    add_instructions_inspections_certificates(Raw(url))
    print(f"  {count:,} applications generated in {time.perf_counter() - started:.1f} s", flush=True)


def figures(quick: bool) -> list[Figure]:
    """Every database of the run (bench.summary.databases): 10,000 applications when quick, else 100,000
    on SQLite and 1,000,000 on PostgreSQL; the socket fan-out once, on the first database."""
    collected: list[Figure] = []
    repeat = 10 if quick else REPEAT
    for index, label in enumerate(databases()):
        count = rows_for(label, quick)
        print(f"monitoring bench: {count:,} applications on {label}", flush=True)
        # The applications declarations_bench generated (when it ran first), with this bench's rows added.
        db_url = shared.applications(label, count)
        shared.once(db_url, "instructions, inspections, certificates",
                    lambda url=db_url: add_instructions_inspections_certificates(Raw(sa.make_url(url))))
        collected += measure(db_url, repeat, label, printed=not quick)
        if index == 0:
            collected += fanout(db_url, BOARD_CLIENTS, 5 if quick else 20, label)
    return collected


def main(argv=None) -> list[Figure]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="SQLAlchemy URL; default a new SQLite file in a temporary folder")
    parser.add_argument("--count", type=int, help="applications (default 1,000,000 on PG, 100,000 on SQLite)")
    parser.add_argument("--quick", action="store_true", help="10,000 applications")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--clients", type=int, default=BOARD_CLIENTS, help="boards for the fan-out (0: none)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure --db as it is (generated by an earlier run)"
    )
    args = parser.parse_args(argv)
    db_url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='chajian-monitoring-')) / 'bench.db'}"
    url = sa.make_url(db_url)
    postgres = url.get_backend_name() == "postgresql"
    count = 10_000 if args.quick else args.count or (1_000_000 if postgres else 100_000)
    label = "PostgreSQL" if postgres else "SQLite"
    print(f"monitoring bench: {count:,} applications on {label}", flush=True)
    if not (args.reuse and args.db):
        generate(db_url, count)
    collected = measure(db_url, args.repeat, label)
    if args.clients:
        collected += fanout(db_url, args.clients, 5 if args.quick else 20, label)
    print(table(collected))
    return collected


if __name__ == "__main__":
    main()
