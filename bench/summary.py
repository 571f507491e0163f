"""One line per figure, beside its floor measured in the same run: what `make bench` ends with.

Every benchmark's `main()` returns a list of `Figure`s; `python -m bench` collects them and prints

    figure | project | floor | ratio | goal | met

Goals are either a ratio to the floor (times: project ÷ floor ≤ limit; rates: project ÷ floor ≥ limit)
or an absolute bound (p95 ≤ 300 ms); `met` is computed here, never typed in by a benchmark.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa


@dataclass(frozen=True)
class Figure:
    figure: str  # what was measured, with its database: "lookup p50 over HTTP (SQLite)"
    project: float
    floor: float | None  # the same work on the raw driver / bare route / bare library, this run
    unit: str  # "ms", "ops/s", "certificates/s", …
    goal: str  # as printed: "≤ 2× floor", "≥ 0.5× floor", "≤ 300 ms"
    met: bool

    @property
    def ratio(self) -> float | None:
        if not self.floor:
            return None
        return self.project / self.floor

    @classmethod
    def time_within(cls, figure: str, project: float, floor: float, limit: float, unit: str = "ms") -> Figure:
        """A duration that should stay within `limit` times its floor (lower is better)."""
        return cls(figure, project, floor, unit, f"≤ {limit:g}× floor", project <= limit * floor)

    @classmethod
    def rate_at_least(cls, figure: str, project: float, floor: float, limit: float, unit: str) -> Figure:
        """A throughput that should reach `limit` times its floor (higher is better)."""
        return cls(figure, project, floor, unit, f"≥ {limit:g}× floor", project >= limit * floor)

    @classmethod
    def at_most(cls, figure: str, project: float, bound: float, unit: str = "ms", floor: float | None = None) -> Figure:
        """An absolute bound (p95 ≤ 300 ms), printed beside its floor when there is one."""
        return cls(figure, project, floor, unit, f"≤ {bound:g} {unit}", project <= bound)

    @classmethod
    def at_least(cls, figure: str, project: float, bound: float, unit: str, floor: float | None = None) -> Figure:
        return cls(figure, project, floor, unit, f"≥ {bound:g} {unit}", project >= bound)


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def table(figures: list[Figure]) -> str:
    """The summary as a Markdown table (readable in a terminal and pasteable into a note)."""
    rows = [("figure", "project", "floor", "ratio", "goal", "met")]
    for f in figures:
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "–"
        rows.append((f.figure, _number(f.project, f.unit), _number(f.floor, f.unit), ratio, f.goal,
                     "yes" if f.met else "no"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


_dropped_later: list[str] | None = None


def drop_later() -> None:
    """From now on the PostgreSQL scratch databases are dropped together by drop_now() (`python -m
    bench`: at the end of the run), not each as its bench ends: a DROP DATABASE waits for a checkpoint
    (seconds on a busy machine), and drops waiting together wait for one."""
    global _dropped_later
    if _dropped_later is None:
        _dropped_later = []


def drop_now() -> None:
    """Drop the databases drop_later() kept, all at once."""
    global _dropped_later
    names, _dropped_later = _dropped_later or [], None
    if not names:
        return
    admin = sa.create_engine(sa.make_url(os.environ["BENCH_PG_URL"]), isolation_level="AUTOCOMMIT")

    def drop(name: str) -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        list(pool.map(drop, names))
    admin.dispose()


@contextmanager
def scratch_database(label: str, tmp_dir: str):
    """A fresh, empty database for one benchmark: SQLite in `tmp_dir`, or (label "PostgreSQL") a new
    database on the server named by BENCH_PG_URL, dropped afterwards (or by drop_now(), after
    drop_later()). Yields its SQLAlchemy URL."""
    if label == "SQLite":
        yield f"sqlite:///{Path(tmp_dir) / 'bench.db'}"
        return
    server = sa.make_url(os.environ["BENCH_PG_URL"])
    name = f"chajian_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if _dropped_later is not None:
            _dropped_later.append(name)
        else:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def databases() -> list[str]:
    """The databases a benchmark runs on: SQLite always, PostgreSQL when BENCH_PG_URL names a server."""
    return ["SQLite", "PostgreSQL"] if os.environ.get("BENCH_PG_URL") else ["SQLite"]
