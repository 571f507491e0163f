"""Sockets never starve requests: 1,000 Socket.IO clients (200 when quick) held through nginx by the
Socket.IO process, `/healthz` answered by the API processes meanwhile, and a committed change reaching
every client.

    .venv/bin/python -m bench.sockets_bench [--quick] [--clients N]

The production layout runs as the README starts it (bench/stack.py: nginx with docs/deploy/nginx.conf,
two API processes, one Socket.IO process on gevent). The clients are asyncio WebSockets (aiohttp) speaking
Socket.IO's protocol, all in this process. Figures, each beside its floor from the same run:

- `/healthz` p95 through nginx with the clients connected; floor: the same with no socket connected.
- a change committed by another process (a notify + audit row + commit, as every service does), p95
  from before its commit to its arrival at each client; floor: the same change reaching one client.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import json
import os
import resource
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.declarations_bench import percentile
from bench.summary import Figure, scratch_database

HEALTHZ_GOAL_MS = 50
DELIVERY_GOAL_MS = 250


def healthz_p95(port: int, samples: int) -> float:
    """p95 of `GET /healthz` through nginx on one keep-alive connection, in milliseconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        times.append(time.perf_counter() - started)
        time.sleep(0.005)
    conn.close()
    return percentile(times, 0.95) * 1000


