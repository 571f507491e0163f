"""Jobs of the interchange (the job engine: backend/core/jobs.py).

deliver: push one application's due receipt messages, in order (woken after the commit that wrote
them, by an administrator's retry, by the sweep, or by its own retry after a backoff).
sweep: wake every application whose head message is due (beat, every INTERCHANGE_SWEEP_SECONDS): the
safety net for a lost wake-up (Redis restarted, a worker killed mid-delivery).
"""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from backend.core.jobs import enqueue, is_embedded
from backend.interchange import delivery


@shared_task(name="interchange.deliver", acks_late=True)
def deliver(declaration_id: int) -> int:
    """Deliver the application's due messages (idempotent: the lease and the status decide); how many."""
    outcome = delivery.deliver_application(declaration_id=declaration_id)
    if outcome.retry_in is not None and not is_embedded():
        # Embedded (no broker), a failed message waits for `flask interchange deliver` or a retry.
        current_app.extensions["celery"].tasks[deliver.name].apply_async(
            args=(declaration_id,), countdown=max(outcome.retry_in, 0.05)
        )
    return outcome.delivered


@shared_task(name="interchange.sweep")
def sweep() -> int:
    """Wake the applications with a due message; returns how many."""
    if delivery.endpoint() is None:
        return 0
    ids = delivery.due_applications()
    for declaration_id in ids:
        enqueue(deliver, declaration_id)
    return len(ids)
