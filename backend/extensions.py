"""The extension objects, created once and bound to the app in create_app().

The REST API object (flask-smorest, with Chajian's error shape) is backend.core.api.api: it is built
on core's schemas, and this module sits below core.
"""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
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

# Throttles logins and key endpoints (backend.identity.throttle); storage set from REDIS_URL in create_app.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)
