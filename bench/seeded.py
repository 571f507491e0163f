"""The app a bench runs in-process, and a fresh database built with create_all and the seeded catalogues."""

from __future__ import annotations

from contextlib import contextmanager


def in_process_app(database_url: str, **settings):
    """The app on a bench's database in this process (settings override).

    It prepares and reads the bench's data, so it takes nothing from the environment's REDIS_URL: jobs
    run in-process, rate limits are counted in memory, Socket.IO has no queue (the measured servers get
    their own settings). An app made in a test process must not hand the suite's extensions, which
    every app of the process shares, a Redis queue or rate-limit store either."""
    from backend import create_app
    from backend.config import Config

    config = type(
        "BenchConfig",
        (Config,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOG_REQUESTS": False,
            "REDIS_URL": None,
            "CELERY_BROKER_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            **settings,
        },
    )
    return create_app(config)


@contextmanager
def seeded_app(database_url: str, **settings):
    """Yield the app inside its app context, its schema created and catalogues seeded (settings override)."""
    from backend.extensions import db
    from backend.seeds import seed_all_catalogs

    app = in_process_app(database_url, **settings)
    with app.app_context():
        db.create_all()
        seed_all_catalogs()
        db.session.commit()
        yield app
