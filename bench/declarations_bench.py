"""Declarations under load: lookups, list pages and submissions over HTTP, each next to its floor.

    .venv/bin/python -m bench.declarations_bench --db sqlite:////tmp/bench.db --count 100000
    .venv/bin/python -m bench.declarations_bench \
        --db postgresql+psycopg://postgres@127.0.0.1/bench --count 100000

Generates the data first (bench.declarations_generate) unless the database already holds --count
applications, starts the real server (gunicorn, one worker, threads) on the database, and prints for each
measure the HTTP figure and the same query through the raw driver (sqlite3 / psycopg) in this run.

`figures(quick)` (what `make bench` runs) measures on a scratch database per engine (10,000 rows quick;
100,000 on SQLite and 1,000,000 on PostgreSQL in full):
- lookup by number p50, one client, beside the bare route (bench.bare_routes: a bare Flask app running
  the same queries on the raw driver, served by the same gunicorn settings); goal ≤ 2×;
- the same p99 under 8 concurrent clients beside the bare route under 8 clients; goal ≤ 3×;
- submissions/s from 8 clients beside the same rows written by the raw driver (counter, status and
  number, 2 receipts, 2 audit rows, then COMMIT) from 8 threads; goal ≥ 0.5×. Beside it, the same
  8 clients on the bare route (bench.bare_routes: the raw driver's statements and the read-back in a
  bare Flask view, same gunicorn settings) against the same raw rate: what HTTP and Flask alone leave.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from backend.core.china_time import CHINA_TIME

ROOT = Path(__file__).resolve().parent.parent
HOT = "BENCH00001"
PROJECT_APP = "backend:create_app()"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(samples: list[float]) -> str:
    return f"p50 {percentile(samples, 0.5) * 1000:7.2f} ms   p99 {percentile(samples, 0.99) * 1000:7.2f} ms"


class Raw:
    """The raw driver on the same database, with the driver's own parameter style."""

    def __init__(self, url: sa.URL):
        self.url = url
        self.postgres = url.get_backend_name() == "postgresql"
        if self.postgres:
            import psycopg

            self.conn = psycopg.connect(
                url.set(drivername="postgresql").render_as_string(hide_password=False)
            )
            self.conn.autocommit = True
        else:
            self.conn = sqlite3.connect(url.database, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout=30000")

    def q(self, sql: str, params=()) -> list[tuple]:
        if not self.postgres:
            sql = sql.replace("%s", "?")
        cur = self.conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall()


class Client:
    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        payload = json.dumps(body) if body is not None else None
        try:
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            self.conn.close()  # the server closed an idle keep-alive connection: open a new one
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data else {})


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - started)
    return samples


def bench_app(db_url: str):
    """The app on the bench's database in this process (bench.seeded), its tokens valid for four hours."""
    from bench.seeded import in_process_app

    return in_process_app(db_url, ACCESS_TOKEN_TTL=4 * 3600)


def prepare_actor(db_url: str) -> tuple[str, dict]:
    """A user of the hot enterprise with a registered BWG qualification, and a long-lived token."""
    from backend.core.enums import Assurance, Role
    from backend.extensions import db
    from backend.identity.models import Enterprise, Qualification, User
    from backend.identity.tokens import issue_token_pair
    from bench import shared

    app = shared.app(db_url)
    with app.app_context():
        ent = db.session.execute(db.select(Enterprise).where(Enterprise.customs_code == HOT)).scalar_one()
        user = db.session.execute(db.select(User).where(User.username == "bench-hot")).scalar_one_or_none()
        if user is None:
            user = User(
                username="bench-hot", display_name="压测", role=Role.ENTERPRISE.value, enterprise_id=ent.id
            )
            db.session.add(user)
            db.session.add(
                Qualification(enterprise_id=ent.id, type_code="BWG_PRODUCER", number="BENCH-BWG-1")
            )
            db.session.flush()
        token = issue_token_pair(user, Assurance.PASSWORD)["access_token"]
        db.session.commit()
        body = {
            "applicant_code": HOT,
            "applicant_name": ent.name_zh,
            "consignor_code": HOT,
            "consignor_name_zh": ent.name_zh,
            "consignee_name_en": "Tokyo Kitchenware K.K.",
            "trade_mode": "0110",
            "trade_country": "JPN",
            "destination_country": "JPN",
            "departure_port": "CNYTN",
            "arrival_port": "JPTYO",
            "transport_mode": "2",
            "contract_no": "BENCH-1",
            "shipping_date": (date.today() + timedelta(days=10)).isoformat(),
            "storage_place": "深圳",
            "total_packages": 200,
            "total_net_weight": "2000.000",
            "goods": [
                {
                    "hs_code": "4419121000",
                    "ciq_code": "4419121000999",
                    "name_zh": "竹筷",
                    "quantity": "100000.000",
                    "quantity_unit": "025",
                    "net_weight": "2000.000",
                    "value": "12000.00",
                    "currency": "USD",
                    "packing_count": 200,
                }
            ],
            "qualifications": [{"type_code": "BWG_PRODUCER", "number": "BENCH-BWG-1"}],
            "certificates": [{"cert_code": "18", "originals": 1, "copies": 1}],
        }
        db.engine.dispose()
    return token, body


