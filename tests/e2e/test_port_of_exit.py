"""口岸海关 in Chromium: the customs of the port of exit read an e-record another district issued.

ent-demo (深圳海关 5300's enterprise) has two applications approved by reviewer-demo (5300): one leaving
through 皇岗 (CNHUA, held by 皇岗海关 5301), one through 盐田 (CNYTN, held by 5300). A reviewer of 5301
made for this module, who reads none of 5300's work otherwise, looks both up by number on the office
e-record page: the first opens read-only with its balance (核销), the second is not found. Nothing
shared changes: the reviewer is new, and the applications are ent-demo's new ones.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.enterprise_steps import BAMBOO, Api, e_record_issued, shoot, steel_pipes, submitted_application
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

PORT_REVIEWER = "reviewer-port-e2e"
_CREATE_PORT_REVIEWER = f"""
import os
from backend import create_app
from backend.extensions import db
from backend.identity.models import User
from backend.identity.passwords import hash_password
app = create_app()
with app.app_context():
    if db.session.execute(db.select(User).where(User.username == {PORT_REVIEWER!r})).first() is None:
        db.session.add(User(username={PORT_REVIEWER!r}, role="reviewer", display_name="口岸审单 皇岗",
                            district_code="5301", password_hash=hash_password(os.environ["DEMO_PASSWORD"])))
        db.session.commit()
"""


def test_the_port_of_exit_reads_an_e_record_declared_through_it_and_no_other(
    page: Page, live_server, server_setup, screenshot_dir
):
    subprocess.run([sys.executable, "-c", _CREATE_PORT_REVIEWER], env=server_setup["env"], check=True)
    clerk = Api(live_server, "ent-demo")
    through = e_record_issued(
        live_server, submitted_application(clerk, steel_pipes(BAMBOO) | {"departure_port": "CNHUA"})
    )
    elsewhere = e_record_issued(live_server, submitted_application(clerk, steel_pipes(BAMBOO)))

    login(page, PORT_REVIEWER)
    page.goto(f"/query/e-records/{through}")
    record = page.get_by_test_id("office-e-record")
    expect(record).to_contain_text(through)
    expect(page.get_by_test_id("e-record-balance-line")).to_have_count(1)
    expect(page.get_by_test_id("e-record-remaining").first).not_to_have_text("0")
    shoot(page, screenshot_dir, "port-of-exit-e-record", area="query")

    # The lookup form: the e-record leaving through 盐田 is not this district's to read.
    page.get_by_test_id("office-e-record-no").locator("input").fill(elsewhere)
    page.get_by_test_id("office-e-record-lookup").click()
    page.wait_for_url(f"**/query/e-records/{elsewhere}")
    expect(page.get_by_test_id("office-e-record-error")).to_contain_text("未找到")
    expect(page.get_by_test_id("office-e-record")).to_have_count(0)
    # The server agrees, and the port's customs may read but not act.
    reviewer = Api(live_server, PORT_REVIEWER)
    assert reviewer.status("GET", f"/api/v1/e-records/{elsewhere}") == 404
    assert reviewer.status("GET", f"/api/v1/e-records/{through}") == 200
    assert reviewer.status("POST", f"/api/v1/e-records/{through}/reissue") == 403
