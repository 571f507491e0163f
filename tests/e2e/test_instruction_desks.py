"""The officers' 指令管理 and 预约查检 desks in Chromium against the live server.

An instruction issued by hand: ent-demo's application is accepted (报检成功); reviewer-demo opens the
指令管理 desk from the review queue, finds it among the applications waiting for an instruction, keeps
the items its goods call for, picks the field inspector by workload and issues it; the page shows the
deadline the server gave. The server holds it assigned, the application in 查检通知. The field
inspector's phone lists it and opens it. Once the inspection has started, the officer downloads the
evidence bundle from the instruction's page and its manifest names the instruction.

A confirmed booking: the enterprise books an inspection for an application with an instruction; the
officer answers on the 预约查检 desk (confirm, with the inspector who goes); the enterprise's open
appointments screen shows 已确认 without a reload; the server ties the booking to the instruction and
the inspector's pull carries its date, place and contact, which the inspector's task page shows.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import FIELD_INSPECTOR, FieldApi
from tests.e2e.enterprise_steps import BAMBOO, DESKTOP, PHONE, Api, shoot, steel_pipes, submitted_application
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

REVIEWER = "reviewer-demo"
SUPERVISOR = "supervisor-demo"
FIELD_NAME = "外勤查检员 孙勤"  # FIELD_INSPECTOR's display name (tests/e2e/conftest.py)
BASE_ITEMS = ["verify_goods", "packaging", "labels", "quantity_weight"]  # steel pipes: general goods


def phone_page(browser: Browser, live_server: str, user: str) -> Page:
    page = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE).new_page()
    login(page, user)
    return page


def test_an_instruction_issued_by_hand_reaches_the_inspectors_phone(
    page: Page, browser: Browser, live_server, field_api: FieldApi, screenshot_dir
):
    enterprise = Api(live_server, "ent-demo")
    accepted = submitted_application(
        enterprise, steel_pipes(BAMBOO, consignee="Hand Issued Instruction Ltd.")
    )
    number = accepted["inspection_no"]
    assert accepted["status"] == "accepted"
    inspector = field_api.ok("GET", "/api/v1/auth/me", FIELD_INSPECTOR)
    workload = {
        row["id"]: row["open_count"]
        for row in field_api.ok("GET", "/api/v1/instructions/inspectors", REVIEWER)
    }

    # The reviewer reaches the desk from the review queue; on a desk the form stands beside the list.
    page.set_viewport_size(DESKTOP)
    login(page, REVIEWER)
    page.get_by_test_id("instructions-link").click()
    expect(page).to_have_url(re.compile(r"/instructions$"))
    row = page.get_by_test_id("candidate").filter(has_text=number)
    expect(row).to_have_count(1)
    row.get_by_test_id("choose").click()
    form = page.get_by_test_id("issue-form")
    expect(form).to_contain_text(number)
    ticked = form.locator("[data-testid=item-choice]:has(input:checked)")
    expect(ticked).to_have_count(len(BASE_ITEMS))
    assert [ticked.nth(i).get_attribute("data-code") for i in range(len(BASE_ITEMS))] == BASE_ITEMS
    choice = form.locator(f"[data-testid=inspector-choice][data-inspector='{inspector['id']}']")
    expect(choice).to_contain_text(FIELD_NAME)
    expect(choice).to_contain_text(f"在办 {workload[inspector['id']]} 件")
    list_box, form_box = page.get_by_test_id("candidates").bounding_box(), form.bounding_box()
    assert form_box["x"] > list_box["x"] + list_box["width"] - 1  # side by side on a wide screen
    form.locator("[data-code=sampling] input").check()  # the officer adds an item
    choice.locator("input").check()
    form.get_by_label("下达说明").fill("企业举报线索，人工下达")
    shoot(page, screenshot_dir, "issue-form", area="instructions")
    page.set_viewport_size(DESKTOP)
    form.get_by_test_id("issue-send").click()

    issued = page.get_by_test_id("issued")
    expect(issued).to_contain_text("已下达指令")
    instruction_id = int(issued.get_attribute("data-instruction"))
    held = field_api.ok("GET", f"/api/v1/instructions/{instruction_id}", REVIEWER)
    assert (held["status"], held["source"], held["inspector_id"], held["inspection_no"]) == (
        "assigned",
        "manual",
        inspector["id"],
        number,
    )
    assert [item["code"] for item in held["items"]] == [*BASE_ITEMS, "sampling"]
    assert held["reason"] == {"note": "企业举报线索，人工下达"}
    # The server gave the deadline from the time limits (backend/deadlines); the page shows that one.
    due = datetime.fromisoformat(held["deadline"]).astimezone(UTC)
    expect(issued).to_contain_text(f"完成期限：{due.year}年{due.month}月{due.day}日")
    application = enterprise.call("GET", f"/api/v1/declarations/{accepted['id']}")
    assert application["status"] == "inspection_notice"
    expect(page.get_by_test_id("candidate").filter(has_text=number)).to_have_count(0)
    listed = page.locator(f"[data-testid=instruction-row][data-instruction='{instruction_id}']")
    expect(listed).to_contain_text(FIELD_NAME)
    shoot(page, screenshot_dir, "instructions", area="instructions")

    # The inspector's phone lists it and opens it.
    phone = phone_page(browser, live_server, FIELD_INSPECTOR)
    task = phone.locator(f".task-row[data-instruction='{instruction_id}']")
    expect(task).to_contain_text(number)
    task.click()
    card = phone.get_by_test_id("instruction-card")
    expect(card).to_contain_text(number)
    shoot(phone, screenshot_dir, "task-issued-by-hand", area="instructions")
    phone.context.close()

    # Once started on site, the officer downloads the evidence bundle from the instruction's page.
    field_api.ok("POST", f"/api/v1/instructions/{instruction_id}/accept", FIELD_INSPECTOR, {})
    field_api.ok("POST", f"/api/v1/instructions/{instruction_id}/start", FIELD_INSPECTOR, {})
    listed.get_by_role("link", name=str(instruction_id)).click()
    expect(page.get_by_test_id("instruction-summary")).to_contain_text(number)
    expect(page.get_by_test_id("assign-button")).to_have_count(0)  # reassigning is the supervisor's
    with page.expect_download() as download:
        page.get_by_test_id("bundle-button").click()
    saved = download.value
    assert saved.suggested_filename == f"evidence-{instruction_id}.zip"
    with zipfile.ZipFile(io.BytesIO(open(saved.path(), "rb").read())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert (manifest["instruction_id"], manifest["declaration_id"]) == (instruction_id, accepted["id"])
    assert field_api.ok("GET", f"/api/v1/instructions/{instruction_id}", REVIEWER)["status"] == "in_progress"


def test_a_confirmed_booking_reaches_the_inspectors_pull_and_the_enterprises_screen_live(
    page: Page, browser: Browser, live_server, field_api: FieldApi, screenshot_dir
):
    instruction = field_api.new_instruction()
    number = instruction["inspection_no"]
    inspector = field_api.ok("GET", "/api/v1/auth/me", FIELD_INSPECTOR)
    day = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    enterprise = Api(live_server, "ent-demo")
    booked = enterprise.call(
        "POST",
        "/api/v1/appointments",
        {
            "declaration_id": instruction["declaration_id"],
            "date": day,
            "slot": "afternoon",
            "site_address": "深圳市龙岗区坂田街道雪岗路 88 号 3 号仓",
            "contact_name": "陈强",
            "contact_phone": "0755-26881234",
        },
    )
    assert booked["status"] == "requested"

    # The enterprise watches its appointments on its phone.
    watcher = phone_page(browser, live_server, "ent-demo")
    watcher.goto("/enterprise/appointments")
    mine = watcher.locator(f"[data-testid=appointment-row][data-appointment-id='{booked['id']}']")
    expect(mine.locator("[data-status=requested]")).to_have_text("待海关确认")
    watcher.evaluate("window.__notReloaded = true")

    # The officer answers on the 预约查检 desk.
    page.set_viewport_size(DESKTOP)
    login(page, SUPERVISOR)
    page.goto("/instructions?tab=bookings")
    row = page.locator(f"[data-testid=booking][data-booking='{booked['id']}']")
    expect(row).to_contain_text(number)
    row.get_by_test_id("choose-booking").click()
    detail = page.get_by_test_id("booking-detail")
    expect(detail).to_contain_text("陈强 0755-26881234")
    detail.get_by_test_id("booking-send").click()  # nobody chosen yet
    expect(detail.get_by_test_id("booking-error")).to_have_text("请选择查检员")
    detail.locator(f"[data-testid=booking-inspector][data-inspector='{inspector['id']}'] input").check()
    shoot(page, screenshot_dir, "booking-answer", area="instructions")
    page.set_viewport_size(DESKTOP)
    detail.get_by_test_id("booking-send").click()
    expect(detail).to_have_attribute("data-status", "confirmed")
    expect(detail.get_by_test_id("booking-instruction")).to_have_text(str(instruction["id"]))

    # The enterprise's screen shows the answer live, without a reload.
    expect(mine.locator("[data-status=confirmed]")).to_have_text("已确认")
    expect(mine).to_contain_text(day)
    assert watcher.evaluate("window.__notReloaded") is True
    shoot(watcher, screenshot_dir, "booking-confirmed", area="instructions")
    watcher.context.close()

    # The server ties the booking to the instruction; the inspector's pull carries it.
    held = enterprise.call("GET", f"/api/v1/appointments/{booked['id']}")
    assert (held["status"], held["instruction_id"], held["inspector_id"], held["confirmed_date"]) == (
        "confirmed",
        instruction["id"],
        inspector["id"],
        day,
    )
    pulled = field_api.ok("GET", "/api/v1/sync/pull?device_id=e2e-booking-phone&limit=200", FIELD_INSPECTOR)
    documents = {c["instruction_id"]: c["instruction"] for c in pulled["changes"] if not c["removed"]}
    assert documents[instruction["id"]]["appointment"] == {
        "id": booked["id"],
        "date": day,
        "slot": "afternoon",
        "slot_zh": "下午",
        "slot_en": "Afternoon",
        "start": "14:00",
        "end": "17:30",
        "site_address": "深圳市龙岗区坂田街道雪岗路 88 号 3 号仓",
        "contact_name": "陈强",
        "contact_phone": "0755-26881234",
        "note": None,
    }

    # …and the inspector's task page shows when, where and whom to call.
    phone = phone_page(browser, live_server, FIELD_INSPECTOR)
    phone.locator(f".task-row[data-instruction='{instruction['id']}']").click()
    booking = phone.get_by_test_id("task-appointment")
    expect(booking).to_have_attribute("data-date", day)
    expect(booking).to_contain_text(f"{day} 下午（14:00–17:30）")
    expect(phone.get_by_test_id("task-appointment-contact")).to_contain_text("陈强")
    shoot(phone, screenshot_dir, "task-booking", area="instructions")
    phone.context.close()
