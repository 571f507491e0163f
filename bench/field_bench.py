"""A field day on a 2G-grade link, end to end: the PWA in Chromium, the real server, a shaped link.

    .venv/bin/python -m bench.field_bench [--instructions 50] [--photos 6] [--database sqlite|postgresql]
                                          [--quick] [--kbit 250] [--rtt-ms 300] [--cut-seconds 20]

An inspector records `instructions` instructions with `photos` 12 MP camera photos each offline in
Chromium at phone size (tests/e2e/fieldday.py: start, three findings with two photos each, conclusion,
disposition, signature, submit), then the phone comes back on a link of `kbit` each way with a
`rtt-ms` round trip (tests/e2e/network.py: a TCP proxy shaping the bytes; CDP emulation does not
throttle Blob bodies). Once the data has arrived the link is cut once for `cut-seconds` while a photo
chunk is on its way. Nothing is lifted: the whole day drains at the link's rate, in the app's own
chunk size. `--quick` is 5 instructions (`make bench` runs it). Checked as in the browser test:
nothing lost or doubled (photo hashes, the operation log, custody records), no chunk sent twice.

Printed figures, each beside its baseline measured in the same run:
- minutes until the last finding (every finding, conclusion, disposition, signature, completion) is
  on the server, goal ≤ 2 at 250 kbit/s;
- drain time (network back → last request answered, the cut left out) against the link's limit for
  the bytes that went up and down (bytes ÷ rate): ratio limit/drain, goal ≥ 0.8; baseline: a bare
  sequential upload of some of the day's photos over the same link by a plain HTTP client, one
  request per photo (its ratio is what the round trip alone leaves);
- requests per operation (and pushes), bytes per photo (median, mean) beside the camera's files;
- the phone: seconds to record an instruction offline, first tenth of the day against the last.

SQLite runs on a temporary file; PostgreSQL on a scratch database (BENCH_DATABASE_URL's server).
Photos are drawn once into the temporary directory and kept (tests/e2e/camera.py, ~4 MB each).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
INSPECTOR = "inspector-fieldday-bench"


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def _start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "backend.serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)  # not listening yet
    server.terminate()
    raise RuntimeError(f"the server did not answer:\n{log.read_text()[-3000:]}")


def bare_upload(link, api, inspector: str, photos: list[bytes]) -> tuple[float, int]:
    """The baseline: each photo's bytes in one PUT over the same link by a plain HTTP client, one
    after the other (after POST /uploads); returns (seconds of the PUTs, bytes sent)."""
    token = api.token(inspector)
    seconds, sent = 0.0, 0
    for n, data in enumerate(photos):
        data = data + b"\0" * (n + 1)  # a different file: the server does not take it as known bytes
        body = {
            "client_id": f"bench-bare-{secrets.token_hex(6)}",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "content_type": "image/webp",
            "filename": f"bare-{n}.webp",
            "captured_at": "2026-11-27T08:00:00+08:00",
            "device_id": "bench-bare-client",
        }
        upload = api.ok("POST", "/api/v1/uploads", inspector, body, base_url=link.url)
        request = urllib.request.Request(
            f"{link.url}/api/v1/uploads/{upload['id']}?offset=0",
            data=data,
            method="PUT",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"},
        )
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=600) as response:
            assert json.loads(response.read())["offset"] == len(data)
        seconds += time.monotonic() - started
        sent += len(data)
    return seconds, sent


def run(args) -> None:
    from playwright.sync_api import sync_playwright

    from bench.sync_bench import _database
    from tests.core.live_server import free_port
    from tests.e2e.camera import SITE, shared_roll
    from tests.e2e.fieldday import FieldDay, create_inspector, seed_field_rule
    from tests.e2e.helpers import DEMO_PASSWORD, login, wait_for_service_worker_control
    from tests.e2e.network import Link
    from tests.e2e.office import FieldApi

    dist = ROOT / "pwa" / "dist"
    if not (dist / "sw.js").is_file():
        raise SystemExit("build the PWA first: make pwa")
    database_url, drop = _database(args.database)
    tmp = Path(tempfile.mkdtemp(prefix="chajian-field-bench-"))
    port = free_port()
    base = f"http://localhost:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "REDIS_URL")},
        "FLASK_APP": "backend",
        "DATABASE_URL": database_url,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "SECRET_KEY": secrets.token_hex(16),
        "LOG_REQUESTS": "0",
        # Every simulated client comes from 127.0.0.1: the throttles are not what is measured.
        "KEY_RATE_LIMIT": "1000000 per minute",
        "STORAGE_DIR": str(tmp / "storage"),
        "PWA_DIST": str(dist),
        "WEBAUTHN_RP_ID": "localhost",
        "PUBLIC_BASE_URL": base,
        "WEBAUTHN_ORIGINS": base,
    }
    server = link = None
    roll = shared_roll()
    try:
        print(f"database: {args.database}; preparing …", flush=True)
        _run([sys.executable, "-m", "flask", "--app", "backend", "db", "upgrade"], env)
        _run([sys.executable, "-m", "flask", "--app", "backend", "demo-data"], env)
        create_inspector(env, INSPECTOR)
        seed_field_rule(env)
        server = _start_server(env, port, tmp / "server.log")
        api = FieldApi(base, rule_ready=True)
        link = Link(("127.0.0.1", port))
        day = FieldDay(api, INSPECTOR, roll, link, instructions=args.instructions, photos_each=args.photos)
        day.prepare()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(
                base_url=link.url,
                locale="zh-CN",
                viewport={"width": 390, "height": 844},
                geolocation={**SITE, "accuracy": 8},
                permissions=["geolocation"],
            )
            page = context.new_page()
            page.set_default_timeout(60_000)
            login(page, INSPECTOR)
            wait_for_service_worker_control(page)
            print(f"recording {args.instructions} instructions × {args.photos} photos offline …", flush=True)
            day.record_offline(context, page)
            print(f"back on {args.kbit} kbit/s, {args.rtt_ms} ms; draining …", flush=True)
            day.go_online(context, page, kbit=args.kbit, rtt_ms=args.rtt_ms)
            day.wait_for_data(max(600.0, args.instructions * 60.0))
            cut = day.cut_mid_photo(args.cut_seconds, mid_photo=False) if args.cut_seconds else None
            expected = day.figures.photos * 200_000 / (args.kbit * 125)
            day.wait_for_photos(max(600.0, 3 * expected))
            figures = day.check(database_url)
            stored = [
                api.ok("GET", f"/api/v1/photos/{p['photo_id']}/original", "supervisor-demo")
                for record in day.records.values()
                for p in record["photos"]
            ][: args.baseline_photos]
            print(f"baseline: {len(stored)} photos in one PUT each over the same link …", flush=True)
            bare_seconds, bare_bytes = bare_upload(link, api, INSPECTOR, stored)
            context.close()
            browser.close()
    finally:
        if link is not None:
            link.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        drop()

    rate = args.kbit * 125  # bytes per second
    cut_seconds = cut.seconds if cut else 0.0
    drain = figures.drain_seconds - cut_seconds
    limit = max(figures.bytes_up, figures.bytes_down) / rate
    bare_limit = bare_bytes / rate
    per = figures.seconds_per_instruction
    tenth = max(1, len(per) // 10)
    camera = [photo.size for photo in day.photos]
    print()
    print(f"field day: {figures.instructions} instructions × {args.photos} photos = {figures.photos} photos")
    print(f"link: {args.kbit} kbit/s each way, {args.rtt_ms} ms round trip, one {cut_seconds:.0f} s cut")
    rows = [
        ("last finding on the server", f"{figures.data_seconds / 60:.2f} min", "goal ≤ 2 min"),
        ("photos all linked", f"{figures.photos_seconds / 60:.1f} min", ""),
        (
            "drain (cut left out)",
            f"{drain:.0f} s",
            f"link limit for {figures.bytes_up / 1e6:.2f} MB up, {figures.bytes_down / 1e6:.2f} MB down: "
            f"{limit:.0f} s",
        ),
        (
            "ratio limit / drain",
            f"{limit / drain:.2f}",
            f"goal ≥ 0.8; bare upload, one PUT per photo: {bare_limit / bare_seconds:.2f}",
        ),
        (
            "requests per operation",
            f"{figures.requests / figures.operations:.2f}",
            f"{figures.requests} requests, {figures.pushes} pushes for {figures.operations} operations; "
            f"one request per operation: 1.00",
        ),
        (
            "bytes per photo",
            f"median {figures.median_photo / 1000:.0f} KB, mean {figures.mean_photo / 1000:.0f} KB",
            f"goal median ≤ 180 KB; camera files median {statistics.median(camera) / 1e6:.1f} MB",
        ),
        (
            "recording an instruction",
            f"first {tenth}: {statistics.mean(per[:tenth]):.1f} s, last {tenth}: {statistics.mean(per[-tenth:]):.1f} s",
            f"ratio {statistics.mean(per[-tenth:]) / statistics.mean(per[:tenth]):.2f}",
        ),
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, value, baseline in rows:
        print(f"  {name:<{width}}  {value:<28}  {baseline}")
    if cut:
        print(
            f"  the cut: upload {cut.upload_id} held {cut.held_offset}/{cut.size} bytes, resumed there "
            f"{cut.resumed_after:.1f} s after the link returned; {figures.cut_chunks} chunk(s) cut, none resent"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instructions", type=int, default=50)
    parser.add_argument(
        "--photos", type=int, default=6, help="per instruction, shared out over its three items"
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="5 instructions")
    parser.add_argument("--kbit", type=float, default=250)
    parser.add_argument("--rtt-ms", type=float, default=300)
    parser.add_argument("--cut-seconds", type=float, default=20, help="0: no cut")
    parser.add_argument("--baseline-photos", type=int, default=10)
    args = parser.parse_args(argv)
    if args.quick:
        args.instructions = 5
    if args.photos < 1:
        parser.error("--photos: at least one per instruction")
    run(args)


if __name__ == "__main__":
    main()
