"""The extension objects, created once and bound to the app in create_app().

The REST API object (flask-smorest, with Chajian's error shape) is backend.core.api.api: it is built
on core's schemas, and this module sits below core.
"""

from flask import Flask
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import MetaData

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
socketio = SocketIO()



class Throttles:
    """The counters that throttle logins and key endpoints (backend.identity.throttle): fixed windows of
    the `limits` library, in the storage RATELIMIT_STORAGE_URI names (Redis when configured, else memory).

    Flask-Limiter held them before, as Flask-Limiter's own strategy and storage; but no route has a
    limit of its own, and its check before every request (finding none) cost a lookup a tenth of its
    time. The strategy, the storage and the keys are the ones it used.
    """

    def __init__(self):
        self.storage: Storage | None = None
        self.limiter: FixedWindowRateLimiter | None = None

    def init_app(self, app: Flask) -> None:
        self.storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.limiter = FixedWindowRateLimiter(self.storage)
        app.extensions["chajian.throttles"] = self

    def reset(self) -> None:
        """Forget every counter (the tests start each from none)."""
        self.storage.reset()


limiter = Throttles()
