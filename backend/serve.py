"""`python -m backend.serve`: API, Socket.IO and PWA on one port (development and demo).

For production (README "Running in production"): API processes on gunicorn with threads
(backend.wsgi), Socket.IO processes on gunicorn with gevent (backend.socket_wsgi), nginx in front
(docs/deploy/nginx.conf), Redis between them.
"""

import argparse
import os

from backend import create_app
from backend.core.heap import freeze_loaded
from backend.extensions import socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5000)))
    args = parser.parse_args()
    app = create_app()
    freeze_loaded()
    print(f"Chajian 查检 on http://localhost:{args.port}  (API docs: /api/docs)", flush=True)
    socketio.run(
        app, host=args.host, port=args.port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False
    )


if __name__ == "__main__":
    main()
