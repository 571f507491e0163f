"""Jobs of the review domain: the scheduled housekeeping of backend/review/scheduled.py on Celery beat.

One job runs everything `run_scheduled()` lists (what `flask scheduled` runs by hand), so a new
scheduled step is one line there and reaches beat, the command and the tests together.
"""

from __future__ import annotations

import logging

from celery import shared_task

from backend.review.scheduled import run_scheduled

log = logging.getLogger("chajian.scheduled")


@shared_task(name="review.run_scheduled")
def scheduled() -> dict[str, int]:
    """Auto-withdraw stale returned applications, expire e-records, …; counts per step."""
    counts = run_scheduled()
    log.info("scheduled: %s", counts)
    return counts
