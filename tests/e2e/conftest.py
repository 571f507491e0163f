"""Browser tests of the PWA against a real server process.

`make test` builds the PWA first; these fixtures build nothing. One server per test session:
a fresh database (SQLite in a temp dir, or a new PostgreSQL database when TEST_DATABASE_URL is
set, dropped afterwards), migrated and filled with demo data, then `python -m backend.serve`.
`killable_server` starts a second process on the same database and storage dir that a test may
SIGKILL and start again (the inspector's resumable upload test).
Pages open at http://localhost:PORT: WebAuthn refuses IP addresses.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import _create_database
from tests.core.live_server import free_port
from tests.e2e import enterprise_steps
from tests.e2e.enterprise_steps import ENROLMENT_ADMIN, admin_key_api
from tests.e2e.helpers import DEMO_PASSWORD
from tests.e2e.office import FIELD_INSPECTOR, FieldApi
from tests.interchange.receiving import Receiver

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}", pytrace=False)


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited ({process.returncode}):\n{log.read_text()[-3000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)  # polling a socket that is not listening yet: nothing to wait on
    pytest.fail(f"server not healthy after {timeout}s:\n{log.read_text()[-3000:]}", pytrace=False)


def report_measurement(record_property, line: str) -> None:
    """A line for the end of the run (Lighthouse scores, shell size), shown even when output is
    captured; a test property, so it reaches the summary from a pytest-xdist worker too."""
    print(line)
    record_property("measurement", line)


@pytest.fixture(autouse=True)
def _fresh_database():
    """The browser tests talk to their own server process, not to the in-process test database."""
    yield


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    if not (DIST / "index.html").is_file() or not (DIST / "sw.js").is_file():
        pytest.fail(
            f"{DIST} is missing or incomplete: build the PWA first with `make pwa` "
            "(or `npm --prefix pwa ci && npm --prefix pwa run build`). `make test` does this.",
            pytrace=False,
        )
    return DIST


class ServerProcess:
    """One `python -m backend.serve` process on a fixed port; it can be killed and started again."""

    def __init__(self, env: dict, port: int, log: Path):
        self.port = port
        self.base_url = f"http://localhost:{port}"
        self.env = {**env, "PUBLIC_BASE_URL": self.base_url, "WEBAUTHN_ORIGINS": self.base_url}
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backend.serve", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_until_healthy(self.base_url, self.process, self.log)
        return self.base_url

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, open requests and transactions are cut off."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# The administrator that issues enrolment codes for the tests' first keys (enterprise_steps.enrolment_code):
# one of its own, so admin-demo's first key stays the certificate desk test's.
_CREATE_ENROLMENT_ADMIN = f"""
import os
from backend import create_app
from backend.extensions import db
from backend.identity.models import User
from backend.identity.passwords import hash_password
app = create_app()
with app.app_context():
    password = hash_password(os.environ["DEMO_PASSWORD"])
    db.session.add(User(username={ENROLMENT_ADMIN!r}, password_hash=password, role="administrator",
                        display_name="密钥管理员 许签", district_code="5300"))
    db.session.commit()
"""


@pytest.fixture(scope="session")
def server_setup(pwa_dist):
    """The environment of the session's server: its database (migrated, demo data) and storage dir."""
    tmp = Path(tempfile.mkdtemp(prefix="chajian-e2e-"))
    # The Single Window's receipt endpoint (tests/interchange/receiver.py): the server pushes the receipts
    # of applications that came in through intake to it; it answers 200 unless a test tells it otherwise.
    receiver = Receiver(tmp).start()
    # Its own database, not the in-process suite's: created (and dropped) like that one.
    database_url, drop = _create_database()
    env = {
        **os.environ,
        "FLASK_APP": "backend",
        "DATABASE_URL": database_url,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "SECRET_KEY": secrets.token_hex(16),
        "REDIS_URL": "",
        "LOG_REQUESTS": "0",
        "STORAGE_DIR": str(tmp / "storage"),
        "PWA_DIST": str(pwa_dist),
        "WEBAUTHN_RP_ID": "localhost",
        # The browser tests log in many times from 127.0.0.1: the throttles are tested in tests/identity.
        "KEY_RATE_LIMIT": "100000 per minute",
        "LOGIN_ADDRESS_RATE_LIMIT": "100000 per minute",
        "SINGLE_WINDOW_RECEIPTS_URL": receiver.url,
        "INTERCHANGE_TIMEOUT_SECONDS": "5",
    }
    try:
        _run([sys.executable, "-m", "flask", "--app", "backend", "db", "upgrade"], env)
        _run([sys.executable, "-m", "flask", "--app", "backend", "demo-data"], env)
        _run([sys.executable, "-c", _CREATE_ENROLMENT_ADMIN], env)
        enterprise_steps.SERVER_ENV.clear()
        enterprise_steps.SERVER_ENV.update(env)
        yield {"env": env, "tmp": tmp, "receiver": receiver}
    finally:
        receiver.stop()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(server_setup) -> str:
    """Base URL (http://localhost:PORT) of a real Chajian server with demo data."""
    server = ServerProcess(server_setup["env"], free_port(), server_setup["tmp"] / "server.log")
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def single_window(server_setup) -> Receiver:
    """The receiver the session's server pushes Single Window receipts to (`.control()`, `.received()`)."""
    return server_setup["receiver"]


