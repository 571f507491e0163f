"""Look-ups as you type over the full HS table: the API beside a raw indexed query on the driver.

    .venv/bin/python -m bench.lookups_bench [--count 200] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url names an empty database) with
the seeded catalogues (the HS base: 6,936 chapters, headings and subheadings) and a national HS table
of realistic size imported as version 2 (three 10-digit codes under every subheading, ~16,800 codes,
through the same import path as `flask catalogs import`). Then, in the same run:

- the API: GET /api/v1/lookups/hs?q=… through the WSGI app (token check, three prefix scans on the
  national table and the base, the unit, qualification and certificate names of each item), and
- the driver: one raw prefix query on the same index (DB-API cursor, no ORM, no Flask),

for a mix of code prefixes, English and Chinese name prefixes typed as a clerk types them. Prints
median and p95 in milliseconds; the target is p95 <= 50 ms for the API.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.summary import Figure, databases, scratch_database

QUERIES = [
    "44",
    "441",
    "4419",
    "44191",
    "441912",
    "4419121",
    "0902",
    "090210",
    "73",
    "7304",
    "0805",
    "9403",
    "ho",
    "hor",
    "hors",
    "horses",
    "bam",
    "bamboo",
    "tea",
    "tea,",
    "fish",
    "oranges",
    "steel",
    "wood",
    "竹",
    "竹制",
    "茶",
    "冻",
    "鲜橙",
    "其他",
]
TARGET_MS = 50.0


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def _national_csv() -> bytes:
    """Three national codes under every HS subheading, with units and supervision like the tariff's."""
    from backend.catalogs.seeding import DATA

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name_zh", "name_en", "unit", "supervision_conditions", "inspection_category"])
    with open(DATA / "harmonized-system.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] != "6" or row["section"] == "TOTAL":
                continue
            for n, suffix in enumerate(("1000", "2000", "9000")):
                name = row["description"][:180]
                writer.writerow(
                    [
                        row["hscode"] + suffix,
                        f"{'其他' if n == 2 else '品目'}{row['hscode']}{suffix}",
                        f"{name} ({suffix})",
                        "035",
                        "AB" if n else "",
                        "P/Q" if n else "",
                    ]
                )
    return out.getvalue().encode()


def run(count: int, database_url: str) -> dict:
    from backend.catalogs.service import import_file
    from backend.core.enums import Assurance
    from backend.extensions import db
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair
    from bench.seeded import seeded_app

    with seeded_app(database_url) as app:
        start = time.perf_counter()
        _, version = import_file(
            actor=None,
            table="hs",
            content=_national_csv(),
            filename="hs.csv",
            effective_date=date(2020, 1, 1),
        )
        import_seconds = time.perf_counter() - start
        rows = version.row_count
        user = User(username="bench-clerk", display_name="bench", role="reviewer", district_code="5300")
        db.session.add(user)
        db.session.commit()
        token = issue_token_pair(user, Assurance.PASSWORD)["access_token"]
        db.session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()

        api, items = [], 0
        for i in range(count):
            q = QUERIES[i % len(QUERIES)]
            t0 = time.perf_counter()
            response = client.get("/api/v1/lookups/hs", query_string={"q": q, "limit": 20}, headers=headers)
            api.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.get_json()
            items += len(response.get_json()["items"])

        # The same kind of prefix scan, straight on the DB-API connection: the floor the API stands on.
        raw_connection = db.engine.raw_connection()
        cursor = raw_connection.cursor()
        postgres = db.engine.dialect.name == "postgresql"
        sql = (
            "SELECT id, code, name_zh, name_en FROM catalog_entry WHERE table_code = %s AND code LIKE %s"
            " AND valid_to IS NULL ORDER BY code USING ~<~ LIMIT 20"
            if postgres
            else "SELECT id, code, name_zh, name_en FROM catalog_entry WHERE table_code = ? AND code >= ?"
            " AND code < ? AND valid_to IS NULL ORDER BY code LIMIT 20"
        )
        raw = []
        for i in range(count):
            q = QUERIES[i % len(QUERIES)]
            params = ("hs", q + "%") if postgres else ("hs", q, q + "\U0010ffff")
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            raw.append(time.perf_counter() - t0)
        cursor.execute(
            ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql,
            ("hs", "4419%") if postgres else ("hs", "4419", "4419\U0010ffff"),
        )
        plan = " | ".join(str(r[-1]) for r in cursor.fetchall())
        raw_connection.close()
        db.session.remove()
        db.engine.dispose()

    api_median, api_p95 = _stats(api)
    raw_median, raw_p95 = _stats(raw)
    print(
        f"database: {database_url.split('://')[0]}   national HS codes imported: {rows} in {import_seconds:.1f} s"
    )
    print(
        f"API  GET /api/v1/lookups/hs     median {api_median:7.2f} ms   p95 {api_p95:7.2f} ms   n={count}"
        f"   items/answer {items / count:.1f}"
    )
    print(f"raw  indexed prefix query        median {raw_median:7.2f} ms   p95 {raw_p95:7.2f} ms   n={count}")
    print(f"plan: {plan}")
    print(f"target p95 <= {TARGET_MS:.0f} ms: {'met' if api_p95 <= TARGET_MS else 'MISSED'}")
    return {"api_p95_ms": api_p95, "raw_p95_ms": raw_p95, "rows": rows}


def figures(quick: bool) -> list[Figure]:
    """HS look-ups p95 through the app beside the raw prefix query, on each database (`python -m bench`)."""
    out = []
    for label in databases():
        with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp, scratch_database(label, tmp) as url:
            result = run(100 if quick else 300, url)
        out.append(Figure.at_most(f"HS look-up p95, in process ({label})", result["api_p95_ms"], TARGET_MS,
                                  floor=result["raw_p95_ms"]))
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="an empty database (default: temporary SQLite)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp:
        return run(args.count, args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")


if __name__ == "__main__":
    main()
