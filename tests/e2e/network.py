"""A poor mobile link between a page and the server, and a record of what went over it.

Chrome DevTools Protocol network emulation (`Network.emulateNetworkConditions`, and the newer
`emulateNetworkConditionsByRule`) throttles a request body given as text or bytes, but not one given
as a Blob: measured on Chromium 156, a 100 KB Blob sent with fetch or XMLHttpRequest took as long
as a 32 KB one (1.4 s at "250 kbit/s"), while 100 KB of text took 3.5 s. Photo chunks are Blobs, so
CDP alone would carry them at full speed. The rate and the round trip are therefore imposed where a
phone's link imposes them, on the bytes: `Link` is a TCP proxy between the browser and the server
(the page is opened on the proxy's address) with one pipe per direction shared by every connection,
`kbit` each way, and half the round trip added each way. It counts the bytes of each direction.

A cut is what the phone sees when its radio drops: CDP emulation turns the page offline (the
requests in flight fail, `navigator.onLine` turns false, `offline` fires) and the proxy drops every
connection and refuses new ones; back, CDP turns the page online again (`online` fires).

`Traffic` records every request of the page from the CDP Network events: method, URL, body (text,
or its size when CDP shows it), start and end (`time.monotonic()` when the event was delivered),
status, failure. Playwright delivers CDP events while one of its calls waits: `Link.pump()`.
"""

from __future__ import annotations

import asyncio
import base64
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

KBIT = 1000 / 8  # bytes per second in one kbit/s
_READ = 4096  # bytes taken from a socket at a time: the pipe's granularity


@dataclass
class Request:
    id: str
    method: str
    url: str
    started: float  # time.monotonic() when the browser announced it
    body_bytes: int | None = None  # None: a body CDP does not show (a Blob)
    status: int | None = None
    ended: float | None = None
    failed: str | None = None

    @property
    def path(self) -> str:
        return urlparse(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlparse(self.url).query).items()}

    @property
    def in_flight(self) -> bool:
        return self.ended is None

    @property
    def ok(self) -> bool:
        return self.failed is None and self.status is not None and 200 <= self.status < 300


@dataclass
class Traffic:
    requests: dict[str, Request] = field(default_factory=dict)
    bodies: dict[str, bytes] = field(default_factory=dict)

    def all(self, method: str | None = None, path: str | re.Pattern | None = None) -> list[Request]:
        found = []
        for request in sorted(self.requests.values(), key=lambda r: r.started):
            if method and request.method != method:
                continue
            if isinstance(path, re.Pattern) and not path.search(request.path):
                continue
            if isinstance(path, str) and request.path != path:
                continue
            found.append(request)
        return found

    def summary(self, last: int = 40) -> str:
        """The last requests, one a line: for failure messages."""
        rows = []
        for r in self.all()[-last:]:
            state = "in flight" if r.in_flight else (r.failed or r.status)
            rows.append(
                f"{r.started:.1f} {r.method} {r.path}?{urlparse(r.url).query} {r.body_bytes} -> {state}"
            )
        return "\n".join(rows)

    # CDP event handlers ------------------------------------------------------------------------
    def _sent(self, event: dict) -> None:
        if event.get("redirectResponse"):
            return
        request = event["request"]
        body = None
        if "postData" in request:
            body = request["postData"].encode()
        elif request.get("postDataEntries"):
            body = b"".join(base64.b64decode(entry.get("bytes", "")) for entry in request["postDataEntries"])
        if body is not None:
            self.bodies[event["requestId"]] = body
        self.requests[event["requestId"]] = Request(
            id=event["requestId"],
            method=request["method"],
            url=request["url"],
            started=time.monotonic(),
            body_bytes=len(body) if body is not None else (None if request.get("hasPostData") else 0),
        )

    def _response(self, event: dict) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]].status = event["response"]["status"]

    def _finished(self, event: dict) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]].ended = time.monotonic()

    def _failed(self, event: dict) -> None:
        if event["requestId"] in self.requests:
            request = self.requests[event["requestId"]]
            request.ended = time.monotonic()
            request.failed = event.get("errorText") or "failed"

    def attach(self, cdp) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)


class _Pipe:
    """One direction of the link: bytes leave one after the other at `rate` (None: at once) and
    arrive `delay` seconds later. Shared by every connection, as a radio link is."""

    def __init__(self):
        self.rate: float | None = None
        self.delay = 0.0
        self.free_at = 0.0  # loop time when the last scheduled byte has left
        self.bytes = 0

    def schedule(self, size: int, now: float) -> float:
        """When `size` bytes read now arrive at the other end (loop time)."""
        self.bytes += size
        if self.rate is None:
            self.free_at = now
            return now + self.delay
        self.free_at = max(self.free_at, now) + size / self.rate
        return self.free_at + self.delay


