"""The app a bench runs in-process: a fresh database built with create_all and the seeded catalogues."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def seeded_app(database_url: str, **settings):
    """Yield the app inside its app context, its schema created and catalogues seeded (settings override)."""
    from backend import create_app
    from backend.config import Config
    from backend.extensions import db
    from backend.seeds import seed_all_catalogs

    config = type(
        "BenchConfig",
        (Config,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOG_REQUESTS": False,
            "REDIS_URL": None,
            **settings,
        },
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
        seed_all_catalogs()
        db.session.commit()
        yield app
