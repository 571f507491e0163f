"""业务监控 in Chromium against the live server: a 直属海关's supervisor watches its 隶属海关 live.

Work is put in 5301 皇岗 and 5320 文锦渡 (an application awaiting review and an instruction assigned to
each district's inspector). supervisor-demo (5300 深圳海关) lands on the board: the tiles show the
server's counts, the roll-up table gives 5301's and 5320's figures and 5300's subtotal of all three, the
field lists both districts' inspectors with what they hold. While the page stays open, 5301's inspector
accepts the instruction through the API (as its phone would): the "assigned" and "in progress" tiles and
the field list change without a reload. The district filter narrows to 5320; a tile opens its list,
which downloads as CSV.
Screenshots on a phone and on a desktop.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e import enterprise_steps
from tests.e2e.conftest import FieldApi
from tests.e2e.enterprise_steps import shoot
from tests.e2e.helpers import login
from tests.e2e.test_inspector_field import field_context, wait_until_outbox_empty

pytestmark = pytest.mark.e2e

SUPERVISOR = "supervisor-demo"

# Work in the two subordinate districts, made in the server's database (5301 and 5320 have no demo
# reviewers or risk rules to go through); the inspectors log in with the demo password.
_MAKE_WORK = """
import json, os
from backend import create_app
from backend.core.enums import Role
from backend.extensions import db
from backend.identity.models import User
from backend.identity.passwords import hash_password
from backend.instructions.service import create_instruction_for_declaration
from backend.instructions.workflow import Event, apply
from tests.helpers import actor_of, make_declaration, make_enterprise

app = create_app()
with app.app_context():
    made = {}
    for district in ("5301", "5320"):
        name = f"insp{district}-monitoring-e2e"
        inspector = db.session.execute(db.select(User).where(User.username == name)).scalar_one_or_none()
        if inspector is None:
            inspector = User(username=name, role="inspector", display_name=f"{district} 查检员",
                             district_code=district, password_hash=hash_password(os.environ["DEMO_PASSWORD"]))
            db.session.add(inspector)
            supervisor = User(username=f"sup{district}-monitoring-e2e", role="supervisor",
                              display_name=f"{district} 科长", district_code=district, password_hash="!")
            db.session.add(supervisor)
            db.session.commit()
        supervisor = db.session.execute(
            db.select(User).where(User.username == f"sup{district}-monitoring-e2e")).scalar_one()
        enterprise = make_enterprise(district_code=district)
        make_declaration(enterprise, status="accepted", district_code=district)
        noticed = make_declaration(enterprise, status="inspection_notice", district_code=district)
        instruction = create_instruction_for_declaration(
            declaration=noticed, item_codes=["verify_goods"], source="manual", reason=None,
            actor=actor_of(supervisor))
        apply(instruction, Event.ASSIGN, actor=actor_of(supervisor), inspector_id=inspector.id)
        db.session.commit()
        made[district] = {"inspector": name, "inspector_id": inspector.id, "instruction": instruction.id,
                          "version": instruction.version}
    print(json.dumps(made))
