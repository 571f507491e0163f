"""The PWA shell in a real Chromium: login, role home, language, offline start, outbox, screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADD_OUTBOX_ENTRIES, login, wait_for_service_worker_control

pytestmark = pytest.mark.e2e


def test_inspector_logs_in_and_sees_the_task_home_in_chinese(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    # Key login (WebAuthn) sits beside password login, with what it is for next to it
    # (tests/e2e/test_enterprise_access.py signs in with it).
    key_login = page.get_by_role("button", name="安全密钥登录")
    expect(key_login).to_be_enabled()
    expect(page.get_by_text("密钥登录可使用全部功能")).to_be_visible()

    login(page, "inspector-demo")

    expect(page).to_have_url(re.compile(r"/inspector/tasks$"))
    expect(page.get_by_role("heading", name="任务")).to_be_visible()
    # The demo inspector has no instructions yet: an honest empty state, no invented rows.
    expect(page.get_by_test_id("empty-state")).to_contain_text("暂无数据")
    expect(page.get_by_role("tab", name="待发送")).to_be_visible()


def test_wrong_password_shows_the_server_message_in_the_chosen_language(page: Page):
    # supervisor-demo: failed logins count per user, so keep them away from the users other tests use.
    page.goto("/login")
    page.get_by_label("用户名").fill("supervisor-demo")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误。")

    # The API client sends Accept-Language from the UI language; the server answers in English.
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong user name or password.")
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.mark.parametrize(
    ("username", "path", "title"),
    [("ent-demo", "/enterprise/declarations", "申请"), ("reviewer-demo", "/review/queue", "审核")],
)
def test_each_role_lands_on_its_own_home(page: Page, username, path, title):
    login(page, username)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    # A role's screen of another role is not reachable by URL.
    page.goto("/inspector/tasks")
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def test_switching_to_english_is_remembered(page: Page):
    login(page, "inspector-demo")
    page.get_by_role("tab", name="设置").click()
    expect(page.get_by_role("heading", name="设置")).to_be_visible()
    page.get_by_role("radio", name="English").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.reload()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    page.get_by_role("tab", name="Home").click()
    expect(page.get_by_role("heading", name="Tasks")).to_be_visible()
    expect(page.get_by_test_id("empty-state")).to_contain_text("No data")


def test_settings_show_storage_persistence_version_and_sign_out(page: Page):
    login(page, "inspector-demo")
    page.goto("/settings")
    status = page.get_by_test_id("storage-status")
    # Headless Chromium may grant or refuse persistence; either way the page says which.
    expect(status).to_contain_text(re.compile("已启用持久存储|浏览器拒绝了持久存储"))
    expect(page.get_by_test_id("app-version")).to_contain_text("0.1.0")

    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("dialog").get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/inspector/tasks")  # signed out: the saved session is gone too
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_offline_reload_renders_the_shell_from_cache_and_keeps_the_login(page: Page):
    login(page, "inspector-demo")
    wait_for_service_worker_control(page)

    page.context.set_offline(True)  # also cuts the service worker's own fetches
    page.reload()

    expect(page).to_have_url(re.compile(r"/inspector/tasks$"))
    expect(page.get_by_role("heading", name="任务")).to_be_visible()
    expect(page.get_by_test_id("empty-state")).to_contain_text("暂无数据")
    # Other role-less screens come from the precache as well.
    page.get_by_role("tab", name="待发送").click()
    expect(page.get_by_role("heading", name="待发送")).to_be_visible()
    page.context.set_offline(False)


def test_outbox_keeps_entries_offline_and_sends_them_in_order_when_back(page: Page):
    login(page, "inspector-demo")
    wait_for_service_worker_control(page)
    page.goto("/outbox")
    expect(page.get_by_test_id("empty-state")).to_be_visible()

    page.context.set_offline(True)
    page.evaluate(
        ADD_OUTBOX_ENTRIES,
        [
            {"method": "GET", "url": "/healthz", "label": "现场记录 1"},
            {"method": "GET", "url": "/healthz", "label": "现场记录 2"},
        ],
    )
    page.reload()  # the outbox starts with the page; offline, its first fetch fails
    rows = page.get_by_test_id("outbox-list").locator(".van-cell")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("现场记录 1")
    expect(rows.nth(0)).to_contain_text(re.compile(r"已尝试 \d+ 次"))  # backoff keeps retrying
    expect(rows.nth(0).locator("[data-status=waiting]")).to_be_visible()
    expect(page.get_by_text("当前离线，恢复网络后自动发送").first).to_be_visible()

    # Back online: the browser's "online" event (or the next backoff timer) resumes sending.
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-list")).to_have_count(0)
    sent = page.locator(".van-cell-group").filter(has_text="现场记录")
    expect(sent.locator("[data-status=sent]")).to_have_count(2)
    expect(sent.locator(".van-cell").nth(0)).to_contain_text("现场记录 2")  # newest first


def test_a_refused_write_becomes_a_conflict_and_stays(page: Page):
    login(page, "inspector-demo")
    page.evaluate(
        ADD_OUTBOX_ENTRIES,
        [{"method": "POST", "url": "/api/v1/auth/refresh", "body": {}, "label": "被拒绝的记录"}],
    )
    page.goto("/outbox")
    row = page.get_by_test_id("outbox-list").locator(".van-cell").filter(has_text="被拒绝的记录")
    expect(row.locator("[data-status=conflict]")).to_be_visible()
    expect(row).to_contain_text("服务器拒绝了这条数据，需要人工处理")


def test_retry_now_skips_the_backoff(page: Page):
    login(page, "inspector-demo")
    far_future = 4102444800000  # 2100-01-01: only "retry now" can send it today
    page.evaluate(
        ADD_OUTBOX_ENTRIES,
        [
            {
                "method": "GET",
                "url": "/healthz",
                "label": "等待重试的记录",
                "attempts": 3,
                "nextAttemptAt": far_future,
            }
        ],
    )
    page.goto("/outbox")
    row = page.get_by_test_id("outbox-list").locator(".van-cell").filter(has_text="等待重试的记录")
    expect(row.locator("[data-status=waiting]")).to_be_visible()
    expect(page.get_by_role("tab", name="待发送")).to_contain_text("1")  # the badge counts it
    page.get_by_role("button", name="立即重试").click()
    expect(page.get_by_test_id("outbox-list")).to_have_count(0)
    expect(page.locator("[data-status=sent]")).to_have_count(1)


def test_keyboard_reaches_the_form_and_touch_targets_are_at_least_44px(page: Page):
    page.goto("/login")
    expect(page.get_by_label("用户名")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("用户名")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()

    def heights(selector: str) -> list[float]:
        return page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().height)")

    assert min(heights("button:not([disabled])")) >= 44
    login(page, "inspector-demo")
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    assert min(heights("[role=tab], .van-button")) >= 44
