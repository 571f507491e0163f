"""A real Chajian server process for tests: `python -m backend.serve` on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "FLASK_APP")}
    env.update({"DATABASE_URL": database_url, "LOG_REQUESTS": "0", "PYTHONUNBUFFERED": "1",
                "KEY_RATE_LIMIT": "100000 per minute", **extra})
    return env


def run_flask(env: dict, *args: str) -> str:
    """`flask --app backend ARGS` in that environment; returns its output, raises when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "backend", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class LiveServer:
    """Starts the server, waits for /healthz, and stops it (only this process) on exit."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Its own address is the public one (Socket.IO checks a browser's Origin against it).
        self.env = {"PUBLIC_BASE_URL": self.url, **env}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LiveServer:
        self.log = open(os.devnull, "w")  # noqa: SIM115  (closed in __exit__)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.serve", "--port", str(self.port)],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("server did not answer /healthz within 30 s")

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
