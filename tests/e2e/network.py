"""A poor mobile link for a page, and a record of what went over it (Chrome DevTools Protocol).

`Link` throttles the page's network with `Network.emulateNetworkConditions` (on a CDP session of its
own, beside Playwright's): a rate in both directions and a round trip. It can cut the link (offline,
which fails the requests in flight) and bring it back, or lift the limit. The emulation applies to
the page's requests, including those a service worker lets through to the network; a service
worker's *own* fetches are outside it, so `Traffic` notes which requests came from a worker and the
tests check that none of the sync traffic did (it would have gone round the throttle).

`Traffic` records every request of the page from the CDP Network events: method, URL, bytes of the
body sent, start and end (browser clock, seconds), status, failure. `pump(page)` lets Playwright
deliver the events (they arrive while a Playwright call is waiting).
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

KBIT = 1000 / 8  # bytes per second in one kbit/s


@dataclass
class Request:
    id: str
    method: str
    url: str
    started: float  # time.monotonic() when the browser announced it
    body_bytes: int | None = None
    status: int | None = None
    ended: float | None = None
    failed: str | None = None
    from_worker: bool = False

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


class Link:
    """The page's network as a mobile link: `Link(context, page, kbit=250, rtt_ms=300)`."""

    def __init__(self, context, page, *, kbit: float, rtt_ms: float):
        self.page = page
        self.rate = kbit * KBIT  # bytes per second, each direction
        self.rtt_ms = rtt_ms
        self.cdp = context.new_cdp_session(page)
        self.traffic = Traffic()
        self.traffic.attach(self.cdp)
        # Post data of chunk uploads comes as postDataEntries up to this size (default 64 KiB).
        self.cdp.send("Network.enable", {"maxPostDataSize": 4 * 1024 * 1024})
        # Requests of service workers are reported on the context: if any sync request came from one,
        # it went round this session's throttle (the test checks there are none).
        context.on("request", self._from_worker)
        self.state = "unset"

    def _from_worker(self, request) -> None:
        if request.service_worker is not None:
            self.traffic.requests[f"worker:{id(request)}"] = Request(
                id=f"worker:{id(request)}",
                method=request.method,
                url=request.url,
                started=time.monotonic(),
                from_worker=True,
            )

    def _conditions(self, **values) -> None:
        self.cdp.send("Network.emulateNetworkConditions", values)

    def throttle(self) -> None:
        self._conditions(
            offline=False,
            latency=self.rtt_ms,
            downloadThroughput=self.rate,
            uploadThroughput=self.rate,
            connectionType="cellular2g",
        )
        self.state = "throttled"

    def cut(self) -> None:
        """No network: requests in flight fail, navigator.onLine turns false."""
        self._conditions(offline=True, latency=0, downloadThroughput=-1, uploadThroughput=-1)
        self.state = "offline"

    def lift(self) -> None:
        """No limit any more (the rest of a test runs at full speed)."""
        self._conditions(offline=False, latency=0, downloadThroughput=-1, uploadThroughput=-1)
        self.state = "open"

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
