"""Nothing gets stuck: every disposition kind recorded offline reaches the server complete, and an
operation the server refuses is corrected on the phone and sent again, the queue behind it draining.

Real Chromium at phone size against the real server (tests/e2e/conftest.py); the server's state is
checked through the API afterwards.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FIELD_INSPECTOR
from tests.e2e.helpers import login, wait_for_service_worker_control
from tests.e2e.test_inspector_field import field_context, record_items, sign, snap, wait_until_outbox_empty

pytestmark = pytest.mark.e2e

# kind: (label on the phone, conclusion, fields typed into the form)
KINDS = {
    "release": ("放行", "合格", {}),
    "treatment": (
        "除害处理后重新查检",
        "不合格",
        {
            "处理方法": "熏蒸",
            "药剂": "溴甲烷",
            "剂量": "48 g/m3",
            "处理时长（小时）": "24",
            "处理单位": "深圳某熏蒸公司",
        },
    ),
    "return": ("退货", "不合格", {"原因": "标签与申报不符", "监管人": "王五"}),
    "destroy": ("销毁", "不合格", {"原因": "霉变", "监管人": "王五"}),
    "no_export": ("不准出口", "不合格", {"原因": "检出禁用农药"}),
}
EXPECTED_FIELDS = {
    "release": {},
    "treatment": {
        "method": "熏蒸",
        "chemical": "溴甲烷",
        "dosage": "48 g/m3",
        "duration_hours": 24,
        "provider": "深圳某熏蒸公司",
    },
    "return": {"reason": "标签与申报不符", "supervised_by": "王五"},
    "destroy": {"reason": "霉变", "supervised_by": "王五"},
    "no_export": {"reason": "检出禁用农药"},
}


def open_task(page: Page, iid: int) -> None:
    page.get_by_role("tab", name="首页").click()
    page.locator(f"[data-instruction='{iid}']").click()
    expect(page.get_by_test_id("instruction-card")).to_be_visible()


def record_disposition(page: Page, items: list[dict], kind: str) -> None:
    label, conclusion, typed = KINDS[kind]
    page.get_by_role("button", name="开始查检").click()
    # Offline, the task already shows the status it will have once sent.
    expect(page.get_by_test_id("task-status")).to_contain_text("查检中")
    record_items(page, items)
    page.get_by_role("radio", name=conclusion, exact=True).click()
    page.get_by_role("radio", name=label, exact=True).click()
    disposition = page.get_by_test_id("disposition")
    for field_label, value in typed.items():
        disposition.get_by_label(field_label).fill(value)
    sign(page)
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_role("button", name="提交结果").click()
    expect(page.get_by_test_id("submitted-note")).to_be_visible()


def test_every_disposition_kind_recorded_offline_arrives_complete(
    browser, field_api, live_server, screenshot_dir
):
    made = {kind: field_api.new_instruction() for kind in KINDS}
    context = field_context(browser, live_server)
    page = context.new_page()
    try:
        login(page, FIELD_INSPECTOR)
        wait_for_service_worker_control(page)
        for instruction in made.values():
            expect(page.locator(f"[data-instruction='{instruction['id']}']")).to_be_visible()
        context.set_offline(True)
        for kind, instruction in made.items():
            open_task(page, instruction["id"])
            record_disposition(page, instruction["items"], kind)
            if kind == "treatment":
                snap(page, screenshot_dir, "inspector-treatment-offline")
        page.get_by_role("tab", name="首页").click()
        for instruction in made.values():  # the list too: started offline, shown as it will be
            expect(page.locator(f"[data-instruction='{instruction['id']}']")).to_contain_text("已完成")
        context.set_offline(False)
        wait_until_outbox_empty(page, timeout=90_000)
        expect(page.locator("[data-testid=conflict-banner]")).to_have_count(0)
    finally:
        context.close()

    for kind, instruction in made.items():
        record = field_api.ok("GET", f"/api/v1/inspections/{instruction['id']}", "supervisor-demo")
        assert record["instruction_status"] == "completed", (kind, record)
        fields = {key: value for key, value in record["disposition"].items() if key != "kind"}
        fields.pop("notes", None)
        assert record["disposition"]["kind"] == kind and fields == EXPECTED_FIELDS[kind], record
        assert record["signature_sha256"]
        assert record["conclusion"] == ("pass" if kind == "release" else "fail")


# An older app version queued the hours as text: put such a body into the device's queue.
BREAK_QUEUED_HOURS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('chajian')
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  const store = db.transaction('outbox', 'readwrite').objectStore('outbox')
  const entries = await new Promise((resolve) => {
    const all = store.getAll()
    all.onsuccess = () => resolve(all.result)
  })
  const entry = entries.find((e) => e.body && e.body.type === 'disposition.set')
  entry.body.body.duration_hours = String(entry.body.body.duration_hours)
  await new Promise((resolve) => { const put = store.put(entry); put.onsuccess = resolve })
  return entry.body.body.duration_hours
}"""


