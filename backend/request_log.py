"""Request ids and one JSON log line per request (request id, user, status, duration)."""

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

log = logging.getLogger("chajian.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn and pytest both swap it)."""

    def emit(self, record):
        self.stream = sys.stderr
        super().emit(record)


def init_app(app: Flask) -> None:
    if not log.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_request():
        # The id is always the server's own; a client's X-Request-ID (when well-formed) is kept beside
        # it (log line, audit row), never instead of it: a client cannot forge or reuse server ids.
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = uuid.uuid4().hex
        g.client_request_id = incoming if _VALID_ID.match(incoming) else None
        g.started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if g.get("client_request_id"):
            response.headers["X-Client-Request-ID"] = g.client_request_id
        if app.config["LOG_REQUESTS"]:
            actor = g.get("actor")
            log.info(
                json.dumps(
                    {
                        "request_id": g.get("request_id"),
                        "client_request_id": g.get("client_request_id"),
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "user": actor.username if actor else None,
                        "duration_ms": round(
                            (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2
                        ),
                    },
                    ensure_ascii=False,
                )
            )
        return response
