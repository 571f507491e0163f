"""Media fixtures: a fresh storage folder per test (so "nothing left behind" can be checked), an inspector."""

from __future__ import annotations

import pytest

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