class Clients:
    """Socket.IO clients on an asyncio loop of their own (a thread), recording when each message came.

    Each is a WebSocket (aiohttp) speaking Engine.IO 4 / Socket.IO 5 as the PWA's socket.io-client does:
    the open packet, a connect with the token in its auth payload, pongs to the server's pings, events.
    Not python-socketio's AsyncClient: its own work, about 125 µs a message, made 1,000 clients in one
    process measure the client (a browser holds one socket, not a thousand) on a 2-core machine.
    """

    def __init__(self, url: str, tokens: list[str], event: str):
        self.url = url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.tokens, self.event = tokens, event
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clients: list = []
        self.issued = itertools.count()
        self.arrivals: dict[int, list[float]] = {}

    def run(self, coroutine, timeout: float = 600):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _connect_one(self, session):
        import aiohttp

        ws = await session.ws_connect(self.url, timeout=aiohttp.ClientWSTimeout(ws_close=10), max_msg_size=0)
        try:
            opened = await ws.receive_str(timeout=60)
            assert opened.startswith("0"), opened
            token = self.tokens[next(self.issued) % len(self.tokens)]
            await ws.send_str("40" + json.dumps({"token": token}))
            while True:
                answer = await ws.receive_str(timeout=60)
                if answer == "2":
                    await ws.send_str("3")
                    continue
                break
            if not answer.startswith("40"):
                raise ConnectionError(answer)  # 44{"message": "auth.invalid_token"}: refused
        except BaseException:
            await ws.close()
            raise
        task = asyncio.ensure_future(self._listen(ws))
        return ws, task

    async def _listen(self, ws):
        prefix = f'42["{self.event}",'
        async for message in ws:
            data = message.data
            if data == "2":
                await ws.send_str("3")
            elif isinstance(data, str) and data.startswith(prefix):
                at = time.perf_counter()
                self.arrivals.setdefault(json.loads(data[2:])[1]["round"], []).append(at)

    async def _connect(self, count: int, batch: int) -> int:
        import aiohttp

        if not hasattr(self, "session"):
            self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        failed = 0
        for start in range(0, count, batch):
            results = await asyncio.gather(
                *(self._connect_one(self.session) for _ in range(min(batch, count - start))),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, BaseException):
                    failed += 1
                else:
                    self.clients.append(result)
        return failed

    def connect(self, count: int, batch: int = 50) -> int:
        """Connect `count` clients, `batch` at a time; returns how many failed."""
        return self.run(self._connect(count, batch))

    async def _disconnect(self):
        for _ws, task in self.clients:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws, _ in self.clients), return_exceptions=True)
        self.clients.clear()

    def disconnect(self) -> None:
        self.run(self._disconnect())

    def close(self) -> None:
        self.run(self._disconnect())
        if hasattr(self, "session"):
            self.run(self.session.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def broadcast_p95(app, clients: Clients, room: str, rounds: int) -> tuple[float, int]:
    """Commit `rounds` changes announced to `room`; p95 (ms) from before each commit to each arrival,
    and how many arrivals were missing after 10 s."""
    from backend.audit.service import record_event
    from backend.extensions import db
    from backend.realtime import notify

    expected = len(clients.clients)
    latencies, missing = [], 0
    clients.arrivals.clear()
    for n in range(rounds):
        with app.app_context():
            started = time.perf_counter()
            notify(room, clients.event, {"round": n})
            record_event(action="bench.changed", entity_type="bench", entity_id=n, actor=None)
            db.session.commit()
            db.session.remove()
        deadline = time.monotonic() + 10
        while len(clients.arrivals.get(n, ())) < expected and time.monotonic() < deadline:
            time.sleep(0.005)
        arrived = list(clients.arrivals.get(n, ()))
        missing += expected - len(arrived)
        latencies.extend(at - started for at in arrived)
        time.sleep(0.1)
    return (percentile(latencies, 0.95) * 1000 if latencies else float("inf")), missing


def prepare(app, count: int) -> tuple[list[str], str]:
    """An enterprise user logged in `count` times (a token per client, each checked on its own when the
    Socket.IO process re-checks its sockets' tokens); returns (the tokens, the enterprise's room)."""
    from backend.core.enums import Assurance, Role
    from backend.extensions import db
    from backend.identity.models import Enterprise, User
    from backend.identity.tokens import issue_token_pair
    from backend.realtime import enterprise_room

    enterprise = Enterprise(
        customs_code="4403BENCH1", name_zh="压测企业有限公司", name_en="Bench Co., Ltd.",
        credit_grade="general", district_code="5300",
    )
    db.session.add(enterprise)
    db.session.flush()
    user = User(username="bench-sockets", display_name="压测", role=Role.ENTERPRISE.value,
                enterprise_id=enterprise.id)
    db.session.add(user)
    db.session.flush()
    tokens = [issue_token_pair(user, Assurance.PASSWORD)["access_token"] for _ in range(count)]
    room = enterprise_room(enterprise.id)
    db.session.commit()
    return tokens, room


def measure(database: str, label: str, tmp: str, count: int, rounds: int, samples: int) -> list[Figure]:
    from backend.extensions import db
    from bench.seeded import seeded_app
    from bench.stack import REDIS_URL, Stack

    stack = Stack(database, Path(tmp) / "stack", ACCESS_TOKEN_TTL="7200")
    settings = {
        "REDIS_URL": REDIS_URL,
        "SOCKETIO_CHANNEL": stack.env["SOCKETIO_CHANNEL"],
        "SECRET_KEY": stack.env["SECRET_KEY"],
        "ACCESS_TOKEN_TTL": 7200,
        "REALTIME_TOKEN_CHECK_SECONDS": 24 * 3600,
        "REALTIME_EMIT_ONLY": True,  # this process commits the changes, as an API process does: it only emits
    }
    with seeded_app(database, **settings) as app:
        tokens, room = prepare(app, count)
        db.session.remove()
        stack.start()
        try:
            floor_healthz = healthz_p95(stack.port, samples)
            clients = Clients(stack.url, tokens, f"bench.changed.{uuid.uuid4().hex[:8]}")
            try:
                assert clients.connect(1) == 0, "one client could not connect"
                floor_delivery, _ = broadcast_p95(app, clients, room, rounds)
                clients.disconnect()
                started = time.perf_counter()
                failed = clients.connect(count)
                connect_s = time.perf_counter() - started
                time.sleep(1)
                busy_healthz = healthz_p95(stack.port, samples)
                delivery, missing = broadcast_p95(app, clients, room, rounds)
            finally:
                clients.close()
            load = os.getloadavg()
        finally:
            stack.stop(at_once=True)  # measured: no need to wait for a graceful shutdown
    connected = count - failed
    print(
        f"{label}: {connected}/{count} connected in {connect_s:.1f} s; /healthz p95 {busy_healthz:.1f} ms "
        f"(no sockets: {floor_healthz:.1f} ms); change to every client p95 {delivery:.1f} ms "
        f"(one client: {floor_delivery:.1f} ms), {missing} arrivals missing; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        flush=True,
    )
    return [
        Figure.at_least(f"sockets connected through nginx ({label})", connected, count, "sockets"),
        Figure.at_most(
            f"/healthz p95, {count} sockets connected ({label})", busy_healthz, HEALTHZ_GOAL_MS, "ms",
            floor=floor_healthz,
        ),
        Figure.at_most(
            f"committed change to {count} sockets, p95 ({label})",
            delivery if missing == 0 else float("inf"), DELIVERY_GOAL_MS, "ms", floor=floor_delivery,
        ),
    ]


def figures(quick: bool, clients: int | None = None) -> list[Figure]:
    """1,000 clients (200 when quick) on PostgreSQL when BENCH_PG_URL is set, else SQLite (the sockets
    touch the database only to check a token when they connect)."""
    count = clients or (200 if quick else 1000)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count * 2 + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
    label = "PostgreSQL" if os.environ.get("BENCH_PG_URL") else "SQLite"
    with tempfile.TemporaryDirectory() as tmp, scratch_database(label, tmp) as database:
        return measure(database, label, tmp, count, rounds=10 if quick else 20, samples=100 if quick else 400)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int)
    args = parser.parse_args(argv)
    from bench.summary import table

    print(table(figures(args.quick, args.clients)))


if __name__ == "__main__":
    main()
