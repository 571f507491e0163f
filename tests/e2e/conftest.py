"""Browser tests of the PWA against a real server process.

`make test` builds the PWA first; these fixtures build nothing. One server per test session:
a fresh database (SQLite in a temp dir, or a new PostgreSQL database when TEST_DATABASE_URL is
set, dropped afterwards), migrated and filled with demo data, then `python -m backend.serve`.
Pages open at http://localhost:PORT: WebAuthn refuses IP addresses.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import _create_database
from tests.e2e.helpers import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}", pytrace=False)


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited ({process.returncode}):\n{log.read_text()[-3000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)  # polling a socket that is not listening yet: nothing to wait on
    pytest.fail(f"server not healthy after {timeout}s:\n{log.read_text()[-3000:]}", pytrace=False)


# Lines for the end of the run (Lighthouse scores, shell size): shown even when output is captured.
SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if SUMMARY:
        terminalreporter.section("PWA measurements")
        for line in SUMMARY:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _fresh_database():
    """The browser tests talk to their own server process, not to the in-process test database."""
    yield


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    if not (DIST / "index.html").is_file() or not (DIST / "sw.js").is_file():
        pytest.fail(
            f"{DIST} is missing or incomplete: build the PWA first with `make pwa` "
            "(or `npm --prefix pwa ci && npm --prefix pwa run build`). `make test` does this.",
            pytrace=False,
        )
    return DIST


@pytest.fixture(scope="session")
def live_server(pwa_dist) -> str:
    """Base URL (http://localhost:PORT) of a real Chajian server with demo data."""
    tmp = Path(tempfile.mkdtemp(prefix="chajian-e2e-"))
    # Its own database, not the in-process suite's: created (and dropped) like that one.
    database_url, drop = _create_database()
    port = _free_port()
    base_url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "FLASK_APP": "backend",
        "DATABASE_URL": database_url,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "SECRET_KEY": secrets.token_hex(16),
        "REDIS_URL": "",
        "LOG_REQUESTS": "0",
        "STORAGE_DIR": str(tmp / "storage"),
        "PWA_DIST": str(pwa_dist),
        "PUBLIC_BASE_URL": base_url,
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGINS": base_url,
    }
    log = tmp / "server.log"
    process = None
    try:
        _run([sys.executable, "-m", "flask", "--app", "backend", "db", "upgrade"], env)
        _run([sys.executable, "-m", "flask", "--app", "backend", "demo-data"], env)
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "backend.serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_until_healthy(base_url, process, log)
        yield base_url
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright resolves relative page.goto() paths against this."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `apt-get install -y chromium fonts-wqy-zenhei` (make system-packages)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chinese first, as on a customs phone; the app sends its own Accept-Language from the UI choice.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
