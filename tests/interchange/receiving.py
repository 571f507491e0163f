"""The stand-in Single Window receiver (receiver.py) as a process a test starts, kills and asks what it
received: the interchange tests' and the browser tests' (tests/e2e/conftest.py starts one per session)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.core.live_server import free_port

RECEIVER_SCRIPT = Path(__file__).with_name("receiver.py")


class Receiver:
    """The receiver process: start, kill (SIGKILL), restart on the same port and database."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.db = folder / "received.sqlite"
        self.log = folder / "receiver.log"
        self.url = f"http://127.0.0.1:{self.port}/receipts"
        self.process = None

    def start(self, **control) -> Receiver:
        log = open(self.log, "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(RECEIVER_SCRIPT), str(self.port), str(self.db), json.dumps(control)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while not self._answers():
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        try:
            self.stats()
        except OSError:
            return False
        return True

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()

    def _call(self, path: str, payload: dict | None = None) -> dict:
        data = None if payload is None else json.dumps(payload).encode()
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as response:
            return json.loads(response.read())

    def control(self, mode: str, **options) -> None:
        """Answer the next requests with `mode` (ok, slow, fail5xx, fail4xx, hang, close)."""
        self._call("/_control", {"mode": mode, **options})

    def stats(self) -> dict:
        return self._call("/_stats")

    def received(self) -> list[tuple]:
        """(declaration_id, sequence, code, message_id) of each message's first arrival, in arrival order."""
        with sqlite3.connect(self.db) as connection:
            return connection.execute(
                "SELECT declaration_id, sequence, code, message_id FROM received ORDER BY arrival"
            ).fetchall()