def start_server(
    db_url: str, app_spec: str = "backend:create_app()", *, threads: int = 8, env_extra: dict | None = None
) -> tuple[subprocess.Popen, int]:
    """`app_spec` under gunicorn the way the project is served: gthread, one worker, `threads` threads;
    `env_extra` adds settings (REDIS_URL, …). Returns once it answers."""
    process, port = launch_server(db_url, app_spec, threads=threads, env_extra=env_extra)
    wait_ready(process, port)
    return process, port


def launch_server(
    db_url: str, app_spec: str = "backend:create_app()", *, threads: int = 8, env_extra: dict | None = None
) -> tuple[subprocess.Popen, int]:
    """start_server() without the wait: several can start at the same time (wait_ready() each)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_REQUESTS": "0", "ACCESS_TOKEN_TTL": "14400",
           "KEY_RATE_LIMIT": "1000000 per minute", "LOGIN_ADDRESS_RATE_LIMIT": "1000000 per minute",
           **(env_extra or {})}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",  # the project's server settings and hooks; the lines below override its size and address
        "gunicorn.conf.py",
        "-k",
        "gthread",
        "-w",
        "1",
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--keep-alive",
        "120",
        "--log-level",
        "warning",
        app_spec,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env), port


def wait_ready(process: subprocess.Popen, port: int) -> None:
    for _ in range(600):  # until the worker has loaded the app and answers (not just the port open)
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"server exited with {process.returncode}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start")


def bench(db_url: str, repeat: int, submissions: int) -> None:
    url = sa.make_url(db_url)
    raw = Raw(url)
    token, body = prepare_actor(db_url)
    process, port = start_server(db_url)
    try:
        client = Client(port, token)
        ent_id = raw.q("SELECT id FROM enterprise WHERE customs_code = %s", (HOT,))[0][0]
        numbers = [
            r[0]
            for r in raw.q(
                "SELECT d.inspection_no, e.e_record_no FROM declaration d "
                "JOIN e_record e ON e.declaration_id = d.id "
                "WHERE d.enterprise_id = %s ORDER BY d.id",
                (ent_id,),
            )
        ]
        records = [n + "001" for n in numbers]
        step = max(1, len(numbers) // repeat)
        sample_no, sample_rec = numbers[::step][:repeat], records[::step][:repeat]
        total = raw.q("SELECT count(*) FROM declaration")[0][0]
        print(
            f"\n{url.get_backend_name()}: {total:,} applications; "
            f"hot enterprise has {len(numbers):,} e-records"
        )
        print(f"{'measure':<44}{'HTTP (gunicorn, 1 worker)':<38}raw driver")
        http_no = timed(
            lambda i: _ok(client.call("GET", f"/api/v1/declarations/lookup?inspection_no={sample_no[i]}")),
            len(sample_no),
        )
        raw_no = timed(lambda i: _raw_detail(raw, "d.inspection_no = %s", sample_no[i]), len(sample_no))
        print(f"{'lookup by inspection_no':<44}{summary(http_no):<38}{summary(raw_no)}")
        http_rec = timed(
            lambda i: _ok(client.call("GET", f"/api/v1/declarations/lookup?e_record_no={sample_rec[i]}")),
            len(sample_rec),
        )
        raw_rec = timed(lambda i: _raw_detail(raw, "e.e_record_no = %s", sample_rec[i]), len(sample_rec))
        print(f"{'lookup by e_record_no':<44}{summary(http_rec):<38}{summary(raw_rec)}")
        _pages(raw, client, ent_id, repeat)
        _submissions(raw, port, token, body, submissions)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _ok(result):
    status, data = result
    if status >= 300:
        raise SystemExit(f"HTTP {status}: {data}")
    return data


def _raw_detail(raw: Raw, where: str, value: str):
    row = raw.q(
        f"SELECT d.* FROM declaration d LEFT JOIN e_record e ON e.declaration_id = d.id WHERE {where}",
        (value,),
    )
    declaration_id = row[0][0]
    raw.q("SELECT * FROM declaration_goods WHERE declaration_id = %s ORDER BY line_no", (declaration_id,))
    raw.q("SELECT * FROM e_record WHERE declaration_id = %s", (declaration_id,))


LIST_SQL = (
    "SELECT * FROM declaration WHERE enterprise_id = %s AND status = %s AND created_at IS NOT NULL {keyset}"
    "ORDER BY created_at DESC, id DESC LIMIT 51"
)


def _pages(raw: Raw, client: Client, ent_id: int, repeat: int) -> None:
    from backend.core.pagination import encode_cursor

    rows = raw.q(
        "SELECT count(*) FROM declaration WHERE enterprise_id = %s AND status = 'e_record_issued'", (ent_id,)
    )[0][0]
    depth = int(rows * 0.9)
    anchor = raw.q(
        "SELECT created_at, id FROM declaration WHERE enterprise_id = %s AND status = 'e_record_issued' "
        "ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET %s",
        (ent_id, depth),
    )[0]
    created = anchor[0]
    if isinstance(created, str):
        from datetime import UTC, datetime

        created = datetime.fromisoformat(created).replace(tzinfo=UTC)
    cursor = encode_cursor("created", created, anchor[1])
    path = "/api/v1/declarations?status=e_record_issued&limit=50"
    first = timed(lambda i: _ok(client.call("GET", path)), repeat)
    deep = timed(lambda i: _ok(client.call("GET", f"{path}&cursor={cursor}")), repeat)
    plain = LIST_SQL.format(keyset="")
    keyset = LIST_SQL.format(keyset="AND (created_at, id) < (%s, %s) ")
    raw_anchor = anchor[0]
    raw_first = timed(lambda i: _raw_page(raw, plain, (ent_id, "e_record_issued")), repeat)
    raw_deep = timed(
        lambda i: _raw_page(raw, keyset, (ent_id, "e_record_issued", raw_anchor, anchor[1])), repeat
    )
    offset_sql = plain.replace("LIMIT 51", f"LIMIT 51 OFFSET {depth}")
    raw_offset = timed(
        lambda i: _raw_page(raw, offset_sql, (ent_id, "e_record_issued")), max(5, repeat // 10)
    )
    print(f"{'list, first page (status filter, 50 rows)':<44}{summary(first):<38}{summary(raw_first)}")
    print(f"{f'list, deep page (row {depth:,}, keyset)':<44}{summary(deep):<38}{summary(raw_deep)}")
    print(f"{'  same deep page with OFFSET, raw driver':<44}{'':<38}{summary(raw_offset)}")


def _raw_page(raw: Raw, sql: str, params) -> None:
    rows = raw.q(sql, params)
    ids = [r[0] for r in rows]
    marks = ", ".join(["%s"] * len(ids))
    raw.q(
        f"SELECT * FROM receipt WHERE id IN (SELECT max(id) FROM receipt WHERE declaration_id IN ({marks}) "
        "GROUP BY declaration_id)",
        ids,
    )
    raw.q(f"SELECT * FROM e_record WHERE declaration_id IN ({marks})", ids)


def _submissions(raw: Raw, port: int, token: str, body: dict, count: int) -> None:
    http_rate, template = _submission_rate(port, token, body, count)
    raw_rate = _raw_submissions(raw, template, count)
    print(f"{'submissions/s, 8 concurrent clients':<44}{http_rate:<38.1f}{raw_rate:.1f}")
    print("  raw driver: lock counter, number + status update, 2 receipts, 2 audit rows per transaction")


def _raw_submissions(raw: Raw, template_id: int, count: int) -> float:
    """The submission's writes through the raw driver on copies of a draft, 8 threads."""
    cols = "enterprise_id, district_code, status, source, last_action_at, created_at, updated_at, version"
    ids = []
    for _ in range(count):
        if raw.postgres:
            ids.append(
                raw.q(
                    f"INSERT INTO declaration ({cols}) SELECT enterprise_id, district_code, 'draft', "
                    f"source, now(), now(), now(), 1 FROM declaration WHERE id = %s RETURNING id",
                    (template_id,),
                )[0][0]
            )
        else:
            raw.conn.execute("BEGIN IMMEDIATE")
            cur = raw.conn.execute(
                f"INSERT INTO declaration ({cols}) SELECT enterprise_id, district_code, 'draft', "
                "source, last_action_at, created_at, updated_at, 1 FROM declaration WHERE id = ?",
                (template_id,),
            )
            ids.append(cur.lastrowid)
            raw.conn.execute("COMMIT")
    chunks = [ids[i::8] for i in range(8)]
    connections = [Raw(raw.url) for _ in chunks]  # opened before the clock starts, as the servers' are

    def worker(n: int) -> None:
        for declaration_id in chunks[n]:
            raw_submit(connections[n], declaration_id)

    started = time.perf_counter()
    _in_threads(worker, range(8))
    rate = count / (time.perf_counter() - started)
    for own in connections:
        own.conn.close()
    return rate


