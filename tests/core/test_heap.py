"""Server processes set what start-up loaded aside from the garbage collector (backend.core.heap): the
API's and the Socket.IO processes' gunicorn hooks, `python -m backend.serve` and the job worker."""

import gc
import runpy
from pathlib import Path

import pytest

from backend.core.heap import freeze_loaded

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process's objects go back to the collector


def test_freeze_sets_every_live_object_aside(unfrozen):
    kept = [object()]  # a container: tracked by the collector

    def tracked() -> bool:
        return any(kept is o for o in gc.get_objects())

    assert gc.get_freeze_count() == 0 and tracked()
    frozen = freeze_loaded()
    assert frozen == gc.get_freeze_count() > 1000  # the test process's modules at least
    assert not tracked()  # set aside: no collection scans it any more
    gc.unfreeze()
    assert tracked()


@pytest.mark.parametrize("config", ["gunicorn.conf.py", "gunicorn_sockets.conf.py"])
def test_each_gunicorn_configuration_freezes_once_the_worker_has_the_app(unfrozen, config):
    settings = runpy.run_path(str(ROOT / config))
    assert gc.get_freeze_count() == 0
    settings["post_worker_init"](None)
    assert gc.get_freeze_count() > 1000


@pytest.mark.parametrize("module", ["backend/serve.py", "backend/worker.py"])
def test_the_other_server_processes_freeze_after_start_up(module):
    source = (ROOT / module).read_text()
    assert source.index("freeze_loaded()") > source.index("create_app()")
