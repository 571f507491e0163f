"""The job engine's processes: `celery -A backend.worker worker` and `celery -A backend.worker beat`.

`make worker` and `make beat` run them (README "Running in production"); what beat sends is
backend.BEAT_SCHEDULE. Both need a broker (`CELERY_BROKER_URL`, or `REDIS_URL`): without one the
API runs its jobs in-process and there is nothing for a worker to take.
"""

from backend import create_app
from backend.core.heap import freeze_loaded
from backend.core.jobs import is_embedded

flask_app = create_app()
if is_embedded(flask_app):
    raise SystemExit("backend.worker: set CELERY_BROKER_URL or REDIS_URL (without, jobs run in the API)")
celery = flask_app.extensions["celery"]
freeze_loaded()  # before the pool forks: the children share what start-up loaded (backend.core.heap)
