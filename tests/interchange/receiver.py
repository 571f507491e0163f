"""A stand-in for the Single Window's receipt endpoint: `python tests/interchange/receiver.py PORT DB`.

A real HTTP server process. Every POST is recorded in the SQLite file DB before it is answered:
`received` keeps each message id once (the first arrival, with its arrival number), `duplicates`
counts the same id arriving again, `order_breaks` counts a first arrival whose sequence is not its
application's last + 1. It parses the XML with the standard library only (what an outside receiver has).

Told what to do by `POST /_control` {"mode": …, "count": n, "delay": s}: the next n requests (all when
n is absent) get the mode, then it answers 200 again. Modes: ok, slow (wait `delay` s, then 200),
fail5xx (503), fail4xx (422 with a JSON reason, not recorded), hang (never answers), close (drops the
connection without an answer, after recording). `GET /_stats` returns the counts.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import threading
import time
import xml.etree.ElementTree as ElementTree
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NS = {"r": "urn:chajian:interchange:receipt:1"}
VERBOSE = False  # True: each request on stderr (the test's receiver.log)
_lock = threading.Lock()
_control = {"mode": "ok", "count": None, "delay": 0.0}


def open_db(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")  # no fsync per message: not what is measured
    connection.executescript(
        """
        CREATE TABLE IF NOT EXISTS received (
            arrival INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT UNIQUE NOT NULL,
            declaration_id INTEGER NOT NULL, sequence INTEGER NOT NULL, code TEXT, body BLOB);
        -- The order check reads an application's last sequence per message: without this index each
        -- message scanned every one received before it (10,000 messages: 3.7 ms a POST instead of 0.8).
        CREATE INDEX IF NOT EXISTS received_by_application ON received (declaration_id, sequence);
        CREATE TABLE IF NOT EXISTS duplicates (message_id TEXT PRIMARY KEY, times INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS order_breaks (message_id TEXT PRIMARY KEY);
        """
    )
    return connection


def _take_mode() -> tuple[str, float]:
    with _lock:
        mode, count, delay = _control["mode"], _control["count"], _control["delay"]
        if count is not None:
            if count <= 0:
                return "ok", 0.0
            _control["count"] = count - 1
        return mode, delay


def record(db: sqlite3.Connection, body: bytes) -> None:
    root = ElementTree.fromstring(body)
    message_id = root.findtext("r:MessageId", namespaces=NS)
    declaration_id = int(root.findtext("r:Application/r:DeclarationId", namespaces=NS))
    sequence = int(root.findtext("r:Application/r:Sequence", namespaces=NS))
    code = root.findtext("r:Receipt/r:Code", namespaces=NS)
    with _lock:
        seen = db.execute("SELECT 1 FROM received WHERE message_id = ?", (message_id,)).fetchone()
        if seen:
            db.execute(
                "INSERT INTO duplicates VALUES (?, 1)"
                " ON CONFLICT(message_id) DO UPDATE SET times = times + 1",
                (message_id,),
            )
            return
        last = db.execute(
            "SELECT max(sequence) FROM received WHERE declaration_id = ?", (declaration_id,)
        ).fetchone()[0]
        if sequence != (last or 0) + 1:
            db.execute("INSERT OR IGNORE INTO order_breaks VALUES (?)", (message_id,))
        db.execute(
            "INSERT INTO received (message_id, declaration_id, sequence, code, body) VALUES (?, ?, ?, ?, ?)",
            (message_id, declaration_id, sequence, code, body),
        )


def make_handler(db: sqlite3.Connection):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, Nagle holds the body back until the
        # client's delayed ACK (~40 ms a request).
        disable_nagle_algorithm = True

        def log_message(self, format, *args):
            if VERBOSE:
                sys.stderr.write(f"{time.time():.3f} {format % args}\n")

        def _answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            with _lock:
                stats = {
                    "received": db.execute("SELECT count(*) FROM received").fetchone()[0],
                    "duplicates": db.execute("SELECT coalesce(sum(times), 0) FROM duplicates").fetchone()[0],
                    "order_breaks": db.execute("SELECT count(*) FROM order_breaks").fetchone()[0],
                }
            self._answer(200, stats)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/_control":
                with _lock:
                    _control.update({"count": None, "delay": 0.0, **json.loads(body)})
                return self._answer(200, dict(_control))
            mode, delay = _take_mode()
            if mode == "fail5xx":
                return self._answer(503, {"error": "busy"})
            if mode == "fail4xx":
                return self._answer(
                    422, {"error": "schema", "detail": "CustomsCode unknown to the Single Window"}
                )
            if mode == "hang":
                time.sleep(3600)
            record(db, body)
            if mode == "slow":
                time.sleep(delay)
            if mode == "close":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return None
            return self._answer(200, {"accepted": True})

    return Handler


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    if len(sys.argv) > 3:
        _control.update(json.loads(sys.argv[3]))
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(open_db(path)))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
