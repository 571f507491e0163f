"""What the benchmarks of one run share instead of each building it again: made once per database, given
back by `release()` (`python -m bench` calls it at the end; a bench run on its own, at exit).

- `applications(label, rows)`: one scratch database per engine filled with `rows` applications
  (bench.declarations_generate), which declarations_bench and monitoring_bench both read. The benches
  only add rows of their own (a user, a few submissions, instructions…), so the figures are those of
  a database of `rows` applications either way; generating 10,000 applications twice (1,000,000 in
  full) was most of the quick run.
- `once(url, step, fn)`: a bench's own additions to shared data, made the first time only.
- `servers(url, specs)`: the real server (gunicorn, bench.declarations_bench.start_server) started
  once per database, app and settings, several at the same time, and reused by every bench that
  measures the same thing (the project's server of the lookups is the one of the board).
- `app(url)`: the in-process app on a database (creating one costs about a second: the API's blueprints
  and their OpenAPI documentation).
"""

from __future__ import annotations

import atexit
import signal
import subprocess
import tempfile
import time
from contextlib import ExitStack

import sqlalchemy as sa

from bench.summary import scratch_database

_stack = ExitStack()
_registered = False
_applications: dict[tuple[str, int], str] = {}
_done: set[tuple[str, str]] = set()
_servers: dict[tuple, int] = {}
_processes: list = []
_apps: dict[str, object] = {}


def _at_exit() -> None:
    global _registered
    if not _registered:
        atexit.register(release)
        _registered = True


def _keep(callback, *args) -> None:
    _at_exit()
    _stack.callback(callback, *args)


def applications(label: str, rows: int) -> str:
    """The URL of this run's database of `rows` generated applications on `label` (made the first time)."""
    key = (label, rows)
    if key not in _applications:
        from bench import declarations_generate

        _at_exit()
        folder = _stack.enter_context(tempfile.TemporaryDirectory(prefix="chajian-bench-shared-"))
        url = _stack.enter_context(scratch_database(label, folder))
        started = time.perf_counter()
        declarations_generate.prepare_schema(url, reset=True)
        loader = (
            declarations_generate.load_postgresql if label == "PostgreSQL" else declarations_generate.load_sqlite
        )
        loader(sa.make_url(url), rows)
        print(f"{label}: generated {rows:,} applications in {time.perf_counter() - started:.0f} s "
              "(shared by the benches that read them)", flush=True)
        _applications[key] = url
    return _applications[key]


def once(url: str, step: str, make) -> bool:
    """Call make() the first time `step` is asked for on `url`; True when it ran now."""
    if (url, step) in _done:
        return False
    make()
    _done.add((url, step))
    return True


def servers(url: str, specs: list[tuple[str, int, dict | None]]) -> list[int]:
    """Ports of servers on `url`, one per (app spec, threads, extra settings); those not running yet are
    started together (a start is mostly waiting for imports) and kept until release()."""
    from bench.declarations_bench import launch_server, wait_ready

    keys = [(url, spec, threads, tuple(sorted((extra or {}).items()))) for spec, threads, extra in specs]
    launched = []
    for key, (spec, threads, extra) in zip(keys, specs, strict=True):
        if key not in _servers and key not in [k for k, *_ in launched]:
            process, port = launch_server(url, spec, threads=threads, env_extra=extra)
            if not _processes:
                _keep(_stop_all)
            _processes.append(process)
            launched.append((key, process, port))
    for key, process, port in launched:
        wait_ready(process, port)
        _servers[key] = port
    return [_servers[key] for key in keys]


def _stop_all() -> None:
    """gunicorn's quick shutdown (SIGQUIT), all at once: SIGTERM would wait for the benches' idle
    keep-alive connections (measured, nothing is left to finish)."""
    running = [process for process in _processes if process.poll() is None]
    _processes.clear()
    for process in running:
        process.send_signal(signal.SIGQUIT)
    for process in running:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def app(url: str):
    """bench.declarations_bench.bench_app(url), made once."""
    if url not in _apps:
        from bench.declarations_bench import bench_app

        made = _apps[url] = bench_app(url)
        _keep(_dispose, made)
    return _apps[url]


def _dispose(made) -> None:
    from backend.extensions import db

    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def release() -> None:
    """Stop the servers, dispose the apps, drop the databases (in the reverse order of their making)."""
    try:
        _stack.close()
    finally:
        _applications.clear()
        _done.clear()
        _servers.clear()
        _apps.clear()