def test_a_refused_operation_is_corrected_on_the_phone_and_the_queue_drains(
    browser, field_api, live_server, screenshot_dir
):
    instruction = field_api.new_instruction()
    iid = instruction["id"]
    context = field_context(browser, live_server)
    page = context.new_page()
    try:
        login(page, FIELD_INSPECTOR)
        wait_for_service_worker_control(page)
        context.set_offline(True)
        open_task(page, iid)
        record_disposition(page, instruction["items"], "treatment")
        assert page.evaluate(BREAK_QUEUED_HOURS) == "24"
        context.set_offline(False)

        # The server refuses the disposition; the signature and the completion wait behind it.
        refusal = page.get_by_test_id("refused")
        expect(refusal).to_be_visible(timeout=30_000)
        expect(refusal.locator("[data-field='body.duration_hours']")).to_contain_text("须为数字")
        page.get_by_role("tab", name="待发送").click()
        page.goto("/inspector/conflicts")
        conflict = page.get_by_test_id("conflict")
        expect(conflict).to_have_count(1)
        row = conflict.locator("tr[data-field='body.duration_hours']")
        expect(row.locator("th")).to_have_text("处理时长")
        expect(row.locator("[data-side=mine]")).to_have_text("24")
        expect(row.locator("[data-side=server]")).to_have_text("须为数字")
        snap(page, screenshot_dir, "inspector-refused")
        waiting = field_api.ok("GET", f"/api/v1/inspections/{iid}", "supervisor-demo")
        assert waiting["instruction_status"] == "in_progress" and waiting["disposition"] is None
        assert waiting["signature_sha256"] is None

        # Reopen the disposition although the task is submitted, correct the hours, send again.
        conflict.get_by_role("button", name="打开任务修改").click()
        expect(page.get_by_test_id("repair-bar")).to_be_visible()
        hours = page.get_by_test_id("disposition").get_by_label("处理时长（小时）")
        expect(hours).to_be_editable()
        notes = page.get_by_test_id("item-1").get_by_label("备注")
        expect(notes).not_to_be_editable()  # the rest of the submitted task stays locked
        hours.fill("0")
        page.get_by_role("button", name="重新发送").click()
        expect(page.get_by_test_id("disposition")).to_contain_text("须大于 0")  # the phone's own rules first
        hours.fill("36")
        snap(page, screenshot_dir, "inspector-repair")
        page.get_by_role("button", name="重新发送").click()
        expect(page.get_by_test_id("repair-bar")).to_have_count(0)
        wait_until_outbox_empty(page, timeout=30_000)
        expect(page.get_by_test_id("refused")).to_have_count(0)
    finally:
        context.close()

    record = field_api.ok("GET", f"/api/v1/inspections/{iid}", "supervisor-demo")
    assert record["instruction_status"] == "completed"
    assert record["disposition"]["kind"] == "treatment" and record["disposition"]["duration_hours"] == 36
    assert record["signature_sha256"]
