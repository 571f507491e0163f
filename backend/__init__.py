"""Chajian 查检: the application factory."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from backend.config import Config
from backend.core.api import api
from backend.core.secrets import local_secret
from backend.extensions import db, limiter, migrate, socketio

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")

# Every domain's REST blueprint, in the order they appear in the OpenAPI document.
BLUEPRINTS = [
    "backend.identity.api",
    "backend.identity.admin_api",
    "backend.identity.keys_api",
    "backend.identity.agency_api",
    "backend.audit.api",
    "backend.declarations.api",
    "backend.declarations.attachments_api",
    "backend.declarations.intake_api",
    "backend.declarations.e_records_api",
    "backend.review.api",
    "backend.review.rules_api",
    "backend.appointments.api",
    "backend.appointments.intake_api",
    "backend.deadlines.api",
    "backend.instructions.api",
    "backend.instructions.exports_api",
    "backend.inspections.api",
    "backend.sync.api",
    "backend.media.api",
    "backend.certificates.api",
    "backend.certificate_applications.api",
    "backend.blank_stock.api",
    "backend.amendments.api",
    "backend.certificate_applications.query_api",
    "backend.monitoring.api",
    "backend.statistics.api",
    "backend.catalogs.api",
    "backend.core.export_jobs_api",
    "backend.interchange.api",
]

# Every domain's jobs (Celery tasks), imported by the worker and by the API that enqueues them.
TASK_MODULES = [
    "backend.media.tasks",
    "backend.review.tasks",
    "backend.statistics.tasks",
    "backend.core.export_jobs",
    "backend.interchange.tasks",
]

# What `celery beat` sends, and when (seconds, or a crontab in China time). Every job is safe to run
# twice or concurrently. `flask scheduled` and `flask storage prune` run the same by hand.
BEAT_SCHEDULE = {
    # review/scheduled.py's run_scheduled(): stale returned applications withdrawn, e-records expired…
    "scheduled-housekeeping": {"task": "review.run_scheduled", "schedule": 600.0},
    # Photos whose job message was lost (a Redis restart) get their copies all the same.
    "photo-derivatives-sweep": {"task": "media.sweep_pending_derivatives", "schedule": 300.0},
    # `flask storage prune`: idle uploads expired, unreferenced old files deleted; nightly at 03:30.
    "storage-prune": {"task": "media.prune_storage", "schedule": {"hour": 3, "minute": 30}},
    # 查询统计: closed days rolled up shortly after midnight China time (idempotent; today is counted live).
    # Large exports' files deleted once past EXPORT_KEEP_SECONDS (also done whenever one starts).
    "exports-purge": {"task": "exports.purge_expired", "schedule": 3600.0},
    "statistics-roll-up": {"task": "statistics.roll_up", "schedule": {"hour": 0, "minute": 20}},
    # 互联互通: receipt messages whose wake-up was lost (or whose backoff ended) sent again; the period
    # is INTERCHANGE_SWEEP_SECONDS (see _init_jobs).
    "interchange-sweep": {"task": "interchange.sweep", "schedule": 30.0},
}


def create_app(config: type[Config] | Config = Config) -> Flask:
    """Build the app: settings, extensions, auth, blueprints, errors, logs, CLI, realtime."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config)
    if app.config.get("TRUSTED_PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address (throttles, audit) as the trusted proxies saw it, not the proxy's own.
        proxies = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        # Development (`make run`, `flask ...`): a random secret kept in the instance folder.
        app.config["SECRET_KEY"] = local_secret(Path(app.instance_path))
    app.json.ensure_ascii = False
    _init_extensions(app)
    _init_jobs(app)
    _init_auth(app)
    _init_compression(app)
    _register_blueprints(app)
    _register_errors_and_logs(app)
    _register_cli(app)
    _init_realtime(app)
    return app


def _init_extensions(app: Flask) -> None:
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    sqlite, psycopg = url.get_backend_name() == "sqlite", url.get_driver_name() == "psycopg"
    if sqlite or psycopg:
        # An embedded file has no connection to lose, and psycopg's connections are checked at checkout
        # without a round trip (backend/core/postgresql.py): a ping per checkout would be one statement
        # more per request for nothing. Another server driver keeps it (connections dropped by a restart).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    # Throttle counters live in Redis when there is one (shared by every worker), in memory otherwise.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    api.init_app(app)
    import backend.models  # noqa: F401  (every model registered before anything maps)

    if sqlite:
        from backend.core.sqlite import configure_sqlite

        with app.app_context():
            configure_sqlite(db.engine)
    elif psycopg:
        from backend.core.postgresql import configure_postgresql

        with app.app_context():
            configure_postgresql(db.engine)


def _init_jobs(app: Flask) -> None:
    """The job engine (Celery: Redis in production, in-process without a broker) and its metrics."""
    import importlib

    from backend.core import jobs, metrics

    schedule = dict(BEAT_SCHEDULE)
    schedule["interchange-sweep"] = {**schedule["interchange-sweep"],
                                     "schedule": float(app.config["INTERCHANGE_SWEEP_SECONDS"])}
    jobs.celery_init_app(app, task_modules=TASK_MODULES, beat_schedule=schedule)
    for module_name in TASK_MODULES:
        importlib.import_module(module_name)
    metrics.init_app(app)

    from backend.interchange import wake

    wake.init_app(app)


def _init_auth(app: Flask) -> None:
    """Core checks tokens and district scopes with identity's resolvers, handed in here: core knows no
    users or districts table."""
    from backend.catalogs.ports import ports_held_by
    from backend.core import auth, permissions
    from backend.identity.scope import NATIONAL_DISTRICT_CODE, districts_under
    from backend.identity.tokens import resolve_token

    auth.init_app(app, token_resolver=resolve_token)
    permissions.init_app(
        app,
        districts_under=districts_under,
        national_code=NATIONAL_DISTRICT_CODE,
        ports_held_by=ports_held_by,
    )


def _init_compression(app: Flask) -> None:
    """Compress text responses (PWA shell, JS, CSS, JSON): phones on slow site networks."""
    from flask_compress import Compress

    # The PWA's files are sent as streams: gzip them too (flask-compress streams only zstd, br and
    # deflate by default), and keep their ETag/304 handling.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip", "deflate"])
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", ["static", "pwa.serve"])
    Compress(app)


def _register_blueprints(app: Flask) -> None:
    import importlib

    for module_name in BLUEPRINTS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not (module_name == exc.name or module_name.startswith(f"{exc.name}.")):
                raise  # a real import error inside an existing module
            continue  # a domain not built yet
        api.register_blueprint(module.blp)

    from backend import docs_assets, health, pwa

    app.register_blueprint(health.bp)
    app.register_blueprint(docs_assets.bp)
    app.register_blueprint(pwa.bp)  # last: its catch-all serves the app shell


def _register_errors_and_logs(app: Flask) -> None:
    from backend import errors, input_guard, request_log, security_headers

    errors.init_app(app)
    request_log.init_app(app)
    input_guard.init_app(app)
    security_headers.init_app(app)


def _register_cli(app: Flask) -> None:
    from backend import cli

    cli.init_app(app)


def _init_realtime(app: Flask) -> None:
    import socketio as socketio_server

    from backend import realtime

    url, channel = app.config["REDIS_URL"], app.config["SOCKETIO_CHANNEL"]
    if app.config["REALTIME_EMIT_ONLY"]:
        # An API process beside Socket.IO processes: it only publishes to Redis (a write-only manager,
        # no listener thread), and its WSGI app is not wrapped by the Socket.IO middleware, so
        # /socket.io/ is an ordinary 404 here and no connection handler is registered.
        if not url:
            raise RuntimeError(
                "REALTIME_EMIT_ONLY needs REDIS_URL: the Socket.IO processes hear the API through it"
            )
        socketio.init_app(
            None,
            client_manager=socketio_server.RedisManager(url, channel=channel, write_only=True),
            async_mode=app.config["SOCKETIO_ASYNC_MODE"],
            json=None,
        )
        app.extensions["socketio"] = socketio
        return
    socketio.init_app(
        app,
        # Built here, not from `message_queue`: an earlier app of this process (the tests make many)
        # may have left its emit-only manager in the extension's options.
        client_manager=socketio_server.RedisManager(url, channel=channel) if url else None,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        # The handshake's Origin (when a browser sends one) must be the app's own address.
        cors_allowed_origins=realtime.allowed_origins(app.config),
        json=None,
    )
    realtime.register_handlers()
