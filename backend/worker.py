"""The job engine's processes: `celery -A backend.worker worker` and `celery -A backend.worker beat`.

`make worker` and `make beat` run them (README "Running in production"). Both need a broker
(`CELERY_BROKER_URL`, or `REDIS_URL`); without one the API runs its jobs in-process and there is
nothing for a worker to take.
"""

from celery.schedules import crontab

from backend import create_app
from backend.core.jobs import is_embedded

# What beat sends, and when (China time). Each job is safe to run twice or concurrently.
SCHEDULE = {
    # review/scheduled.py's run_scheduled(): stale returned applications withdrawn, e-records expired…
    "scheduled-housekeeping": {"task": "review.run_scheduled", "schedule": 600.0},
    # Photos whose job message was lost (a Redis restart) get their copies all the same.
    "photo-derivatives-sweep": {"task": "media.sweep_pending_derivatives", "schedule": 300.0},
    # `flask storage prune`: idle uploads expired, unreferenced old files deleted.
    "storage-prune": {"task": "media.prune_storage", "schedule": crontab(hour=3, minute=30)},
}

flask_app = create_app()
if is_embedded(flask_app):
    raise SystemExit("backend.worker: set CELERY_BROKER_URL or REDIS_URL (without, jobs run in the API)")
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = SCHEDULE
