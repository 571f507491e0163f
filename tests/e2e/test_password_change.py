"""设置 → 修改密码: an enterprise user changes their own password in the PWA. A common password is refused
with the server's reason under the field; a strong one is taken, the old password stops working and
the new one signs in.

The user and its enterprise are made here (through an administrator's key session), so no demo
user's password changes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.enterprise_steps import Api, admin_key_api
from tests.e2e.helpers import DEMO_PASSWORD, login

pytestmark = pytest.mark.e2e

USERNAME = "pw-change-e2e"
NEW_PASSWORD = "E2e-Changed-Pass-2"


def _login_status(base_url: str, password: str) -> int:
    anonymous = Api(base_url, USERNAME, token="")
    try:
        anonymous.call("POST", "/api/v1/auth/login", {"username": USERNAME, "password": password})
    except AssertionError as refused:
        assert "401" in str(refused), refused
        return 401
    return 200


def test_a_user_changes_their_own_password_in_settings(page: Page, browser, live_server):
    admin = admin_key_api(browser, live_server)
    company = {"customs_code": "4403966PWC", "name_zh": "深圳市改密测试有限公司"}
    enterprise = admin.call("POST", "/api/v1/admin/enterprises", company)
    admin.call(
        "POST",
        "/api/v1/admin/users",
        {
            "username": USERNAME,
            "display_name": "改密 测试",
            "role": "enterprise",
            "enterprise_id": enterprise["id"],
            "password": DEMO_PASSWORD,
        },
    )
    login(page, USERNAME)
    page.goto("/settings")
    form = page.get_by_test_id("password-change")
    expect(form).to_contain_text("修改密码")
    form.get_by_test_id("password-current").locator("input").fill(DEMO_PASSWORD)
    form.get_by_test_id("password-new").locator("input").fill("1234567890")
    form.get_by_test_id("password-submit").click()
    expect(form).to_contain_text("常见密码")
    form.get_by_test_id("password-new").locator("input").fill(NEW_PASSWORD)
    form.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("password-message")).to_contain_text("密码已修改")
    assert _login_status(live_server, DEMO_PASSWORD) == 401
    assert _login_status(live_server, NEW_PASSWORD) == 200