def raw_submit(raw: Raw, declaration_id: int) -> None:
    now = "now()" if raw.postgres else "datetime('now')"
    if raw.postgres:
        raw.conn.autocommit = False
        cur = raw.conn.cursor()
    else:
        raw.conn.execute("BEGIN IMMEDIATE")
        cur = raw.conn.cursor()

    def q(sql, params=()):
        cur.execute(sql if raw.postgres else sql.replace("%s", "?"), params)
        return cur

    district = q(
        "SELECT district_code FROM declaration WHERE id = %s" + (" FOR UPDATE" if raw.postgres else ""),
        (declaration_id,),
    ).fetchone()[0]
    year = datetime.now(CHINA_TIME).year  # the counter's year is China's, as the project's
    serial = q(
        "UPDATE inspection_no_counter SET last_serial = last_serial + 1 WHERE district_code = %s AND "
        "year = %s RETURNING last_serial",
        (district, year),
    ).fetchone()[0]
    number = f"2{year % 100:02d}N{district}{serial:07d}"
    q(
        f"UPDATE declaration SET status = 'accepted', inspection_no = %s, submitted_at = {now}, "
        f"accepted_at = {now}, "
        "version = version + 2 WHERE id = %s",
        (number, declaration_id),
    )
    for code, event in (("SUBMITTED", "submit"), ("ACCEPTED", "accept")):
        q(
            f"INSERT INTO receipt (declaration_id, code, status, text_zh, text_en, actor_label, created_at) "
            f"VALUES (%s, %s, 'accepted', %s, %s, 'bench', {now})",
            (declaration_id, code, number, number),
        )
        q(
            "INSERT INTO audit_event (occurred_at, action, entity_type, entity_id) "
            f"VALUES ({now}, %s, 'declaration', %s)",
            (f"declaration.{event}", str(declaration_id)),
        )
    if raw.postgres:
        raw.conn.commit()
        raw.conn.autocommit = True
    else:
        raw.conn.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", required=True, help="SQLAlchemy URL (sqlite:////abs/path.db or postgresql+psycopg://…)"
    )
    parser.add_argument("--count", type=int, default=100_000, help="applications to generate if fewer exist")
    parser.add_argument("--repeat", type=int, default=300, help="requests per read measure")
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    url = sa.make_url(args.db)
    existing = 0
    try:
        existing = Raw(url).q("SELECT count(*) FROM declaration")[0][0]
    except Exception:  # no schema yet
        pass
    if existing < args.count:
        from bench import declarations_generate

        started = time.perf_counter()
        declarations_generate.prepare_schema(args.db, reset=True)
        (
            declarations_generate.load_postgresql
            if url.get_backend_name() == "postgresql"
            else declarations_generate.load_sqlite
        )(url, args.count)
        print(f"generated {args.count:,} applications in {time.perf_counter() - started:.0f} s", flush=True)
    bench(args.db, args.repeat, args.submissions)



