"""Jobs of the media domain (the job engine: backend/core/jobs.py).

make_derivatives: a photo's display and thumbnail copies, enqueued when an upload completes.
sweep_pending_derivatives: enqueues again the photos whose job message was lost (beat, every few minutes).
prune_storage: `flask storage prune` on a schedule (beat, nightly).
"""

from __future__ import annotations

from celery import shared_task

from backend.core.jobs import enqueue
from backend.media import cleanup, derivatives

# A photo still pending this long after it was stored has lost its job message (Redis restarted).
SWEEP_AFTER_SECONDS = 300


@shared_task(
    name="media.make_derivatives",
    autoretry_for=(OSError,),  # storage unreachable for a moment
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=6,
)
def make_derivatives(photo_id: int) -> bool:
    """Make a photo's copies (idempotent: a second run does nothing)."""
    return derivatives.make_photo_derivatives(photo_id=photo_id)


@shared_task(name="media.sweep_pending_derivatives")
def sweep_pending_derivatives() -> int:
    """Enqueue again the photos still pending after SWEEP_AFTER_SECONDS; returns how many."""
    ids = derivatives.pending_photo_ids(older_than_seconds=SWEEP_AFTER_SECONDS)
    for photo_id in ids:
        enqueue(make_derivatives, photo_id)
    return len(ids)


@shared_task(name="media.prune_storage")
def prune_storage() -> dict:
    """Expire idle uploads and delete old unreferenced files (what `flask storage prune` does)."""
    report = cleanup.prune_storage(older_than_hours=cleanup.DEFAULT_OLDER_THAN_HOURS, dry_run=False)
    return {"lines": report.lines(), "failures": len(report.failures)}
