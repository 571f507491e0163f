# The API processes (backend.wsgi): one worker process with many threads per instance, several
# instances behind nginx (docs/deploy/nginx.conf), DATABASE_URL on PostgreSQL. They answer requests;
# the sockets are held by the Socket.IO processes (gunicorn_sockets.conf.py), reached through Redis.
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = 1
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
worker_class = "gthread"
timeout = 120
graceful_timeout = 30
accesslog = None  # the app writes one JSON line per request itself
# Several instances run on one machine: no shared admin socket (~/.gunicorn/gunicorn.ctl) between them.
control_socket_disable = True


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set (several workers), forget an exited worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """The app is loaded: set its objects aside from the garbage collector (backend.core.heap)."""
    from backend.core.heap import freeze_loaded

    freeze_loaded()
