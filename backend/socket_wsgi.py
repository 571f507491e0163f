"""The Socket.IO processes' entry point: `gunicorn -c gunicorn_sockets.conf.py backend.socket_wsgi:app`.

The API processes (backend.wsgi, threads) answer requests; these hold the sockets, on gevent: one
greenlet per socket, so one process holds thousands of them while a thread-per-socket API process
holds about 60. The proxy sends `/socket.io/` here (docs/deploy/nginx.conf). Every process emits
through Redis (REDIS_URL), so a change committed by any API process or job reaches the sockets held
here. Like backend.wsgi, it refuses to start without a strong SECRET_KEY.
"""

from backend import create_app
from backend.config import Config
from backend.core.secrets import require_production_secret


class SocketConfig(Config):
    SOCKETIO_ASYNC_MODE = "gevent"
    REALTIME_EMIT_ONLY = False  # these hold the sockets, whatever the API processes' environment says


require_production_secret(Config.SECRET_KEY)
if not Config.REDIS_URL:
    raise SystemExit("backend.socket_wsgi: set REDIS_URL (the API processes emit to the sockets through it)")

app = create_app(SocketConfig)
