"""Settings, read once from the environment. Tests subclass Config."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class Config:
    """Every setting Chajian reads; the README documents each one."""

    # Required in production (backend.wsgi refuses a missing, default or short key); unset elsewhere,
    # a random secret is generated once and kept in instance/secret_key (see backend/core/secrets.py).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///chajian.db")
    # pool_pre_ping applies to server drivers other than psycopg: create_app drops it for SQLite and for
    # PostgreSQL on psycopg, whose pooled connections are checked without a round trip (core/postgresql.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # The job engine's broker (backend/core/jobs.py): REDIS_URL unless set; set empty (or no Redis at
    # all), jobs run in-process.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "") or None
    # Seconds before a job taken by a worker that vanished is handed out again (> the longest job).
    CELERY_VISIBILITY_TIMEOUT = _env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    # Prefix of every broker key: several installations (or test runs) can share one Redis.
    CELERY_KEY_PREFIX = os.environ.get("CELERY_KEY_PREFIX", "")
    # Exports (CSV/XLSX) of more rows than this are written by a job (core/export_jobs.py): the
    # request answers 202 at once and the PWA shows a progress bar, then downloads the file.
    EXPORT_JOB_ROWS = _env_int("EXPORT_JOB_ROWS", 5000)
    # How long a finished large export is kept for its requester (seconds).
    EXPORT_KEEP_SECONDS = _env_int("EXPORT_KEEP_SECONDS", 24 * 3600)
    # 互联互通 (backend/interchange): where every receipt of a Single Window application is POSTed (unset:
    # no push, the receipts wait in the pull feed); a message is parked after this many failed
    # attempts, retried after base·2^(n−1) seconds (at most the max); one attempt's timeout; how long a
    # sender holds a message (> the timeout: a sender killed mid-delivery frees it then); the sweep.
    SINGLE_WINDOW_RECEIPTS_URL = os.environ.get("SINGLE_WINDOW_RECEIPTS_URL") or None
    INTERCHANGE_MAX_ATTEMPTS = _env_int("INTERCHANGE_MAX_ATTEMPTS", 8)
    INTERCHANGE_RETRY_BASE_SECONDS = _env_float("INTERCHANGE_RETRY_BASE_SECONDS", 5)
    INTERCHANGE_RETRY_MAX_SECONDS = _env_float("INTERCHANGE_RETRY_MAX_SECONDS", 600)
    INTERCHANGE_TIMEOUT_SECONDS = _env_float("INTERCHANGE_TIMEOUT_SECONDS", 10)
    INTERCHANGE_LEASE_SECONDS = _env_float("INTERCHANGE_LEASE_SECONDS", 60)
    INTERCHANGE_SWEEP_SECONDS = _env_float("INTERCHANGE_SWEEP_SECONDS", 30)
    # Bearer token that opens /metrics to a scraper on another machine (loopback needs none).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None

    # Largest request body; photos travel in chunks well below this.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 30 * 1024 * 1024)

    # Argon2id cost, one of argon2-cffi's profiles: RFC_9106_LOW_MEMORY (3 passes over 64 MiB, RFC 9106's
    # second recommendation) or RFC_9106_HIGH_MEMORY (1 pass over 2 GiB). The test suite sets CHEAPEST,
    # which is for tests only. Stored hashes carry their own cost, so a change applies to new hashes.
    PASSWORD_HASH_PROFILE = os.environ.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")
    ACCESS_TOKEN_TTL = _env_int("ACCESS_TOKEN_TTL", 15 * 60)
    REFRESH_TOKEN_TTL = _env_int("REFRESH_TOKEN_TTL", 30 * 24 * 3600)
    # Absolute lifetime of a login session (seconds from the login, refreshes do not extend it).
    SESSION_MAX_AGE = _env_int("SESSION_MAX_AGE", 30 * 24 * 3600)
    # Throttles (`limits` notation; backend.extensions.Throttles). Failed password logins per client
    # address and user name together: an attacker elsewhere cannot lock a victim out. Failed logins per
    # address over all names. Requests to the key endpoints (WebAuthn options/verify, client-key
    # challenge/login).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per 15 minutes")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "50 per 15 minutes")
    KEY_RATE_LIMIT = os.environ.get("KEY_RATE_LIMIT", "30 per minute")
    # Reverse proxies in front that set X-Forwarded-For: the client address is taken from there.
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
    CHALLENGE_TTL = _env_int("CHALLENGE_TTL", 120)
    # Seconds between checks of every open Socket.IO connection's token (revoked or expired: closed).
    REALTIME_TOKEN_CHECK_SECONDS = _env_int("REALTIME_TOKEN_CHECK_SECONDS", 30)
    # Redis channel of the Socket.IO messages: several installations (or test runs) can share a Redis.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "flask-socketio")
    # How the process serves sockets: "threading" (`make run`, the API processes: a thread per socket)
    # or "gevent" (the Socket.IO processes, backend.socket_wsgi: thousands of sockets per process).
    SOCKETIO_ASYNC_MODE = "threading"
    # Set (1) on the API processes of the production layout, where Socket.IO processes
    # (backend.socket_wsgi) hold the sockets: this process then only emits, through Redis (REDIS_URL
    # required), registers no connection handler and refuses /socket.io/ (404). Unset (`make run`,
    # the default): sockets are served in-process.
    REALTIME_EMIT_ONLY = os.environ.get("REALTIME_EMIT_ONLY", "0").strip().lower() in ("1", "true", "yes")

    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "localhost")
    WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "Chajian 查检")
    # Seconds a one-time enrolment code for a first security key stays valid.
    ENROLMENT_CODE_TTL = _env_int("ENROLMENT_CODE_TTL", 24 * 3600)
    WEBAUTHN_ORIGINS = os.environ.get("WEBAUTHN_ORIGINS", "http://localhost:5000").split(",")

    STORAGE_DIR = os.environ.get("STORAGE_DIR") or None  # default: <instance>/storage
    # Photos: refused above these before decoding; uploads travel in chunks of at most this size.
    MEDIA_MAX_BYTES = _env_int("MEDIA_MAX_BYTES", 25 * 1024 * 1024)
    MEDIA_MAX_PIXELS = _env_int("MEDIA_MAX_PIXELS", 40_000_000)
    MEDIA_MAX_CHUNK_BYTES = _env_int("MEDIA_MAX_CHUNK_BYTES", 8 * 1024 * 1024)
    DECLARATION_ATTACHMENT_MAX_BYTES = _env_int("DECLARATION_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    # How long a device holds an instruction it works on (seconds) before another may take it.
    INSTRUCTION_LEASE_TTL = _env_int("INSTRUCTION_LEASE_TTL", 24 * 3600)
    # Keyed random draws of risk rules (reproducible); falls back to SECRET_KEY.
    RISK_DRAW_SECRET = os.environ.get("RISK_DRAW_SECRET") or None
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000")
    PWA_DIST = os.environ.get("PWA_DIST", str(PROJECT_ROOT / "pwa" / "dist"))
    LOG_REQUESTS = os.environ.get("LOG_REQUESTS", "1") == "1"

    API_TITLE = "Chajian 查检 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    # Served from the installed swagger-ui-bundle package, never a CDN: customs networks are closed.
    OPENAPI_SWAGGER_UI_URL = "/api/docs-assets/"
    JSON_SORT_KEYS = False
    TESTING = False
