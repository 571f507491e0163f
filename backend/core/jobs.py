"""The job engine: Celery, built from the Flask config, each task run inside the app context.

Flask's own pattern ("Background Tasks with Celery", `celery_init_app`): create_app builds one Celery
app per Flask app and keeps it in `app.extensions["celery"]`; domains declare their tasks with
`celery.shared_task` in their own `tasks.py` (backend/media/tasks.py, backend/review/tasks.py) and
enqueue them with `enqueue(task, ...)` after their transaction commits.

Two modes, chosen by `CELERY_BROKER_URL` (default: `REDIS_URL`):
- **broker** (production): tasks go to Redis and run in `celery worker` processes; `celery beat`
  sends the scheduled ones (SCHEDULE in backend/worker.py).
- **embedded** (no broker, `make run` and the tests): `task_always_eager`, so `enqueue` runs the task
  at once in the calling process and app context, once the caller has committed. Chosen over a
  background thread in the process: SQLite has one writer (a thread would queue behind requests and
  they behind it), a thread's work dies with the process where no broker keeps it, and the tests
  see the same order every run. The price: under `make run` the upload waits for its copies, as
  before; with a broker it does not.

Rules every task keeps (the broker delivers at least once):
- acks late, and rejected (so re-delivered) when its worker process dies: a worker killed mid-task
  loses nothing;
- idempotent: state is re-read under a row lock and each effect is checked before it is written in
  the same transaction, so a second run (a re-delivery, a retry, a sweep) does nothing;
- the database row is the truth, the message only a wake-up: what must happen is recorded in the
  transaction that decides it, and a periodic sweep enqueues again what is still pending (Redis may
  lose a message when it restarts without persistence).
"""

from __future__ import annotations

import collections
import logging
import threading
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import task_failure
from flask import Flask, current_app, has_app_context

from backend.extensions import db

log = logging.getLogger("chajian.jobs")

DEFAULT_QUEUE = "chajian"


def celery_config(config) -> dict[str, Any]:
    """Celery settings (lower-case names) from the Flask config."""
    broker = config.get("CELERY_BROKER_URL")
    visibility_timeout = config.get("CELERY_VISIBILITY_TIMEOUT", 3600)
    transport = {
        "visibility_timeout": visibility_timeout,
        "global_keyprefix": config.get("CELERY_KEY_PREFIX", ""),
    }
    if visibility_timeout < 60:  # a short timeout (tests): look for abandoned messages every second
        transport.update(unacked_restore_interval=1, unacked_restore_throttle=1)
    return {
        "broker_url": broker or "memory://",
        "task_always_eager": not broker,
        # An in-process job that fails is logged and counted (task_failure), like a worker's: it
        # does not turn the request that enqueued it (already committed) into an error.
        "task_eager_propagates": False,
        "task_ignore_result": True,
        "task_default_queue": DEFAULT_QUEUE,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # One message at a time per worker process: a long task never holds others hostage.
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "accept_content": ["json"],
        "timezone": "Asia/Shanghai",
        "enable_utc": True,
        "broker_connection_retry_on_startup": True,
        # A request that enqueues does not hang on a broker that is down (see enqueue()).
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        # A message taken by a worker that vanished (SIGKILL, power loss) is handed out again after
        # this many seconds: longer than the longest task, or a slow task runs twice (harmless: every
        # task is idempotent, but wasted).
        "broker_transport_options": transport,
        "worker_hijack_root_logger": False,
    }


def celery_init_app(app: Flask, *, task_modules: list[str] = (), beat_schedule: dict | None = None) -> Celery:
    """Build the Celery app for `app` (every task runs in `app`'s context) and register it.

    `beat_schedule`: {name: {"task": …, "schedule": seconds | crontab fields}} for `celery beat`."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            if has_app_context():
                # In-process (embedded): the caller's app, context and session, which enqueue() has
                # committed; a second session would wait for the caller's on SQLite's one write lock.
                # (A process holding several apps — tests — runs the job against the caller's.)
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask, include=list(task_modules))
    celery_app.config_from_object(celery_config(app.config))
    celery_app.conf.beat_schedule = {
        name: {**entry, "schedule": _schedule(entry["schedule"])}
        for name, entry in (beat_schedule or {}).items()
    }
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _schedule(when: float | dict):
    return crontab(**when) if isinstance(when, dict) else when


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Run `task` in the background (broker mode) or now (embedded): call it after the commit.

    Never raises for the broker: what the job must do is recorded in the committed rows, and a
    periodic sweep enqueues it again (a job's own failure is logged and counted, not raised).

    The task is looked up on this Flask app's own Celery app, so it runs against this app's database
    even when a process holds several apps (tests, benches).
    """
    celery_app: Celery = current_app.extensions["celery"]
    if celery_app.conf.task_always_eager:
        # The job runs now, in the caller's session: end what it began since its commit (reading an
        # expired attribute begins a transaction), so the job starts from a clean session.
        db.session.commit()
        celery_app.tasks[task.name].apply_async(args=args, kwargs=kwargs)
        return
    try:
        celery_app.tasks[task.name].apply_async(args=args, kwargs=kwargs)
    except Exception:  # the broker is down: the caller's work is committed, the sweep enqueues it later
        log.exception("could not enqueue %s%r", task.name, args)


def is_embedded(app: Flask | None = None) -> bool:
    """True when tasks run in-process (no broker configured)."""
    return bool((app or current_app).extensions["celery"].conf.task_always_eager)


def _broker_redis(celery_app: Celery):
    """A plain Redis client on the broker's database (kombu's own client prefixes only some commands)."""
    import redis

    url = celery_app.conf.broker_url
    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    prefix = (celery_app.conf.broker_transport_options or {}).get("global_keyprefix", "")
    return client, prefix


def queue_depths(celery_app: Celery) -> dict[str, int]:
    """Messages waiting per queue (the Redis broker keeps a list per queue); {} when embedded."""
    if celery_app.conf.task_always_eager:
        return {}
    client, prefix = _broker_redis(celery_app)
    return {queue: int(client.llen(f"{prefix}{queue}")) for queue in (DEFAULT_QUEUE,)}


def failure_counts(celery_app: Celery) -> dict[str, int]:
    """Failed tasks per task name since the broker started (Redis), or since this process did (embedded)."""
    if celery_app.conf.task_always_eager:
        with _local_lock:
            return dict(_local_failures)
    client, prefix = _broker_redis(celery_app)
    raw = client.hgetall(f"{prefix}{_FAILURES_KEY}")
    return {name.decode(): int(count) for name, count in raw.items()}


_FAILURES_KEY = "chajian:task_failures"
_redis_clients: dict[str, object] = {}
_local_failures: collections.Counter = collections.Counter()
_local_lock = threading.Lock()


@task_failure.connect
def _count_failure(sender: Task | None = None, **_: object) -> None:
    """Count a failed task where /metrics reads it: Redis for workers, this process when embedded."""
    name = getattr(sender, "name", None) or "unknown"
    celery_app = getattr(sender, "app", None)
    if celery_app is None or celery_app.conf.task_always_eager:
        with _local_lock:
            _local_failures[name] += 1
        return
    try:
        client, prefix = _broker_redis(celery_app)
        client.hincrby(f"{prefix}{_FAILURES_KEY}", name, 1)
    except Exception:  # counting must never hide the failure itself (Celery logs it)
        log.exception("could not count the failure of %s", name)
