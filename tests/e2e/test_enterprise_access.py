"""Password login opens the declaration module only; a security key (WebAuthn, a CDP virtual
authenticator here) opens everything: register a key, sign out, sign in with it, reach the key-only
screens, then book and cancel an inspection appointment there.

ent2-demo is this module's user: its first key is registered from a password session (the server
allows that once), so no other browser test may register a key for ent2-demo.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.enterprise_steps import Api, e_record_issued, shoot, steel_pipes, submitted_application
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

SEAFOOD = ("4403961XYZ", "深圳市海鲜冷链进出口有限公司")


def add_virtual_authenticator(page: Page) -> None:
    """A platform authenticator with a resident key and user verification, no browser UI."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def expect_key_required(page: Page) -> None:
    """The explanation and the key-login action, and none of the key-only data."""
    gate = page.get_by_test_id("key-required")
    expect(gate).to_contain_text("仅可使用电子底账申报模块")
    expect(gate.get_by_role("button", name="使用密钥登录")).to_be_visible()
    expect(page.get_by_test_id("appointment-list")).to_have_count(0)
    expect(page.get_by_test_id("e-record")).to_have_count(0)


def test_password_session_is_kept_from_key_screens_until_a_key_login(page: Page, live_server, screenshot_dir):
    api = Api(live_server, "ent2-demo")
    accepted = submitted_application(api, steel_pipes(*SEAFOOD, consignee="Key Login Booking Ltd."))
    to_new_zealand = steel_pipes(*SEAFOOD, consignee="Wellington Seafood Imports Ltd.")
    to_new_zealand.update(trade_country="NZL", destination_country="NZL", arrival_port="NZAKL")
    e_record_no = e_record_issued(live_server, submitted_application(api, to_new_zealand))
    add_virtual_authenticator(page)

    # Password login: the declaration module opens, key-only screens explain themselves instead.
    login(page, "ent2-demo")
    expect(page.get_by_role("heading", name="申请")).to_be_visible()
    page.get_by_role("link", name=re.compile("预约查检")).click()
    expect(page).to_have_url(re.compile(r"/enterprise/key-required\?next="))
    expect_key_required(page)
    shoot(page, screenshot_dir, "key-required")
    page.goto(f"/enterprise/e-records/{e_record_no}")
    expect_key_required(page)
    expect(page.get_by_text(e_record_no)).to_have_count(0)

    # Register a key from the password session (the user's first key).
    page.get_by_role("button", name="还没有密钥？先登记一个").click()
    expect(page.get_by_test_id("assurance")).to_contain_text("账号登录")
    expect(page.get_by_test_id("key-list")).to_contain_text("尚未登记安全密钥")
    page.get_by_label("密钥名称").fill("办公室密钥")
    page.get_by_role("button", name="登记新密钥").click()
    expect(page.get_by_test_id("key-row")).to_have_count(1)
    expect(page.get_by_test_id("key-row")).to_contain_text("办公室密钥")

    # Still a password session: appointments stay closed until the user signs in with the key.
    page.get_by_role("tab", name="首页").click()
    page.get_by_role("link", name=re.compile("预约查检")).click()
    expect_key_required(page)
    page.get_by_role("button", name="使用密钥登录").click()
    expect(page).to_have_url(re.compile(r"/enterprise/appointments$"))
    expect(page.get_by_role("heading", name="预约查检")).to_be_visible()

    # Sign out, then sign in with the key alone from the login screen.
    page.get_by_role("tab", name="设置").click()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("dialog").get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("用户名").fill("ent2-demo")
    page.get_by_role("button", name="安全密钥登录").click()
    expect(page).to_have_url(re.compile(r"/enterprise/declarations$"))
    page.get_by_role("link", name="我的密钥").click()
    expect(page.get_by_test_id("assurance")).to_contain_text("卡介质（密钥）登录")

    # Key session: the e-record opens, and so do appointments.
    page.goto(f"/enterprise/e-records/{e_record_no}")
    expect(page.get_by_test_id("e-record")).to_contain_text(e_record_no)
    expect(page.get_by_test_id("e-record").locator("[data-status=normal]")).to_have_text("正常")

    # Appointments. Book one for the accepted application, then cancel it.
    page.get_by_role("tab", name="首页").click()
    page.get_by_role("link", name=re.compile("预约查检")).click()
    expect(page.get_by_role("heading", name="预约查检")).to_be_visible()
    expect(page.get_by_test_id("key-required")).to_have_count(0)
    page.get_by_role("button", name="新建预约").click()
    page.get_by_label("申请（检验检疫编号）").select_option(str(accepted["id"]))
    page.get_by_label("预约日期").fill("2030-06-20")
    page.get_by_label("时段").select_option("afternoon")
    page.get_by_label("查检地点").fill("深圳市南山区蛇口港湾大道 2 号冷库")
    page.get_by_label("现场联系人").fill("陈强")
    page.get_by_label("联系电话").fill("0755-26881234")
    page.get_by_role("button", name="提交预约").click()
    row = page.get_by_test_id("appointment-row").filter(has_text=accepted["inspection_no"])
    expect(row.locator("[data-status=requested]")).to_have_text("待海关确认")
    expect(row).to_contain_text("预约 2030-06-20 下午")
    shoot(page, screenshot_dir, "appointments")

    row.get_by_role("button", name="取消预约").click()
    page.get_by_label("取消原因").fill("货物延期生产")
    page.get_by_role("button", name="确定").click()
    expect(row.locator("[data-status=cancelled]")).to_have_text("已取消")
    expect(row).to_contain_text("取消原因：货物延期生产")
    booked = api.call("GET", f"/api/v1/appointments?declaration_id={accepted['id']}")
    assert [(a["status"], a["cancelled_by"]) for a in booked] == [("cancelled", "enterprise")]
