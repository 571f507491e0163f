# The Socket.IO processes (backend.socket_wsgi): one gevent worker per instance holds thousands of
# sockets (a greenlet each); run one or more instances, the proxy sticky on the client address.
import os
import resource

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5100')}"
workers = 1
worker_class = "gevent"
# Open sockets (and their file descriptors) one process may hold.
worker_connections = int(os.environ.get("SOCKET_CONNECTIONS", "4000"))
timeout = 120
graceful_timeout = 30
accesslog = None
control_socket_disable = True  # several instances on one machine share no admin socket

# One file descriptor per socket, and a few for the database, Redis and logs.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_wanted = worker_connections + 256
if _soft != resource.RLIM_INFINITY and _soft < _wanted:
    _soft = _wanted if _hard == resource.RLIM_INFINITY else min(_wanted, _hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (_soft, _hard))


def post_worker_init(worker):
    """The app is loaded: set its objects aside from the garbage collector (backend.core.heap)."""
    from backend.core.heap import freeze_loaded

    freeze_loaded()
