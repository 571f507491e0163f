"""Waking the delivery job once the transaction that wrote outbox rows has committed.

With a broker the job is queued straight from the commit (no SQL is needed to queue it). Embedded (no
broker: `make run`, the tests) the job runs in-process at the end of the request, like every embedded
job, after the view's own commit; outside a request (a CLI command) the rows wait for
`flask interchange deliver`.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_app_context, has_request_context

from backend.core.jobs import enqueue, is_embedded
from backend.extensions import db
from backend.interchange import delivery

log = logging.getLogger("chajian.interchange")
_PENDING = "interchange_woken"


def after_commit(declaration_ids: list[int]) -> None:
    """Called by capture.py after a commit that wrote outbox rows for these applications."""
    if not has_app_context() or delivery.endpoint() is None:
        return
    from backend.interchange.tasks import deliver

    if not is_embedded():
        for declaration_id in declaration_ids:
            enqueue(deliver, declaration_id)
    elif has_request_context():
        g.setdefault(_PENDING, set()).update(declaration_ids)


def init_app(app: Flask) -> None:
    """Run the embedded deliveries a request woke, once its response is ready."""

    @app.after_request
    def _deliver_woken(response):
        woken = g.pop(_PENDING, None)
        if woken and current_app.extensions["celery"].conf.task_always_eager:
            from backend.interchange.tasks import deliver

            try:
                for declaration_id in sorted(woken):
                    enqueue(deliver, declaration_id)
            except Exception:  # the response stands; the rows wait for the next wake-up or retry
                db.session.rollback()
                log.exception("could not deliver the receipt messages of %s", sorted(woken))
        return response