class Link:
    """A TCP proxy to `upstream` (host, port) on 127.0.0.1 with the conditions of a mobile link.

    `Link(("127.0.0.1", 5000))` starts open (no limit); `throttle(kbit, rtt_ms)`, `lift()`, `cut()`;
    `url` is http://localhost:PORT of the proxy. `attach(context, page)` adds the CDP session that
    records the page's traffic and cuts the page off with the link. `close()` stops it.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.up, self.down = _Pipe(), _Pipe()
        self.state = "open"
        self.kbit: float | None = None
        self.rtt_ms = 0.0
        self.traffic = Traffic()
        self.page = self.cdp = None
        self._connections: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mobile-link", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        self.url = f"http://localhost:{self.port}"

    # the proxy (its own thread and event loop) --------------------------------------------------
    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _accept(self, client_reader, client_writer) -> None:
        if self.state == "cut":
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            return
        self._connections.update({client_writer, server_writer})
        try:
            await asyncio.gather(
                self._carry(client_reader, server_writer, self.up),
                self._carry(server_reader, client_writer, self.down),
                return_exceptions=True,
            )
        finally:
            for writer in (client_writer, server_writer):
                self._connections.discard(writer)
                writer.transport.abort()

    async def _carry(self, reader, writer, pipe: _Pipe) -> None:
        """Read, schedule on the pipe, deliver when it arrives; read no further ahead than the
        pipe is busy (the sender then waits, as it would on a slow link)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        async def deliver():
            while True:
                arrive, data = await queue.get()
                if data is None:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                wait = arrive - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()

        delivering = asyncio.ensure_future(deliver())
        try:
            while True:
                ahead = pipe.free_at - loop.time()
                if ahead > 0.05:
                    await asyncio.sleep(ahead - 0.05)
                data = await reader.read(_READ)
                if not data:
                    queue.put_nowait((loop.time() + pipe.delay, None))
                    break
                queue.put_nowait((pipe.schedule(len(data), loop.time()), data))
            await delivering
        finally:
            delivering.cancel()

    def _call(self, fn) -> None:
        done = threading.Event()

        def run():
            fn()
            done.set()

        self._loop.call_soon_threadsafe(run)
        done.wait(10)

    # conditions -------------------------------------------------------------------------------
    def attach(self, context, page) -> None:
        self.page = page
        self.cdp = context.new_cdp_session(page)
        self.traffic.attach(self.cdp)
        # JSON bodies (sync pushes) come with the event up to this size (the default is 64 KiB).
        self.cdp.send("Network.enable", {"maxPostDataSize": 4 * 1024 * 1024})

    def _set(self, rate: float | None, rtt_ms: float) -> None:
        def apply():
            for pipe in (self.up, self.down):
                pipe.rate, pipe.delay = rate, rtt_ms / 2000

        self._call(apply)

    def _page_online(self, online: bool) -> None:
        if self.cdp is not None:
            self.cdp.send(
                "Network.emulateNetworkConditions",
                {"offline": not online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )

    def throttle(self, kbit: float, rtt_ms: float) -> None:
        """`kbit` each way, `rtt_ms` round trip; a cut link comes back."""
        self.kbit, self.rtt_ms = kbit, rtt_ms
        was_cut = self.state == "cut"
        self._set(kbit * KBIT, rtt_ms)
        self.state = "throttled"
        if was_cut:
            self._page_online(True)

    def lift(self) -> None:
        was_cut = self.state == "cut"
        self._set(None, 0)
        self.state = "open"
        if was_cut:
            self._page_online(True)

    def cut(self) -> None:
        """The radio drops: the page goes offline, every connection is dropped, none is accepted."""
        self._page_online(False)

        def drop():
            self.state = "cut"
            for writer in list(self._connections):
                writer.transport.abort()

        self._call(drop)

    @property
    def rate(self) -> float | None:
        return self.up.rate

    @property
    def bytes_up(self) -> int:
        return self.up.bytes

    @property
    def bytes_down(self) -> int:
        return self.down.bytes

    def close(self) -> None:
        def stop():
            self._server.close()
            for writer in list(self._connections):
                writer.transport.abort()
            self._loop.stop()

        self._loop.call_soon_threadsafe(stop)
        self._thread.join(10)
        self._loop.close()

    # waiting ----------------------------------------------------------------------------------
    def pump(self, ms: int = 100) -> None:
        """Let Playwright deliver the CDP events while time passes."""
        self.page.wait_for_timeout(ms)

    def wait_for(self, predicate, timeout: float, what: str, every_ms: int = 100):
        deadline = time.monotonic() + timeout
        while True:
            found = predicate()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"after {timeout:.0f}s still waiting for {what}")
            self.pump(every_ms)
