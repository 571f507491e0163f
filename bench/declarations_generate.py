"""Fill a database with N export applications, their goods lines, receipts and e-records, fast.

    .venv/bin/python -m bench.declarations_generate --db postgresql+psycopg://postgres@127.0.0.1/bench \
        --count 1000000 --reset

Schema and catalogs come from the app (create_all + seeders); the rows go in through the raw driver:
COPY on PostgreSQL, executemany in large transactions on SQLite. One enterprise ("hot", customs code
BENCH00001) owns 10 % of the rows so its lists have deep pages; the others share the rest. Inspection
numbers follow docs/identifiers.md and the counters are set so later submissions continue the series.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

DISTRICTS = ["5300", "5301", "5302", "5320", "5100", "5200", "2200"]
STATUSES = [  # (status, share, receipt codes after submission)
    ("draft", 5, []),
    ("accepted", 15, ["SUBMITTED", "ACCEPTED"]),
    ("under_review", 5, ["SUBMITTED", "ACCEPTED", "REVIEW_STARTED"]),
    ("returned", 3, ["SUBMITTED", "ACCEPTED", "RETURNED"]),
    ("withdrawn", 2, ["SUBMITTED", "ACCEPTED", "WITHDRAWN"]),
    ("inspection_notice", 5, ["SUBMITTED", "ACCEPTED", "INSPECTION_NOTICE"]),
    ("passed", 5, ["SUBMITTED", "ACCEPTED", "INSPECTION_NOTICE", "INSPECTING", "INSPECTION_PASSED"]),
    ("e_record_issued", 60, ["SUBMITTED", "ACCEPTED", "E_RECORD_ISSUED"]),
]
GOODS = [
    ("4419121000", "4419121000999", "竹筷", "Bamboo chopsticks", "025"),
    ("0902109000", "0902109000999", "绿茶", "Green tea", "035"),
    ("7304192000", "7304192000999", "无缝钢管", "Seamless line pipe", "070"),
    ("0409000000", "0409000000999", "天然蜂蜜", "Natural honey", "035"),
]
DECLARATION_COLUMNS = (
    "id enterprise_id district_code status inspection_no source applicant_code applicant_name consignor_code "
    "consignor_name_zh consignee_name_en trade_mode trade_country destination_country departure_port "
    "arrival_port transport_mode contract_no shipping_date storage_place total_packages package_kind "
    "total_net_weight submitted_at accepted_at last_action_at created_at updated_at version"
).split()
GOODS_COLUMNS = (
    "id declaration_id line_no hs_code ciq_code name_zh name_en quantity quantity_unit net_weight value "
    "currency packing_kind packing_count"
).split()
RECEIPT_COLUMNS = "id declaration_id code status text_zh text_en actor_label created_at".split()
E_RECORD_COLUMNS = (
    "id declaration_id district_code e_record_no status goods_category issued_at valid_until created_at updated_at version"
).split()
COUNTRIES = ["JPN", "USA", "DEU", "KOR", "SGP", "AUS", "GBR", "NLD"]
PORTS = ["JPTYO", "USLAX", "DEHAM", "KRPUS", "SGSIN", "AUSYD", "GBFXT", "NLRTM"]


def prepare_schema(url: str, reset: bool) -> None:
    """Tables and catalogs through the app; --reset drops every table first."""
    from backend.extensions import db
    from backend.seeds import seed_all_catalogs
    from bench.seeded import in_process_app

    parsed = sa.make_url(url)
    if reset and parsed.get_backend_name() == "sqlite":
        # Faster than DROP TABLE, which on SQLite deletes row by row and checks every foreign key.
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        reset = False
    app = in_process_app(url)
    with app.app_context():
        if reset:
            db.drop_all()
        db.create_all()
        seed_all_catalogs()
        db.session.commit()
        db.engine.dispose()


def enterprises(count: int) -> list[tuple]:
    total = max(10, count // 1000)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        (
            n,
            f"BENCH{n:05d}",
            f"压测企业{n}有限公司",
            f"Bench Enterprise {n} Co., Ltd.",
            "general",
            DISTRICTS[n % len(DISTRICTS)],
            now,
            now,
        )
        for n in range(1, total + 1)
    ]


def generate(count: int, enterprise_rows: list[tuple], chunk: int = 20000, seed: int = 7):
    """Yield (declarations, goods, receipts, e_records, counters) chunk by chunk, in creation order."""
    rng = random.Random(seed)
    weights = [share for _, share, _ in STATUSES]
    serials: dict[str, int] = {}
    ids = {"goods": 0, "receipt": 0, "e_record": 0}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 20, tzinfo=UTC) - start).total_seconds()
    others = enterprise_rows[1:]
    for base in range(0, count, chunk):
        declarations, goods, receipts, e_records = [], [], [], []
        for n in range(base + 1, min(count, base + chunk) + 1):
            ent = enterprise_rows[0] if rng.random() < 0.10 else others[rng.randrange(len(others))]
            ent_id, code, name_zh, name_en, _, district = ent[:6]
            status, _, codes = STATUSES[rng.choices(range(len(STATUSES)), weights)[0]]
            created = start + timedelta(seconds=span * n / count)
            accepted = created + timedelta(minutes=rng.randint(1, 30)) if codes else None
            number = None
            if codes:
                serials[district] = serials.get(district, 0) + 1
                number = f"226N{district}{serials[district]:07d}"
            lines = 1 if rng.random() < 0.6 else 2
            packages, weight = 0, Decimal(0)
            for line_no in range(1, lines + 1):
                hs, ciq, gzh, gen, unit = GOODS[rng.randrange(len(GOODS))]
                count_ = rng.randint(10, 500)
                net = Decimal(count_ * 10).quantize(Decimal("0.001"))
                packages, weight = packages + count_, weight + net
                ids["goods"] += 1
                goods.append(
                    (
                        ids["goods"],
                        n,
                        line_no,
                        hs,
                        ciq,
                        gzh,
                        gen,
                        net,
                        unit,
                        net,
                        Decimal(count_ * 37).quantize(Decimal("0.01")),
                        "USD",
                        "CTN",
                        count_,
                    )
                )
            country = rng.randrange(len(COUNTRIES))
            declarations.append(
                (
                    n,
                    ent_id,
                    district,
                    status,
                    number,
                    "web",
                    code,
                    name_zh,
                    code,
                    name_zh,
                    "Overseas Buyer Ltd.",
                    "0110",
                    COUNTRIES[country],
                    COUNTRIES[country],
                    "CNYTN",
                    PORTS[country],
                    "2",
                    f"BC-{n:08d}",
                    (created + timedelta(days=10)).date(),
                    "深圳市龙岗区雪岗路 88 号",
                    packages,
                    "CTN",
                    weight,
                    accepted,
                    accepted,
                    accepted or created,
                    created,
                    accepted or created,
                    1 + len(codes),
                )
            )
            for i, rc in enumerate(codes):
                ids["receipt"] += 1
                text = f"{rc} {number}"
                receipts.append(
                    (
                        ids["receipt"],
                        n,
                        rc,
                        status if i == len(codes) - 1 else "accepted",
                        text,
                        text,
                        "系统 system",
                        accepted + timedelta(minutes=i),
                    )
                )
            if status == "e_record_issued":
                ids["e_record"] += 1
                issued = accepted + timedelta(days=1)
                e_records.append(
                    (
                        ids["e_record"],
                        n,
                        district,
                        f"{number}001",
                        "normal",
                        "general",
                        issued,
                        issued + timedelta(days=60),
                        issued,
                        issued,
                        1,
                    )
                )
        yield declarations, goods, receipts, e_records, dict(serials)


def load_postgresql(url: sa.URL, count: int) -> None:
    import psycopg

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        rows = enterprises(count)
        with conn.cursor() as cur:
            # Bulk load: foreign-key triggers off (the generator keeps references consistent), no fsync wait,
            # and secondary indexes built once at the end instead of row by row.
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET synchronous_commit = off")
            indexes = _drop_secondary_indexes(cur)
            _copy(
                cur,
                "enterprise",
                "id customs_code name_zh name_en credit_grade district_code created_at updated_at".split(),
                rows,
            )
            serials = {}
            for declarations, goods, receipts, e_records, latest in generate(count, rows):
                serials = latest
                _copy(cur, "declaration", DECLARATION_COLUMNS, declarations)
                _copy(cur, "declaration_goods", GOODS_COLUMNS, goods)
                _copy(cur, "receipt", RECEIPT_COLUMNS, receipts)
                _copy(cur, "e_record", E_RECORD_COLUMNS, e_records)
                conn.commit()
                print(f"  {declarations[-1][0]:>9,} applications", flush=True)
            for district, last in serials.items():
                cur.execute(
                    "INSERT INTO inspection_no_counter (district_code, year, last_serial) "
                    "VALUES (%s, 2026, %s) "
                    "ON CONFLICT (district_code, year) DO UPDATE SET last_serial = EXCLUDED.last_serial",
                    (district, last),
                )
            print(f"  rebuilding {len(indexes)} indexes", flush=True)
            cur.execute("SET maintenance_work_mem = '512MB'")
            for statement in indexes:
                cur.execute(statement)
            for table in ("enterprise", "declaration", "declaration_goods", "receipt", "e_record"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            cur.execute("ANALYZE")
        conn.commit()


def _drop_secondary_indexes(cur) -> list[str]:
    """Drop the non-unique indexes of the bulk-loaded tables; returns the statements recreating them."""
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s) "
        "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
        (["declaration", "declaration_goods", "receipt", "e_record"],),
    )
    found = cur.fetchall()
    for name, _ in found:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _copy(cur, table: str, columns: list[str], rows: list[tuple]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_sqlite(url: sa.URL, count: int) -> None:
    conn = sqlite3.connect(url.database, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    rows = enterprises(count)
    conn.execute("BEGIN")
    _insert(
        conn,
        "enterprise",
        "id customs_code name_zh name_en credit_grade district_code created_at updated_at".split(),
        rows,
    )
    serials = {}
    for declarations, goods, receipts, e_records, latest in generate(count, rows):
        serials = latest
        _insert(conn, "declaration", DECLARATION_COLUMNS, declarations)
        _insert(conn, "declaration_goods", GOODS_COLUMNS, goods)
        _insert(conn, "receipt", RECEIPT_COLUMNS, receipts)
        _insert(conn, "e_record", E_RECORD_COLUMNS, e_records)
        conn.execute("COMMIT")
        conn.execute("BEGIN")
        print(f"  {declarations[-1][0]:>9,} applications", flush=True)
    conn.executemany(
        "INSERT OR REPLACE INTO inspection_no_counter (district_code, year, last_serial) VALUES (?, 2026, ?)",
        list(serials.items()),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def _sqlite_value(value):
    """The text SQLAlchemy's SQLite dialect stores for datetimes, dates and decimals."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _insert(conn, table: str, columns: list[str], rows: list[tuple]) -> None:
    marks = ", ".join("?" * len(columns))
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        ([_sqlite_value(v) for v in row] for row in rows),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", required=True, help="SQLAlchemy URL (sqlite:////abs/path.db or postgresql+psycopg://…)"
    )
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--reset", action="store_true", help="drop every table first")
    args = parser.parse_args()
    url = sa.make_url(args.db)
    started = time.perf_counter()
    prepare_schema(args.db, args.reset)
    print(f"generating {args.count:,} applications into {url.get_backend_name()}", flush=True)
    (load_postgresql if url.get_backend_name() == "postgresql" else load_sqlite)(url, args.count)
    print(f"done in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
