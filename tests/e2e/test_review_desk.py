"""The reviewer's desk (单证审核) in Chromium against the live server.

ent-demo submits three applications of green tea over the API (a submitted application is accepted at
once and lands in the district's manual review queue); an administrator's risk rule on HS 0902 makes
every one of them hit a rule. The reviewer then works the queue in the browser: returns the first with
a field-level reason (the enterprise reads it on its receipt via the API), approves the second (desktop
size) and rejects the third; the server's state is asserted after each decision.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, Playwright, expect

from tests.e2e.enterprise_steps import BAMBOO, admin_key_api, food_application
from tests.e2e.helpers import DEMO_PASSWORD, login

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class Api:
    """A demo user's bearer token over Playwright's HTTP client."""

    def __init__(self, request: APIRequestContext, username: str):
        self.request = request
        response = request.post("/api/v1/auth/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.ok, response.text()
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    def call(self, method: str, path: str, body=None, expect_status: int = 200):
        response = self.request.fetch(path, method=method, data=body, headers=self.headers)
        assert response.status == expect_status, f"{method} {path}: {response.status} {response.text()}"
        return response.json() if response.body() else None


def tea_application(contract_no: str) -> dict:
    """A complete application of ent-demo (深圳市竹韵家居用品有限公司) for green tea to Japan."""
    return food_application(
        BAMBOO,
        "tea",
        qualification="FOOD_PRODUCER",
        registration_no="4403FP00123",
        cert_code="15",
        contract_no=contract_no,
        consignee_name_en="Tokyo Tea House K.K.",
    )


def submit_tea(enterprise: Api, contract_no: str) -> dict:
    """Save and submit an application: accepted at once, with an inspection number."""
    draft = enterprise.call("POST", "/api/v1/declarations", tea_application(contract_no), 201)
    path = f"/api/v1/declarations/{draft['id']}/submit"
    return enterprise.call("POST", path, {"version": draft["version"]})


@pytest.fixture(scope="module")
def scene(playwright: Playwright, browser, live_server):
    """Three accepted tea applications of ent-demo and a risk rule they all hit (made by an
    administrator's key session: risk rules are an administrative change)."""
    request = playwright.request.new_context(base_url=live_server)
    enterprise, reviewer = (Api(request, name) for name in ("ent-demo", "reviewer-demo"))
    run = secrets.token_hex(3).upper()
    rule = admin_key_api(browser, live_server).call(
        "POST",
        "/api/v1/review/risk-rules",
        {
            "name_zh": f"茶叶抽检 {run}",
            "hs_prefixes": ["0902"],
            "inspection_items": ["sampling", "labels"],
            "sampling_rate": 0,  # matches, never selects: approval issues the e-record
            "priority": 2,
        },
    )
    applications = []
    for n in range(3):
        submitted = submit_tea(enterprise, f"CT-{run}-{n}")
        assert submitted["status"] == "accepted" and submitted["inspection_no"], submitted
        applications.append(submitted)
    yield {"enterprise": enterprise, "reviewer": reviewer, "rule": rule, "applications": applications}
    request.dispose()


def open_from_queue(page: Page, inspection_no: str) -> None:
    page.goto("/review/queue")
    item = page.locator(f"[data-testid=queue-item][data-inspection-no='{inspection_no}']")
    expect(item).to_be_visible()
    expect(item).to_contain_text("深圳市竹韵家居用品有限公司")
    expect(item).to_contain_text(re.compile(r"已等待 \d+ 分钟"))
    item.click()
    expect(page.get_by_test_id("review-detail")).to_be_visible()
    expect(page.get_by_role("heading", name=f"审核 {inspection_no}")).to_be_visible()


@pytest.fixture(scope="module")
def phone(browser: Browser, live_server):
    """One signed-in reviewer on a phone for the whole module (a login costs a password hash)."""
    page = new_page(browser, live_server, PHONE)
    yield page
    page.context.close()


def new_page(browser: Browser, base_url: str, viewport: dict) -> Page:
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    login(page, "reviewer-demo")
    return page


def test_reviewer_returns_approves_and_rejects(browser: Browser, base_url, scene, phone, screenshot_dir):
    returned, approved, rejected = scene["applications"]
    enterprise = scene["enterprise"]

    # --- return, on a phone --------------------------------------------------------------------
    page = phone
    open_from_queue(page, returned["inspection_no"])
    hit = page.get_by_test_id("rule-hit").filter(has_text=scene["rule"]["name_zh"])
    expect(hit).to_contain_text("HS 编码 0902（第 1 项 0902109000）")
    expect(hit).to_contain_text("未抽中")
    expect(hit).to_contain_text("查检要求：取样送检、检查标签、唛头")
    expect(page.get_by_test_id("goods-line")).to_contain_text("绿茶")
    page.screenshot(path=screenshot_dir / "phone-review-detail.png", full_page=True)

    page.get_by_role("button", name="退回修改").click()
    dialog = page.get_by_test_id("return-dialog")
    expect(dialog.get_by_role("heading", name="退回修改")).to_be_visible()
    dialog.get_by_label("退回字段 1").select_option(label="货物第 1 项 · HS 编码")
    dialog.get_by_label("退回原因 1").fill("商品编码与品名不符，绿茶应归入 0902.10")
    dialog.get_by_role("button", name="添加字段").click()
    dialog.get_by_label("退回字段 2").select_option(label="合同号")
    dialog.get_by_label("退回原因 2").fill("合同号与随附合同不一致")
    page.screenshot(path=screenshot_dir / "phone-review-return-dialog.png")
    dialog.get_by_role("button", name="确认退回").click()
    expect(page).to_have_url(re.compile(r"/review/queue$"))
    expect(page.locator(f"[data-inspection-no='{returned['inspection_no']}']")).to_have_count(0)
    expect(page.get_by_test_id("queue-item").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "phone-review-queue.png", full_page=True)

    state = enterprise.call("GET", f"/api/v1/declarations/{returned['id']}")
    assert state["status"] == "returned"
    receipt = enterprise.call("GET", f"/api/v1/declarations/{returned['id']}/receipts")[-1]
    assert receipt["code"] == "RETURNED"
    assert "goods[0].hs_code：商品编码与品名不符，绿茶应归入 0902.10" in receipt["text_zh"]
    assert "contract_no：合同号与随附合同不一致" in receipt["text_zh"]

    # --- approve, on a desktop -----------------------------------------------------------------
    page = new_page(browser, base_url, DESKTOP)
    try:
        page.goto("/review/queue")
        expect(page.locator(f"[data-inspection-no='{approved['inspection_no']}']")).to_be_visible()
        page.screenshot(path=screenshot_dir / "desktop-review-queue.png", full_page=True)
        open_from_queue(page, approved["inspection_no"])
        expect(page.get_by_test_id("rule-hit").filter(has_text=scene["rule"]["name_zh"])).to_be_visible()
        page.screenshot(path=screenshot_dir / "desktop-review-detail.png", full_page=True)
        page.get_by_role("button", name="退回修改").click()
        dialog = page.get_by_test_id("return-dialog")
        dialog.get_by_label("退回字段 1").select_option(label="货物第 1 项 · 净重")
        dialog.get_by_label("退回原因 1").fill("净重与装箱单不一致")
        page.screenshot(path=screenshot_dir / "desktop-review-return-dialog.png")
        dialog.get_by_role("button", name="取消").click()
        expect(dialog).to_be_hidden()

        page.get_by_role("button", name="开始审核").click()
        expect(page.get_by_test_id("review-detail")).to_have_attribute("data-status", "under_review")
        page.get_by_role("button", name="审核通过").click()
        confirm = page.get_by_role("dialog").filter(has_text="确认审核通过？")
        expect(confirm).to_contain_text("未抽中布控规则：将生成电子底账。")
        confirm.get_by_role("button", name="审核通过").click()
        expect(page).to_have_url(re.compile(r"/review/queue$"))
    finally:
        page.context.close()

    state = enterprise.call("GET", f"/api/v1/declarations/{approved['id']}")
    assert state["status"] == "e_record_issued"
    assert state["e_record"]["e_record_no"] == approved["inspection_no"] + "001"
    hits = scene["reviewer"].call("GET", f"/api/v1/review/declarations/{approved['id']}/rule-hits")
    assert [(h["rule_id"], h["selected"]) for h in hits] == [(scene["rule"]["id"], False)]

    # --- reject, on the phone again -----------------------------------------------------------
    page = phone
    open_from_queue(page, rejected["inspection_no"])
    page.get_by_role("button", name="不予受理").click()
    dialog = page.get_by_test_id("reject-dialog")
    dialog.get_by_role("button", name="确认不予受理").click()
    expect(dialog.get_by_role("alert")).to_have_text("请填写原因（最多 500 字）")
    dialog.get_by_label("不予受理原因").fill("申请单位与发货人不符，不予受理")
    dialog.get_by_role("button", name="确认不予受理").click()
    expect(page).to_have_url(re.compile(r"/review/queue$"))
    expect(page.locator(f"[data-inspection-no='{rejected['inspection_no']}']")).to_have_count(0)

    state = enterprise.call("GET", f"/api/v1/declarations/{rejected['id']}")
    assert state["status"] == "rejected"
    receipt = enterprise.call("GET", f"/api/v1/declarations/{rejected['id']}/receipts")[-1]
    assert receipt["code"] == "REJECTED" and "申请单位与发货人不符" in receipt["text_zh"]


def test_queue_updates_live_when_another_reviewer_decides(scene, phone):
    enterprise, reviewer = scene["enterprise"], scene["reviewer"]
    phone.goto("/review/queue")
    expect(phone.get_by_test_id("live")).to_be_visible()
    # A new application arrives: no announcement for that, the queue re-reads when the window regains focus.
    accepted = submit_tea(enterprise, f"LV-{secrets.token_hex(3)}")
    item = phone.locator(f"[data-inspection-no='{accepted['inspection_no']}']")
    expect(item).to_have_count(0)
    phone.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(item).to_be_visible()
    # Someone at another desk starts the review: the row changes without a reload.
    path = f"/api/v1/review/declarations/{accepted['id']}/open"
    reviewer.call("POST", path, {"expected_version": accepted["version"]})
    expect(item.locator("[data-status]")).to_have_attribute("data-status", "under_review")
