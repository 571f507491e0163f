"""`celery -A tests.media.crash_worker worker`: the real worker (backend.worker), with one test hook.

Until the file `$CRASH_GATE/release` exists, a job that has written a photo's copies stops before
its commit, announcing itself with `$CRASH_GATE/held-<photo_id>`: the moment a crash hurts most.
"""

import os
import time
from pathlib import Path

from backend.media import derivatives
from backend.worker import celery  # noqa: F401  (what `celery -A` looks for)

_GATE = Path(os.environ["CRASH_GATE"])


def _hold(photo_id: int) -> None:
    if (_GATE / "release").exists():
        return
    (_GATE / f"held-{photo_id}").touch()
    while not (_GATE / "release").exists():  # until the test kills this process
        time.sleep(0.05)


derivatives.files_written = _hold
