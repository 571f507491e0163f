"""`python -m bench` (what `make bench` runs): every benchmark in turn, then one summary table.

    make bench                 # full size: 100,000 rows on SQLite, 1,000,000 on PostgreSQL
    make bench QUICK=1         # the same at 10,000 rows, under 5 minutes
    make bench BENCH_PG_URL=   # SQLite only (the Makefile names the local PostgreSQL server)

Each benchmark's `figures(quick=…)` returns `bench.summary.Figure`s: what it measured beside the floor it
measured in the same run. The summary ends the output: `figure | project | floor | ratio | goal | met`.
"""

from __future__ import annotations

import os
import sys
import time

from bench import shared
from bench.summary import Figure, drop_later, drop_now, table

# Each module has figures(quick: bool) -> list[Figure]; one not converted yet only prints (main()).
# The field day in Chromium (bench.field_bench: minutes of a shaped link) runs on its own.
BENCHMARKS = [
    "declarations_bench", "sync_bench", "certificates_e2e", "photo_ingest", "lookups_bench", "monitoring_bench",
    "sockets_bench", "interchange_bench",
]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv or os.environ.get("QUICK") not in (None, "", "0")
    collected: list[Figure] = []
    took: list[str] = []
    started = time.perf_counter()
    drop_later()  # the scratch databases, dropped together at the end
    try:
        for name in BENCHMARKS:
            module = __import__(f"bench.{name}", fromlist=["figures"])
            print(f"\n== {name} ({'quick' if quick else 'full'}) ==", flush=True)
            began = time.perf_counter()
            if hasattr(module, "figures"):
                collected.extend(module.figures(quick=quick))
            else:
                module.main(["--quick"] if quick and name != "lookups_bench" else [])
            took.append(f"{name} {time.perf_counter() - began:.0f} s")
    finally:
        began = time.perf_counter()
        try:
            shared.release()  # the databases, servers and apps several benches shared
        finally:
            drop_now()
        took.append(f"clean-up {time.perf_counter() - began:.0f} s")
    load = os.getloadavg()
    print("\n== summary ==")
    print(table(collected))
    print(f"\n{'quick' if quick else 'full'} run: {time.perf_counter() - started:.0f} s ({', '.join(took)}); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
