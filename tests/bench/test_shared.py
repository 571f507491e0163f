"""bench.shared: what several benches of one run read is made once and given back at the end."""

from pathlib import Path

import sqlalchemy as sa

from bench import shared


def test_the_generated_applications_are_made_once_per_run_and_dropped_by_release():
    try:
        url = shared.applications("SQLite", 200)
        assert shared.applications("SQLite", 200) == url  # the second bench reads the same database
        made = []
        assert shared.once(url, "extras", lambda: made.append(1))
        assert not shared.once(url, "extras", lambda: made.append(2))
        assert made == [1]
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM declaration").scalar_one() == 200
        engine.dispose()
        path = Path(sa.make_url(url).database)
        assert path.exists()
    finally:
        shared.release()
    assert not path.exists()  # its folder removed
    assert shared.applications("SQLite", 200) != url  # a new run makes its own
    shared.release()