"""


def make_work() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _MAKE_WORK], env=enterprise_steps.SERVER_ENV, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def tile(page: Page, key: str):
    return page.get_by_test_id(f"tile-{key}")


def start_on_the_phone(browser, live_server: str, inspector: str, iid: int) -> None:
    """The inspector app in a browser context of its own: sign in, open the task, 开始查检, sent."""
    context = field_context(browser, live_server)
    phone = context.new_page()
    try:
        login(phone, inspector)
        phone.locator(f"[data-instruction='{iid}']").click()
        phone.get_by_role("button", name="开始查检").click()
        wait_until_outbox_empty(phone)
    finally:
        context.close()


def test_a_parent_district_watches_its_subordinates_live(
    page: Page, browser, live_server, field_api: FieldApi, screenshot_dir
):
    work = make_work()
    iid = work["5301"]["instruction"]
    board = field_api.ok("GET", "/api/v1/monitoring/board", SUPERVISOR)
    tiles = {t["key"]: t for t in board["tiles"]}
    assigned, in_progress = tiles["instructions_assigned"], tiles["instructions_in_progress"]
    assert assigned["by_district"]["5301"] >= 1 and assigned["by_district"]["5320"] >= 1

    login(page, SUPERVISOR)
    expect(page).to_have_url(re.compile(r"/monitoring$"))
    expect(page.get_by_role("heading", name="业务监控")).to_be_visible()
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-live", "true")
    for t in board["tiles"]:
        expect(tile(page, t["key"])).to_have_attribute("data-count", str(t["total"]))
    rollup = page.get_by_test_id("rollup")
    for district in ("5301", "5320", "5300"):
        cell = rollup.locator(f"tr[data-district='{district}'] td[data-tile='instructions_assigned']")
        expect(cell).to_have_text(str(assigned["rollup"][district]))
    assert assigned["rollup"]["5300"] == sum(
        assigned["by_district"].get(d, 0) for d in ("5300", "5301", "5302", "5320")
    )
    field_row = page.locator(
        f"[data-testid=field-inspector][data-inspector='{work['5301']['inspector_id']}']"
    )
    expect(field_row).to_have_attribute("data-held", re.compile(rf"\b{iid}:assigned\b"))
    expect(
        page.locator(f"[data-testid=field-inspector][data-inspector='{work['5320']['inspector_id']}']")
    ).to_be_visible()
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page

    # 5301's inspector starts it on the phone (another browser context): the parent's board follows
    # without a reload.
    start_on_the_phone(browser, live_server, work["5301"]["inspector"], iid)
    expect(tile(page, "instructions_assigned")).to_have_attribute("data-count", str(assigned["total"] - 1))
    expect(tile(page, "instructions_in_progress")).to_have_attribute(
        "data-count", str(in_progress["total"] + 1)
    )
    expect(field_row).to_have_attribute("data-held", re.compile(rf"\b{iid}:in_progress\b"))
    lease = field_api.ok("GET", f"/api/v1/instructions/{iid}", SUPERVISOR)["lease"]  # the phone's
    expect(field_row.get_by_test_id("field-instruction").filter(has_text=f"#{iid}")).to_contain_text(
        lease["device_id"]
    )
    assert page.evaluate("window.__sameDocument") is True
    expect(page.get_by_test_id("monitoring-error")).to_have_count(0)
    shoot(page, screenshot_dir, "board", area="monitoring")  # phone and desktop

    # The district filter narrows the counts to 5320; a tile opens the rows it counted.
    narrowed = field_api.ok("GET", "/api/v1/monitoring/board?district=5320", SUPERVISOR)
    page.get_by_test_id("district-filter").select_option("5320")
    expect(page).to_have_url(re.compile(r"/monitoring\?district=5320$"))
    for t in narrowed["tiles"]:
        expect(tile(page, t["key"])).to_have_attribute("data-count", str(t["total"]))
    page.get_by_test_id("district-filter").select_option("")
    tile(page, "instructions_in_progress").click()
    expect(page).to_have_url(re.compile(r"/monitoring/tiles/instructions_in_progress$"))
    expect(page.locator(f"[data-testid=tile-item][data-id='{iid}']")).to_be_visible()
    shoot(page, screenshot_dir, "tile", area="monitoring")
    with page.expect_download() as download:
        page.get_by_test_id("tile-export").click()
    exported = open(download.value.path(), encoding="utf-8-sig").read()
    assert f"\n{iid}," in exported and "指令执行中" in exported
    with page.expect_download() as download:
        page.get_by_test_id("tile-export-xlsx").click()
    assert download.value.suggested_filename == "monitoring-instructions_in_progress.xlsx"
    with open(download.value.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "指令执行中 Instructions in progress" in rows[0]
    assert [iid, "5301"] in [row[:2] for row in rows]
