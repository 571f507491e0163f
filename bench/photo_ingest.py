"""Photo ingest throughput through the HTTP API, beside a plain file write of the same bytes.

    .venv/bin/python -m bench.photo_ingest [--count 20] [--chunk-mb 1] [--database-url URL]

Starts `python -m backend.serve` on a free port against a fresh, migrated database (a temporary
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


def make_photos(count: int) -> list[bytes]:
    """12 MP JPEGs (~3 MB each): a gradient with sensor-like noise, each one different."""
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
    """Migrate, seed catalogs, create an inspector; returns an access token."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "backend", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from backend import create_app
    from backend.config import Config
    from backend.core.enums import Assurance
    from backend.extensions import db
    from backend.identity.models import User
    from backend.identity.tokens import issue_token_pair
    from backend.seeds import seed_all_catalogs

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        REDIS_URL = None
        LOG_REQUESTS = False

    app = create_app(BenchConfig)
    with app.app_context():
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
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env["KEY_RATE_LIMIT"] = "1000000 per minute"  # one address, many logins: not measured here
        env.update(DATABASE_URL=database_url, STORAGE_DIR=str(folder / "storage"), LOG_REQUESTS="0")
        print(f"making {args.count} JPEGs …", flush=True)
        photos = make_photos(args.count)
        total_mb = sum(map(len, photos)) / 1e6
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
            api_seconds = ingest(port, token, photos, int(args.chunk_mb * 1024 * 1024))
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
        baseline_seconds = plain_write(folder / "plain", photos)
        processing_seconds = processing_only(photos)

    print(f"photos: {args.count} JPEGs, 4000x3000, {total_mb:.1f} MB ({total_mb / args.count:.2f} MB each)")
    print(
        f"chunk size: {args.chunk_mb} MiB; database: {'given' if args.database_url else 'temporary SQLite'}"
    )
    rows = [
        ("HTTP API ingest (start + chunks + complete)", api_seconds),
        ("baseline: plain file write + fsync", baseline_seconds),
        ("for reference: processing only (in-process)", processing_seconds),
    ]
    for label, seconds in rows:
        print(f"{label:46s} {total_mb / seconds:8.1f} MB/s  {seconds * 1000 / args.count:8.1f} ms/photo")
    print(f"API ingest runs at {baseline_seconds / api_seconds:.1%} of the plain-write baseline")


if __name__ == "__main__":
    main()
