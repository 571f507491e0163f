"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py backend.wsgi:app`.

Production refuses to start without a strong SECRET_KEY (set, at least 32 bytes, not the old default).
"""

from backend import create_app
from backend.config import Config
from backend.core.secrets import require_production_secret

require_production_secret(Config.SECRET_KEY)

app = create_app()
