"""The production layout on this machine, as the README's "Running in production" runs it: nginx (Debian's
package, with docs/deploy/nginx.conf), API processes (gunicorn, backend.wsgi), a Socket.IO process
(gunicorn on gevent, backend.socket_wsgi) and, when asked, a Celery worker — on free ports, with a Redis
channel and key prefix of their own, so parallel runs sharing one Redis never meet.

Used by tests/realtime/test_behind_nginx.py and bench/sockets_bench.py. Stops only what it started.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "docs" / "deploy" / "nginx.conf"
REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise RuntimeError("nginx is missing: `make system-packages` installs Debian's nginx")
    return found


def site_config(*, listen: int, api_ports: list[int], socket_ports: list[int], access_log: Path) -> str:
    """docs/deploy/nginx.conf with its addresses replaced: the documented file itself is what runs."""
    text = NGINX_CONF.read_text()

    def servers(block: str, ports: list[int]) -> None:
        nonlocal text
        pattern = re.compile(rf"(upstream {block} \{{.*?)((?:\s+server 127\.0\.0\.1:\d+;)+)", re.S)
        lines = "".join(f"\n    server 127.0.0.1:{port};" for port in ports)
        text, count = pattern.subn(lambda m: m.group(1) + lines, text)
        assert count == 1, f"upstream {block} not found in {NGINX_CONF}"

    servers("chajian_api", api_ports)
    servers("chajian_sockets", socket_ports)
    text, count = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", text)
    assert count == 1
    text, count = re.subn(r"access_log \S+ chajian;", f"access_log {access_log} chajian;", text)
    assert count == 1
    return text


def main_config(folder: Path, site: Path) -> str:
    """A whole nginx.conf around the site: pid, logs and temporary files in `folder`."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach `folder` (mode 0700)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\nworker_rlimit_nofile 16384;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'nginx-error.log'} warn;\n"
        "events { worker_connections 8192; }\n"
        f"http {{\n{temp}\n    include {site};\n}}\n"
    )


def wait_for_http(url: str, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer {url} within {timeout:.0f} s")


class Stack:
    """nginx + API processes + one Socket.IO process (+ a worker on demand), on `database_url`."""

    def __init__(self, database_url: str, folder: Path, *, api_processes: int = 2, **env: str):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = f"chajian-stack-{secrets.token_hex(4)}"
        self.api_ports = [free_port() for _ in range(api_processes)]
        self.socket_port = free_port()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = self.folder / "access.log"
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("TEST_DATABASE_URL", "FLASK_APP", "PROMETHEUS_MULTIPROC_DIR", "CELERY_BROKER_URL")
        }
        self.env = {
            **base,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "SOCKETIO_CHANNEL": f"{self.prefix}-socketio",
            "CELERY_KEY_PREFIX": f"{self.prefix}:",
            "SECRET_KEY": "stack-secret-" + secrets.token_hex(24),
            "PUBLIC_BASE_URL": self.url,
            "TRUSTED_PROXY_COUNT": "1",
            "STORAGE_DIR": str(self.folder / "storage"),
            "LOG_REQUESTS": "0",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs: list = []

    # Processes

    def _start(self, name: str, command: list[str], **extra_env: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115  (closed in stop())
        self._logs.append(log)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a SIGKILL reaches its children too
        )
        self.processes[name] = process
        return process

    def start(self) -> Stack:
        try:
            for i, port in enumerate(self.api_ports):
                self._start(
                    f"api{i + 1}",
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "backend.wsgi:app"],
                    PORT=str(port),
                    REALTIME_EMIT_ONLY="1",  # as the README runs them: the sockets are the Socket.IO process's
                )
            self._start(
                "sockets",
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn_sockets.conf.py", "backend.socket_wsgi:app"],
                PORT=str(self.socket_port),
            )
            site = self.folder / "chajian-site.conf"
            site.write_text(
                site_config(
                    listen=self.port, api_ports=self.api_ports, socket_ports=[self.socket_port],
                    access_log=self.access_log,
                )
            )
            conf = self.folder / "nginx.conf"
            conf.write_text(main_config(self.folder, site))
            self._start(
                "nginx",
                [nginx_binary(), "-p", str(self.folder), "-c", str(conf), "-e", str(self.folder / "nginx-error.log"),
                 "-g", "daemon off;"],
            )
            for i, port in enumerate(self.api_ports):
                wait_for_http(f"http://127.0.0.1:{port}/healthz", self.processes[f"api{i + 1}"], f"API {i + 1}")
            wait_for_http(f"http://127.0.0.1:{self.socket_port}/healthz", self.processes["sockets"], "sockets")
            wait_for_http(f"{self.url}/healthz", self.processes["nginx"], "nginx")
        except BaseException:
            self.stop()
            raise
        return self

    def start_worker(self, app: str = "backend.worker", **extra_env: str) -> subprocess.Popen:
        return self._start(
            "worker",
            [sys.executable, "-m", "celery", "-A", app, "worker", "--pool", "prefork", "--concurrency", "1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            **extra_env,
        )

    def kill(self, name: str) -> None:
        """SIGKILL a process and its children (its group): no shutdown, nothing handed back."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, *, at_once: bool = False) -> None:
        """Stop every process; `at_once` (a bench done measuring): SIGKILL, without the seconds each
        gunicorn takes to shut down."""
        for name, process in self.processes.items():
            if process.poll() is None:
                # gunicorn and celery: SIGQUIT, a quick shutdown; nginx: SIGTERM (its SIGQUIT waits
                # for every open WebSocket to close).
                quit_signal = signal.SIGTERM if name == "nginx" else signal.SIGQUIT
                os.killpg(process.pid, signal.SIGKILL if at_once else quit_signal)
        for name, process in list(self.processes.items()):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            self.processes.pop(name, None)
        for log in self._logs:
            log.close()
        self._logs.clear()
        self._forget_redis_keys()

    def _forget_redis_keys(self) -> None:
        try:
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"{self.prefix}*"):
                client.delete(key)
        except Exception:  # noqa: BLE001  (a Redis gone already holds no keys of ours)
            pass

    def upstreams(self) -> dict[str, int]:
        """How many requests nginx sent to each upstream address (from its access log)."""
        counts: dict[str, int] = {}
        for line in self.access_log.read_text().splitlines():
            match = re.search(r"upstream=(\S+)", line)
            if match:
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
        return counts

    def api_addresses(self) -> list[str]:
        return [f"127.0.0.1:{port}" for port in self.api_ports]

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
