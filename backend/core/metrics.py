"""Prometheus metrics at `/metrics`: request latency per endpoint, sync operations, jobs, sockets.

The metric objects live here so that any layer can count (sync counts operations, realtime counts
sockets, core.jobs counts failures). Under gunicorn with several worker processes set
`PROMETHEUS_MULTIPROC_DIR` (an empty folder per instance, before the start): each process writes its
figures there and `/metrics` sums them (prometheus_client's multiprocess mode; gunicorn.conf.py
marks exited workers dead). The job figures — queue depth and failures — are read from Redis at
each scrape, so any API process reports those of every worker.

Who may read it: requests from this machine (a loopback address, not forwarded by a proxy), and
anyone presenting `Authorization: Bearer <METRICS_TOKEN>` when that setting is set; everyone else
gets 404, as if there were nothing here.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from backend.core import jobs
from backend.errors import DomainError

REQUEST_SECONDS = Histogram(
    "chajian_http_request_duration_seconds",
    "Time to answer an HTTP request, per Flask endpoint, method and status.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SYNC_OPERATIONS = Counter(
    "chajian_sync_operations_total",
    "Operations pushed by phones, by outcome (applied, conflict, rejected, skipped, replayed).",
    ["outcome"],
)
SOCKET_CONNECTIONS = Gauge(
    "chajian_socket_connections",
    "Open Socket.IO connections.",
    multiprocess_mode="livesum",
)

_bp = Blueprint("metrics", __name__)


class _JobsCollector:
    """Queue depth and task failures, read from the broker at scrape time."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def collect(self):
        celery_app = self._app.extensions["celery"]
        depth = GaugeMetricFamily("chajian_task_queue_depth", "Jobs waiting in the queue.", labels=["queue"])
        failures = CounterMetricFamily(
            "chajian_task_failures", "Jobs that failed (after their retries).", labels=["task"]
        )
        try:
            for queue, count in jobs.queue_depths(celery_app).items():
                depth.add_metric([queue], count)
            for task, count in jobs.failure_counts(celery_app).items():
                failures.add_metric([task], count)
        except Exception:  # the broker down: the API still answers, and the scrape says so
            depth.add_metric(["unreachable"], -1)
        yield depth
        yield failures


def init_app(app: Flask) -> None:
    """Time every request and serve /metrics."""
    jobs_registry = CollectorRegistry(auto_describe=False)
    jobs_registry.register(_JobsCollector(app))
    app.extensions["metrics_jobs_registry"] = jobs_registry

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("metrics_started", None)
        if started is not None and request.endpoint != "metrics.metrics":
            REQUEST_SECONDS.labels(
                endpoint=request.endpoint or "unmatched", method=request.method, status=response.status_code
            ).observe(time.perf_counter() - started)
        return response

    app.register_blueprint(_bp)


@_bp.get("/metrics")
def metrics() -> Response:
    """The figures in Prometheus' text format (loopback or METRICS_TOKEN only)."""
    if not _may_read():
        raise DomainError("request.not_found")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(current_app.extensions["metrics_jobs_registry"])
    return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def _may_read() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False  # came through a proxy: whoever is behind it is not this machine
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