@pytest.fixture
def killable_server(server_setup, live_server):
    """A second server process on its own port, same database and storage dir as `live_server`:
    the test may SIGKILL it and start it again (`.kill()`, `.start()`)."""
    server = ServerProcess(server_setup["env"], free_port(), server_setup["tmp"] / "killable-server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright resolves relative page.goto() paths against this."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `apt-get install -y chromium fonts-wqy-zenhei` (make system-packages)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chinese first, as on a customs phone; the app sends its own Accept-Language from the UI choice.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ---- The inspector's field app: data made through the API, fresh per test -------------------

# Users some browser tests need besides the demo ones, so that those keep their state for other
# tests: an extra inspector (the demo inspector's task list stays empty for the shell tests) and a
# second clerk of ent2-demo's enterprise (a first security key may be registered only once per user
# from a password session, and the enterprise-access test registers ent2-demo's).
KEY_CLERK = "ent2-verify-e2e"
# ent-demo's second clerk and a second certificate officer, each with no key yet: the self-print
# tests register their first keys (certofficer-demo's and admin-demo's belong to the desk test).
PRINT_CLERK = "ent-print-e2e"
PRINT_OFFICER = "certofficer-print-e2e"
# A clerk of ent-demo's enterprise and a certificate officer for the counter and query tests.
COUNTER_CLERK = "ent-counter-e2e"
COUNTER_OFFICER = "certofficer-counter-e2e"
_CREATE_EXTRA_USERS = f"""
import os
from backend import create_app
from backend.extensions import db
from backend.identity.models import User
from backend.identity.passwords import hash_password
app = create_app()
with app.app_context():
    def add(username, **values):
        if db.session.execute(db.select(User).where(User.username == username)).first() is None:
            db.session.add(User(username=username, password_hash=hash_password(os.environ["DEMO_PASSWORD"]),
                                **values))
    add({FIELD_INSPECTOR!r}, role="inspector", display_name="外勤查检员 孙勤", district_code="5300")
    clerk = db.session.execute(db.select(User).where(User.username == "ent2-demo")).scalar_one()
    add({KEY_CLERK!r}, role="enterprise", display_name="单证员 何悦", district_code=clerk.district_code,
        enterprise_id=clerk.enterprise_id)
    bamboo = db.session.execute(db.select(User).where(User.username == "ent-demo")).scalar_one()
    add({PRINT_CLERK!r}, role="enterprise", display_name="单证员 林晓", district_code=bamboo.district_code,
        enterprise_id=bamboo.enterprise_id)
    add({PRINT_OFFICER!r}, role="certificate_officer", display_name="签证官 周正", district_code="5300")
    add({COUNTER_CLERK!r}, role="enterprise", display_name="单证员 韩雪", district_code=bamboo.district_code,
        enterprise_id=bamboo.enterprise_id)
    add({COUNTER_OFFICER!r}, role="certificate_officer", display_name="签证官 方正", district_code="5300")
    db.session.commit()
"""


@pytest.fixture(scope="session")
def extra_users(server_setup, live_server) -> None:
    """Creates FIELD_INSPECTOR, KEY_CLERK, PRINT_CLERK, PRINT_OFFICER, COUNTER_CLERK and COUNTER_OFFICER
    in the session server's database."""
    _run([sys.executable, "-c", _CREATE_EXTRA_USERS], server_setup["env"])


@pytest.fixture(scope="session")
def field_api(extra_users, live_server, browser) -> FieldApi:
    """Officers' API calls against the session server, with an extra inspector of district 5300
    (the demo inspector keeps its empty task list for the shell tests)."""
    return FieldApi(live_server, admin_key_token=lambda: admin_key_api(browser, live_server).token)
