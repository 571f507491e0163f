"""The supervisor's board (业务监控, the former 查检监控 folded into it) in Chromium against the live server.

Two instructions are issued over the API (green tea to New Zealand, a 100 % risk rule, assigned to the
field inspector). supervisor-demo signs in and lands on the board; while the page stays open the
inspector accepts, starts, records and completes the first one through the REST and sync APIs, and the
board shows each new status and the counts without a reload; rows name the inspector. The detail shows
what was recorded. The second instruction: once the inspector holds its lease on a phone, its detail
shows the holder, device and expiry; it is reassigned to inspector-demo through the dialog (the lease
goes with it), then cancelled: refused without a reason or without the application's outcome, cancelled
with both (the application goes back to document review). The board names the new
inspector.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FIELD_INSPECTOR, FieldApi
from tests.e2e.enterprise_steps import shoot
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

SUPERVISOR = "supervisor-demo"
DEVICE = "e2e-supervisor-board-phone"
LEASE_DEVICE = "e2e-supervisor-lease-phone"
FIELD_NAME = "外勤查检员 孙勤"  # FIELD_INSPECTOR's display name (tests/e2e/conftest.py)
OTHER_NAME = "查检员 张检"  # inspector-demo, also of 5300 (backend/demo.py)

STATUS_ZH = {
    "assigned": "已分派",
    "accepted": "已接受",
    "in_progress": "查检中",
    "completed": "已完成",
    "cancelled": "已取消",
}


def expect_counts(page: Page, api: FieldApi) -> None:
    """The board's tiles show the server's counts (never counted in the browser over a page of rows)."""
    board = api.ok("GET", "/api/v1/monitoring/board", SUPERVISOR)
    for tile in board["tiles"]:
        expect(page.get_by_test_id(f"tile-{tile['key']}")).to_have_attribute("data-count", str(tile["total"]))


def push(api: FieldApi, operations: list[dict]) -> None:
    now = datetime.now(UTC).isoformat()
    ops = [{"op_id": str(uuid.uuid4()), "recorded_at": now, **op} for op in operations]
    answer = api.ok("POST", "/api/v1/sync/push", FIELD_INSPECTOR, {"device_id": DEVICE, "operations": ops})
    assert [r["status"] for r in answer["results"]] == ["applied"] * len(ops), answer


def test_the_board_follows_the_inspection_live_and_cancels_with_a_reason(
    page: Page, field_api: FieldApi, screenshot_dir
):
    first, second = field_api.new_instruction(), field_api.new_instruction()
    iid, items = first["id"], first["items"]
    declaration = field_api.ok("GET", f"/api/v1/declarations/{first['declaration_id']}", SUPERVISOR)
    number = declaration["inspection_no"]

    login(page, SUPERVISOR)
    expect(page).to_have_url(re.compile(r"/monitoring$"))
    expect(page.get_by_role("heading", name="业务监控")).to_be_visible()
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-live", "true")
    expect(page.get_by_test_id("review-link")).to_have_attribute("href", "/review/queue")
    row = page.locator(f"[data-testid=board-item][data-instruction='{iid}']")
    expect(row).to_have_attribute("data-status", "assigned")
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("深圳市竹韵家居用品有限公司")
    expect(row).to_contain_text(STATUS_ZH["assigned"])
    expect(row.get_by_test_id("board-inspector")).to_have_text(FIELD_NAME)
    expect_counts(page, field_api)
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page

    # The inspector accepts and starts on site: the row and the counts follow without a reload.
    accepted = field_api.ok(
        "POST",
        f"/api/v1/instructions/{iid}/accept",
        FIELD_INSPECTOR,
        {"expected_version": first["version"], "device_id": DEVICE},
    )
    expect(row).to_have_attribute("data-status", "accepted")
    started = field_api.ok(
        "POST",
        f"/api/v1/instructions/{iid}/start",
        FIELD_INSPECTOR,
        {"expected_version": accepted["version"], "device_id": DEVICE},
    )
    expect(row).to_have_attribute("data-status", "in_progress")
    expect(row).to_contain_text(STATUS_ZH["in_progress"])
    expect_counts(page, field_api)

    # Findings, a sample and the conclusion through the sync API, as the phone sends them; then done.
    notes = {item["id"]: f"第{item['seq']}项 科长看板 e2e：与申报一致" for item in items}
    sampling = next(item for item in items if item["code"] == "sampling")
    push(
        field_api,
        [
            *(
                {
                    "type": "item_result.set",
                    "target": {"instruction_id": iid, "item_id": item["id"]},
                    "base_version": 0,
                    "body": {"result": "conforms", "notes": notes[item["id"]], "measurements": {}},
                }
                for item in items
            ),
            {
                "type": "sample.add",
                "target": {"instruction_id": iid, "sample_id": str(uuid.uuid4())},
                "base_version": None,
                "body": {
                    "sample_no": "S-5300-E2E-01",
                    "quantity": "2",
                    "unit": "kg",
                    "laboratory": "深圳海关技术中心",
                    "tests": ["农药残留"],
                    "item_id": sampling["id"],
                },
            },
            {
                "type": "conclusion.set",
                "target": {"instruction_id": iid},
                "base_version": 0,
                "body": {"conclusion": "pass", "notes": "合格"},
            },
            {
                "type": "disposition.set",
                "target": {"instruction_id": iid},
                "base_version": 0,
                "body": {"kind": "release"},
            },
        ],
    )
    field_api.ok(
        "POST",
        f"/api/v1/instructions/{iid}/complete",
        FIELD_INSPECTOR,
        {"expected_version": started["version"], "device_id": DEVICE},
    )
    expect(row).to_have_attribute("data-status", "completed")
    expect_counts(page, field_api)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.get_by_test_id("board-error")).to_have_count(0)
    expect(page.get_by_test_id("board-screen")).to_have_attribute("data-loading", "false")
    shoot(page, screenshot_dir, "supervisor-board")

    # The detail: every item's result and notes, the sample, conclusion and disposition.
    row.click()
    expect(page).to_have_url(re.compile(rf"/supervisor/instructions/{iid}$"))
    record = page.get_by_test_id("inspection-record")
    for item in items:
        line = record.locator(f"[data-item='{item['id']}']")
        expect(line).to_have_attribute("data-result", "conforms")
        expect(line).to_contain_text(notes[item["id"]])
    expect(record.get_by_test_id("samples")).to_contain_text("S-5300-E2E-01")
    expect(record.get_by_test_id("conclusion")).to_have_text("合格")
    expect(record.get_by_test_id("disposition")).to_contain_text("放行")
    expect(record.get_by_test_id("photo-count")).to_have_text("0 张")
    expect(page.get_by_test_id("instruction-summary")).to_contain_text(number)
    expect(page.get_by_test_id("cancel-button")).to_have_count(0)  # completed: nothing to cancel
    expect(page.get_by_test_id("detail-error")).to_have_count(0)
    shoot(page, screenshot_dir, "supervisor-detail")

    # The second: the inspector holds it on a phone, and the detail says who, on which device, until when.
    sid = second["id"]
    lease = field_api.ok(
        "POST", f"/api/v1/instructions/{sid}/lease", FIELD_INSPECTOR, {"device_id": LEASE_DEVICE}
    )
    page.goto(f"/supervisor/instructions/{sid}")
    summary = page.get_by_test_id("instruction-summary")
    expect(summary.get_by_test_id("inspector")).to_have_text(FIELD_NAME)
    shown_lease = summary.get_by_test_id("lease")
    expect(shown_lease).to_have_attribute("data-expired", "false")
    expect(shown_lease).to_contain_text(f"{FIELD_NAME} 的设备 {LEASE_DEVICE}")
    expect(shown_lease).to_contain_text("有效至")
    assert lease["device_id"] == LEASE_DEVICE
    shoot(page, screenshot_dir, "supervisor-lease")

    # Reassigned through the dialog to another inspector of 5300, chosen with their open count.
    inspectors = field_api.ok("GET", "/api/v1/instructions/inspectors", SUPERVISOR)
    other = next(i for i in inspectors if i["display_name"] == OTHER_NAME)
    page.get_by_test_id("assign-button").click()
    assign = page.get_by_test_id("assign-dialog")
    current = assign.locator("[data-testid=inspector-choice]", has_text=FIELD_NAME)
    expect(current).to_contain_text("当前查检员")
    choice = assign.locator(f"[data-testid=inspector-choice][data-inspector='{other['id']}']")
    expect(choice).to_contain_text(f"在办 {other['open_count']} 条")
    assign.get_by_role("button", name="确认改派").click()
    expect(assign.get_by_role("alert")).to_have_text("请选择另一位查检员")
    choice.get_by_role("radio").check()
    shoot(page, screenshot_dir, "supervisor-assign")
    assign.get_by_role("button", name="确认改派").click()
    expect(summary.get_by_test_id("inspector")).to_have_text(OTHER_NAME)
    expect(shown_lease).to_have_attribute("data-expired", "none")  # the old inspector's lease went with it
    reassigned = field_api.ok("GET", f"/api/v1/instructions/{sid}", SUPERVISOR)
    assert (reassigned["inspector_id"], reassigned["lease"]) == (other["id"], None)

    # Cancelling it: refused without a reason (by the screen and by the API), done with one.
    status, refused = field_api.call("POST", f"/api/v1/instructions/{sid}/cancel", SUPERVISOR, {"reason": ""})
    assert status == 422, refused
    page.get_by_test_id("cancel-button").click()
    dialog = page.get_by_test_id("cancel-dialog")
    dialog.get_by_role("button", name="确认取消").click()
    expect(dialog.get_by_role("alert")).to_have_text("请填写取消原因（500 字以内）")
    assert (
        field_api.ok("GET", f"/api/v1/instructions/{sid}", SUPERVISOR)["status"] == "assigned"
    )  # reassigned
    dialog.get_by_label("取消原因").fill("企业申请撤回，货物改期出运")
    dialog.get_by_role("button", name="确认取消").click()  # the application's outcome is a required choice
    expect(dialog.get_by_role("alert")).to_have_text("请选择取消后申请的去向")
    dialog.get_by_label("退回单证审核（报检成功）").check()
    dialog.get_by_role("button", name="确认取消").click()
    expect(page.get_by_test_id("instruction-summary")).to_contain_text(STATUS_ZH["cancelled"])
    expect(page.get_by_test_id("cancel-button")).to_have_count(0)
    cancelled = field_api.ok("GET", f"/api/v1/instructions/{sid}", SUPERVISOR)
    assert cancelled["status"] == "cancelled"
    # The application left 查检通知: back in document review, with the receipt to the enterprise.
    application = field_api.ok("GET", f"/api/v1/declarations/{cancelled['declaration_id']}", "ent-demo")
    assert application["status"] == "accepted"

    page.get_by_role("link", name="返回看板").click()
    second_row = page.locator(f"[data-testid=board-item][data-instruction='{sid}']")
    expect(second_row).to_have_attribute("data-status", "cancelled")
    expect(second_row.get_by_test_id("board-inspector")).to_have_text(OTHER_NAME)
    expect_counts(page, field_api)
