"""Photo ingest throughput through the HTTP API, beside a plain file write of the same bytes.

    .venv/bin/python -m bench.photo_ingest [--count 20] [--chunk-mb 1] [--database-url URL]
    (or through `python -m bench`, which calls figures(quick) on SQLite and, with BENCH_PG_URL, PostgreSQL)

Starts `python -m backend.serve` on a free port against a fresh database (create_all) (a temporary
SQLite file unless --database-url names an empty database), makes `count` 12-megapixel JPEGs of
about 3 MB, and times start + 1 MiB chunks + complete for each one, one after another, as a phone
would. The baseline writes the same bytes to files with fsync, in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


_made: dict[int, list[bytes]] = {}


def make_photos(count: int) -> list[bytes]:
    """12 MP JPEGs (~3 MB each): a gradient with sensor-like noise, each one different; made once per
    process (the run on each database uploads the same ones)."""
    if count not in _made:
        _made[count] = _make_photos(count)
    return _made[count]


def _make_photos(count: int) -> list[bytes]:
    width, height = 4000, 3000
    gradient = Image.linear_gradient("L").resize((width, height))
    photos = []
    for n in range(count):
        noise = Image.effect_noise((width, height), 8 + n % 3)
        image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        photos.append(buffer.getvalue())
    return photos


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env: dict, database_url: str) -> str:
    """Create the schema (create_all, as the other benches: quicker than the migrations), seed
    catalogs, create an inspector; returns an access token."""
    from backend.core.enums import Assurance
    from backend.extensions import db
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair
    from backend.seeds import seed_all_catalogs
    from bench.seeded import in_process_app

    app = in_process_app(database_url)
    with app.app_context():
        db.create_all()
        seed_all_catalogs()
        user = User(username="bench-inspector", display_name="Bench", role="inspector", district_code="5300")
        db.session.add(user)
        db.session.flush()
        token = issue_token_pair(user, Assurance.PASSWORD)["access_token"]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return token


def call(port: int, method: str, path: str, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.connect()
    # As browsers do: without it, headers and body go out in separate segments and Nagle's
    # algorithm meets the server's delayed ACK (about 40 ms per request on loopback).
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        payload = json.loads(response.read() or b"null")
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {payload}")
        return payload
    finally:
        conn.close()


def ingest(port: int, token: str, photos: list[bytes], chunk: int) -> float:
    """Upload every photo through the API; returns the seconds it took."""
    auth = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    for n, data in enumerate(photos):
        body = {
            "client_id": f"bench-{n}",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "content_type": "image/jpeg",
            "filename": f"IMG_{n:04d}.jpg",
            "captured_at": "2026-11-27T08:00:00+08:00",
            "device_id": "bench-phone",
        }
        upload = call(
            port, "POST", "/api/v1/uploads", json.dumps(body), {**auth, "Content-Type": "application/json"}
        )
        octet = {**auth, "Content-Type": "application/octet-stream"}
        for offset in range(0, len(data), chunk):
            call(
                port,
                "PUT",
                f"/api/v1/uploads/{upload['id']}?offset={offset}",
                data[offset : offset + chunk],
                octet,
            )
        call(port, "POST", f"/api/v1/uploads/{upload['id']}/complete", headers=auth)
    return time.perf_counter() - started


def plain_write(folder: Path, photos: list[bytes]) -> float:
    """Baseline: write each photo to its own file and fsync it."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for n, data in enumerate(photos):
        with open(folder / f"{n}.jpg", "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return time.perf_counter() - started


def processing_only(photos: list[bytes]) -> float:
    from backend.media.processing import process_photo

    started = time.perf_counter()
    for data in photos:
        process_photo(data)
    return time.perf_counter() - started


def run(count: int, chunk_mb: float, database_url: str, folder: Path) -> dict:
    """Ingest `count` photos through a fresh server on `database_url`; the seconds of each way."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env["KEY_RATE_LIMIT"] = "1000000 per minute"  # one address, many logins: not measured here
    env.update(DATABASE_URL=database_url, STORAGE_DIR=str(folder / "storage"), LOG_REQUESTS="0")
    photos = make_photos(count)
    token = prepare_database(env, database_url)
    port = free_port()
    log = open(folder / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                call(port, "GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        api_seconds = ingest(port, token, photos, int(chunk_mb * 1024 * 1024))
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    return {
        "megabytes": sum(map(len, photos)) / 1e6,
        "api": api_seconds,
        "baseline": plain_write(folder / "plain", photos),
        "processing": processing_only(photos),
    }


def _print(label: str, count: int, chunk_mb: float, result: dict) -> None:
    total_mb = result["megabytes"]
    print(f"photos: {count} JPEGs, 4000x3000, {total_mb:.1f} MB ({total_mb / count:.2f} MB each)")
    print(f"chunk size: {chunk_mb} MiB; database: {label}")
    rows = [
        ("HTTP API ingest (start + chunks + complete)", result["api"]),
        ("baseline: plain file write + fsync", result["baseline"]),
        ("for reference: processing only (in-process)", result["processing"]),
    ]
    for name, seconds in rows:
        print(f"{name:46s} {total_mb / seconds:8.1f} MB/s  {seconds * 1000 / count:8.1f} ms/photo")
    print(f"API ingest runs at {result['baseline'] / result['api']:.1%} of the plain-write baseline")


def figures(quick: bool) -> list:
    """Photo ingest MB/s through the HTTP API, per database, beside the same work done bare.

    The server runs without a broker (jobs in-process, as under `make run`), so each upload also waits
    for its display copy and thumbnail; the floor is therefore that work without the API: a plain
    write + fsync of the same bytes plus the in-process processing of each photo (copies, checks).
    Goal ≥ 0.5× that floor (a figure of this bench's own, not one of issue 17's)."""
    from bench.summary import Figure, databases, scratch_database

    count, chunk_mb = (2 if quick else 20), 1.0
    result = []
    for label in databases():
        with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp, scratch_database(label, tmp) as url:
            measured = run(count, chunk_mb, url, Path(tmp))
        _print(label, count, chunk_mb, measured)
        mb = measured["megabytes"]
        floor = mb / (measured["baseline"] + measured["processing"])
        result.append(Figure.rate_at_least(
            f"photo ingest MB/s over HTTP, jobs in-process ({label})", mb / measured["api"], floor, 0.5, "MB/s"
        ))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--chunk-mb", type=float, default=1.0)
    parser.add_argument("--database-url", default=None, help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp:
        folder = Path(tmp)
        database_url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        print(f"making {args.count} JPEGs …", flush=True)
        result = run(args.count, args.chunk_mb, database_url, folder)
    _print("given" if args.database_url else "temporary SQLite", args.count, args.chunk_mb, result)


if __name__ == "__main__":
    main()