# ---- figures(quick): what `make bench` collects ----------------------------------------------------

def _lookup_paths(raw: Raw, count: int) -> list[str]:
    """Lookups of the hot enterprise's applications, by inspection number and e-record number in turn."""
    ent_id = raw.q("SELECT id FROM enterprise WHERE customs_code = %s", (HOT,))[0][0]
    numbers = [
        r[0]
        for r in raw.q(
            "SELECT d.inspection_no FROM declaration d JOIN e_record e ON e.declaration_id = d.id "
            "WHERE d.enterprise_id = %s ORDER BY d.id",
            (ent_id,),
        )
    ]
    step = max(1, len(numbers) // count)
    picked = numbers[::step][:count]
    return [
        f"/api/v1/declarations/lookup?inspection_no={n}" if i % 2 == 0
        else f"/api/v1/declarations/lookup?e_record_no={n}001"
        for i, n in enumerate(picked)
    ]


def _one_client(port: int, token: str, paths: list[str]) -> list[float]:
    client = Client(port, token)
    for path in paths[:10]:  # warm: connections, caches, the first query plans
        _ok(client.call("GET", path))
    return timed(lambda i: _ok(client.call("GET", paths[i])), len(paths))


def _eight_clients(port: int, token: str, paths: list[str], per_client: int) -> list[float]:
    samples: list[list[float]] = [[] for _ in range(8)]

    def worker(n: int) -> None:
        client = Client(port, token)
        _ok(client.call("GET", paths[n]))
        mine = [paths[(n * per_client + i) % len(paths)] for i in range(per_client)]
        samples[n] = timed(lambda i: _ok(client.call("GET", mine[i])), per_client)

    _in_threads(worker, range(8))
    return [x for chunk in samples for x in chunk]


def _submission_rate(
    port: int, token: str, body: dict, count: int, *, submit_port: int | None = None
) -> tuple[float, int]:
    """Submissions/s of `count` drafts from 8 clients, after one warm-up submission per client.

    The drafts are saved through the project's server on `port`; they are submitted there too, or on
    `submit_port` (the bare route). Returns the rate and the first draft's id (the raw floor's template)."""
    client = Client(port, token)
    drafts = [_ok(client.call("POST", "/api/v1/declarations", body))["id"] for _ in range(count + 8)]
    warm, drafts = drafts[:8], drafts[8:]
    chunks = [drafts[i::8] for i in range(8)]
    clients = [Client(submit_port or port, token) for _ in chunks]

    def submit(own: Client, declaration_id: int) -> None:
        _ok(own.call("POST", f"/api/v1/declarations/{declaration_id}/submit", {}))

    def worker(own, ids):
        for declaration_id in ids:
            submit(own, declaration_id)

    _in_threads(lambda n: submit(clients[n], warm[n]), range(8))
    started = time.perf_counter()
    _in_threads(lambda n: worker(clients[n], chunks[n]), range(8))
    return count / (time.perf_counter() - started), drafts[0]


def _in_threads(fn, args) -> None:
    threads = [threading.Thread(target=fn, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def measure(db_url: str, *, lookups: int, per_client: int, submissions: int) -> dict:
    """Every figure of this bench on one database already filled, project and floor in the same run."""
    raw = Raw(sa.make_url(db_url))
    token, body = prepare_actor(db_url)
    from bench import shared

    paths = _lookup_paths(raw, lookups)
    found: dict[str, float] = {}
    # Both started at once; the project's server is the one the other benches on this database reuse.
    specs = (("bare", "bench.bare_routes:app"), ("project", PROJECT_APP))
    ports = shared.servers(db_url, [(spec, 8, None) for _, spec in specs])
    for (label, _), port in zip(specs, ports, strict=True):
        found[f"{label}_p50"] = percentile(_one_client(port, token, paths), 0.5) * 1000
        found[f"{label}_p99_8"] = percentile(_eight_clients(port, token, paths, per_client), 0.99) * 1000
    bare_port, project_port = ports
    found["submissions"], template = _submission_rate(project_port, token, body, submissions)
    found["bare_submissions"], _ = _submission_rate(
        project_port, token, body, submissions, submit_port=bare_port
    )
    found["raw_submissions"] = _raw_submissions(raw, template, submissions)
    return found


def rows_for(label: str, quick: bool) -> int:
    """Applications in the database of a run: 10,000 quick; 100,000 on SQLite, 1,000,000 on PostgreSQL."""
    return 10_000 if quick else (100_000 if label == "SQLite" else 1_000_000)


def figures(quick: bool) -> list:
    from bench import shared
    from bench.summary import Figure, databases

    out = []
    for label in databases():
        rows = rows_for(label, quick)
        url = shared.applications(label, rows)  # generated once, read by monitoring_bench too
        m = measure(
            url,
            lookups=100 if quick else 500,
            per_client=25 if quick else 150,
            submissions=48 if quick else 400,
        )
        print(f"{label}: {m}", flush=True)
        out += [
            Figure.time_within(f"lookup by number p50, 1 client ({label}, {rows:,})", m["project_p50"],
                               m["bare_p50"], 2),
            Figure.time_within(f"lookup by number p99, 8 clients ({label}, {rows:,})", m["project_p99_8"],
                               m["bare_p99_8"], 3),
            Figure.rate_at_least(f"submissions/s, 8 clients ({label})", m["submissions"],
                                 m["raw_submissions"], 0.5, "/s"),
            # What HTTP and Flask alone leave of the raw floor: the floor's statements in a bare route.
            Figure.rate_at_least(f"  bare Flask route, the same writes ({label})", m["bare_submissions"],
                                 m["raw_submissions"], 0.5, "/s"),
        ]
    return out


if __name__ == "__main__":
    main()
