"""Media fixtures: a fresh storage folder per test (so "nothing left behind" can be checked), an inspector."""

from __future__ import annotations

import pytest

from backend.core import jobs
from backend.media.spool import spool_dir
from backend.media.storage import get_storage


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    """Point the app's storage at an empty folder for this test; yields the storage object."""
    previous = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    app.extensions.pop("chajian_storage", None)
    app.extensions.pop("chajian_spool", None)
    try:
        yield get_storage()
    finally:
        app.config["STORAGE_DIR"] = previous
        app.extensions.pop("chajian_storage", None)
        app.extensions.pop("chajian_spool", None)


@pytest.fixture
def nothing_stored(storage):
    """Call to assert that no photo file and no partial upload is left anywhere in storage."""

    def check():
        assert storage.keys() == []
        assert [p.name for p in spool_dir().iterdir()] == []

    return check


@pytest.fixture
def inspector(factories):
    return factories.user("inspector", district_code="5300")


@pytest.fixture
def headers(factories, inspector):
    return factories.headers(inspector)


@pytest.fixture
def broker_mode(app):
    """Call with a broker URL (and key prefix): the app enqueues there until the test ends."""
    embedded = app.extensions["celery"]
    keys = ("CELERY_BROKER_URL", "CELERY_KEY_PREFIX", "CELERY_VISIBILITY_TIMEOUT")
    saved = {key: app.config.get(key) for key in keys}
    made = []

    def use(url: str, *, prefix: str = "", visibility_timeout: int = 3600):
        app.config.update(
            CELERY_BROKER_URL=url, CELERY_KEY_PREFIX=prefix, CELERY_VISIBILITY_TIMEOUT=visibility_timeout
        )
        made.append(jobs.celery_init_app(app, task_modules=["backend.media.tasks"]))
        return made[-1]

    yield use
    for celery_app in made:
        celery_app.close()
    app.config.update(saved)
    app.extensions["celery"] = embedded
    embedded.set_default()
