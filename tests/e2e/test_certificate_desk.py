"""The certificate officer's desk (证书审核) in Chromium against the live server.

An enterprise clerk (created here through the admin API, for ent2-demo's enterprise) applies for
quality certificates on a normal e-record without the inspection result: intelligent review refers
each to the district's certificate officers, naming the failed rule. certofficer-demo signs in with
the password and gets the key-required explanation, registers a key there (a virtual WebAuthn
authenticator) and signs in with it; the queue lists the applications with the failed rule, grows
live when another is referred, and the detail shows the rule's reason. One is returned with a
reason (the enterprise sees it returned), one is issued (certificate number, PDF and verification
links), one is rejected once an empty reason has been refused. The queue shows each applicant and
filters by type and failed rule on the server; the incomplete application cannot be issued (the
detail names the missing field). On the requests section the clerk's blank-paper request (空白证书
申请) gets a serial range allocated, and the clerk's 重发 request is approved with a note the server
keeps and the desk shows.

This module owns certofficer-demo's and admin-demo's first security keys (registered from a
password session with an enrolment code, which the server allows once per user): no other browser
test may register one.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.enterprise_steps import (
    PHONE,
    RESULT,
    SEAFOOD,
    Api,
    e_record_issued,
    enrolment_code,
    quality_form,
    registered_key_api,
    shoot,
    steel_pipes,
    submitted_application,
)
from tests.e2e.helpers import DEMO_PASSWORD, add_virtual_authenticator

pytestmark = pytest.mark.e2e

OFFICER = "certofficer-demo"
CLERK = "ent2-certdesk-e2e"
APPLICATIONS = "/api/v1/certificate-applications"


@pytest.fixture(scope="module")
def scene(browser: Browser, live_server) -> dict:
    """A key-logged-in clerk of ent2-demo's enterprise with an e-record and three draft applications
    for quality certificates, two of them submitted and referred to the officer: the first lacks the
    inspection result, the second is complete but a second application of that type on the e-record
    (a possible second original: the officer checks it)."""
    enterprise_id = Api(live_server, "ent2-demo").call("GET", "/api/v1/auth/me")["enterprise"]["id"]
    admin = registered_key_api(browser, live_server, "admin-demo")
    admin.call(
        "POST",
        "/api/v1/admin/users",
        {
            "username": CLERK,
            "display_name": "证书单证员 林悦",
            "role": "enterprise",
            "enterprise_id": enterprise_id,
            "password": DEMO_PASSWORD,
        },
    )
    clerk = registered_key_api(browser, live_server, CLERK)
    body = steel_pipes(SEAFOOD) | {"contract_no": f"CD-{secrets.token_hex(3)}"}
    e_record_no = e_record_issued(live_server, submitted_application(clerk, body))
    drafts = [
        clerk.call("POST", APPLICATIONS, {"e_record_no": e_record_no, "type_code": "11", "form": form})
        for form in (quality_form(), quality_form(inspection_result=RESULT), quality_form())
    ]
    for draft in drafts[:2]:
        referred = clerk.call("POST", f"{APPLICATIONS}/{draft['id']}/submit", {})
        assert referred["status"] == "officer_review", referred["rule_results"]
    stock = clerk.call("POST", "/api/v1/blank-stock", {"type_code": "11", "quantity": 25})
    return {
        "clerk": clerk,
        "e_record_no": e_record_no,
        "ids": [d["id"] for d in drafts],
        "stock_id": stock["id"],
    }


def item(page: Page, application_id: int):
    return page.get_by_test_id("certdesk-queue-item").and_(
        page.locator(f"[data-application-id='{application_id}']")
    )


def open_application(page: Page, application_id: int) -> None:
    page.goto("/certdesk/queue")
    item(page, application_id).click()
    expect(page.get_by_test_id("certdesk-application")).to_have_attribute("data-status", "officer_review")


def test_officer_signs_in_with_a_key_and_decides_referred_applications(
    browser: Browser, live_server, scene, screenshot_dir
):
    returned_id, issued_id, rejected_id = scene["ids"]
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    try:
        # Password login: the desk explains that it needs a key, and shows no application.
        page.goto("/login")
        add_virtual_authenticator(page)
        page.get_by_label("用户名").fill(OFFICER)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page).to_have_url(re.compile(r"/certdesk/key-required\?next=(/|%2F)certdesk(/|%2F)queue$"))
        gate = page.get_by_test_id("key-required")
        expect(gate).to_contain_text("须使用安全密钥（卡介质）登录")
        expect(gate).to_contain_text("账号登录（不能审核证书）")
        expect(page.get_by_test_id("certdesk-queue")).to_have_count(0)

        # The officer's first key, registered from the explanation with the one-time enrolment code
        # an administrator issued; then a key login from there.
        gate.get_by_role("button", name="还没有密钥？先登记一个").click()
        expect(page).to_have_url(re.compile(r"/certdesk/keys$"))
        expect(page.get_by_test_id("enrolment-hint")).to_contain_text("一次性注册码")
        page.get_by_label("密钥名称").fill("签证窗口密钥")
        page.get_by_label("注册码").fill(enrolment_code(browser, live_server, OFFICER))
        page.get_by_role("button", name="登记新密钥").click()
        expect(page.get_by_test_id("key-row")).to_contain_text("签证窗口密钥")
        page.goto("/certdesk/applications/1")
        expect(page).to_have_url(re.compile(r"/certdesk/key-required\?next="))
        page.goto("/certdesk/queue")
        page.get_by_role("button", name="使用密钥登录").click()

        # The queue: the referred applications with the rule they failed; a third one arrives live.
        expect(page).to_have_url(re.compile(r"/certdesk/queue$"))
        expect(page.get_by_role("heading", name="证书审核")).to_be_visible()
        expect(page.get_by_test_id("live")).to_be_visible()
        first = item(page, returned_id)
        expect(first).to_contain_text("品质证书")
        expect(first).to_contain_text(scene["e_record_no"])
        expect(first).to_contain_text(SEAFOOD.name_zh)
        expect(first.get_by_test_id("queue-failed-rule")).to_contain_text("必填项齐全")
        expect(first.get_by_test_id("queue-applicant")).to_have_text(SEAFOOD.name_zh)
        expect(first.get_by_test_id("queue-applicant-code")).to_have_text(SEAFOOD.customs_code)
        expect(item(page, rejected_id)).to_have_count(0)
        scene["clerk"].call("POST", f"{APPLICATIONS}/{rejected_id}/submit", {})
        expect(item(page, rejected_id)).to_be_visible()
        page.get_by_role("combobox", name="未通过的规则").select_option("key_login")
        expect(page.get_by_test_id("certdesk-queue-item")).to_have_count(0)
        page.get_by_role("combobox", name="未通过的规则").select_option("required_fields_present")
        expect(item(page, issued_id)).to_have_count(0)
        expect(first).to_be_visible()
        page.get_by_role("combobox", name="未通过的规则").select_option("")
        expect(item(page, issued_id).get_by_test_id("queue-failed-rule")).to_contain_text("无重复正本")
        with page.expect_response(re.compile(r"/queue\?.*type_code=12")):
            page.get_by_role("combobox", name="证书种类").select_option("12")
        expect(page.get_by_test_id("certdesk-queue-item")).to_have_count(0)
        page.get_by_role("combobox", name="证书种类").select_option("11")
        expect(item(page, issued_id)).to_be_visible()
        shoot(page, screenshot_dir, "queue", area="certdesk")

        # The detail: the failed rule first with its reason in both languages, then the rest.
        first.click()
        detail = page.get_by_test_id("certdesk-application")
        expect(detail).to_have_attribute("data-status", "officer_review")
        failed = page.get_by_test_id("rule-result").first
        expect(failed).to_have_attribute("data-rule", "required_fields_present")
        expect(failed).to_contain_text("缺少或有误的字段：fields.inspection_result")
        expect(failed).to_contain_text("Missing or invalid fields: fields.inspection_result")
        expect(page.get_by_test_id("rule-result").nth(1)).to_have_attribute("data-passed", "true")
        expect(page.locator("[data-field=inspection_result]")).to_contain_text("必填，未填写")
        expect(page.get_by_test_id("applicant")).to_contain_text(SEAFOOD.customs_code)
        expect(page.get_by_test_id("missing-fields")).to_contain_text("检验结果")
        expect(page.get_by_test_id("approve")).to_be_disabled()
        expect(page.get_by_role("button", name="退回修改")).to_be_enabled()
        expect(page.get_by_test_id("e-record")).to_contain_text("正常")
        expect(page.get_by_test_id("application-goods-line")).to_contain_text("120 / 070")
        expect(page.get_by_test_id("declared-goods-line")).to_contain_text("无缝钢管")
        shoot(page, screenshot_dir, "application", area="certdesk")

        # Return with a reason: the enterprise sees it returned, with the reason in its receipt.
        page.get_by_role("button", name="退回修改").click()
        dialog = page.get_by_test_id("certdesk-return-dialog")
        dialog.get_by_label("退回原因").fill("请填写检验结果栏。")
        dialog.get_by_role("button", name="确认退回").click()
        expect(detail).to_have_attribute("data-status", "returned")
        returned = scene["clerk"].call("GET", f"{APPLICATIONS}/{returned_id}")
        assert returned["status"] == "returned"
        assert any("请填写检验结果栏。" in r["text_zh"] for r in returned["receipts"]), returned["receipts"]

        # Approve: issued, with its certificate number, PDF and public verification page.
        open_application(page, issued_id)
        page.get_by_role("button", name="审核通过并签发").click()
        page.get_by_role("dialog").get_by_role("button", name="签发", exact=True).click()
        expect(detail).to_have_attribute("data-status", "issued")
        number = page.get_by_test_id("issued-certificate-no")
        expect(number).to_have_text(re.compile(r"^\d{15}$"))
        issued = scene["clerk"].call("GET", f"{APPLICATIONS}/{issued_id}")
        assert issued["status"] == "issued" and issued["certificate_no"] == number.inner_text()
        verify = page.get_by_test_id("certificate-verify")
        expect(verify).to_have_attribute("href", f"/verify/{issued['certificate_no']}")
        with page.expect_response(re.compile(r"/certificates/\d{15}/pdf$")) as pdf:
            with page.context.expect_page() as tab:
                page.get_by_test_id("certificate-pdf").click()
        assert pdf.value.status == 200
        tab.value.close()

        # Reject: an empty reason is refused on the spot, then the application ends.
        open_application(page, rejected_id)
        page.get_by_role("button", name="不予签发").click()
        dialog = page.get_by_test_id("certdesk-reject-dialog")
        dialog.get_by_role("button", name="确认不予签发").click()
        expect(dialog.get_by_role("alert")).to_have_text("请填写原因")
        expect(detail).to_have_attribute("data-status", "officer_review")
        dialog.get_by_label("不予签发的原因").fill("货物与申报不符，不予签发。")
        dialog.get_by_role("button", name="确认不予签发").click()
        expect(detail).to_have_attribute("data-status", "rejected")
        assert scene["clerk"].call("GET", f"{APPLICATIONS}/{rejected_id}")["status"] == "rejected"

        page.goto("/certdesk/queue")
        expect(page.get_by_role("heading", name="证书审核")).to_be_visible()
        for application_id in scene["ids"]:
            expect(item(page, application_id)).to_have_count(0)

        # Requests: the clerk's blank paper request, with its enterprise; a serial range is allocated.
        page.get_by_test_id("desk-tab-requests").click()
        page.get_by_test_id("requests-kind-stock").click()
        row = page.get_by_test_id("request-row").and_(
            page.locator(f"[data-request-id='{scene['stock_id']}']")
        )
        expect(row).to_contain_text("25 张")
        expect(row.get_by_test_id("request-enterprise")).to_contain_text(SEAFOOD.customs_code)
        expect(row.get_by_test_id("request-status")).to_have_text("待处理")
        shoot(page, screenshot_dir, "requests", area="certdesk")
        row.get_by_role("button", name="分配号段").click()
        page.get_by_role("dialog").get_by_role("button", name="分配", exact=True).click()
        expect(row).to_have_count(0)  # no longer pending
        page.get_by_test_id("requests-pending-only").uncheck()
        expect(row.get_by_test_id("request-status")).to_have_text("已分配号段")
        expect(row.get_by_test_id("stock-range")).to_contain_text("号段")
        [stock] = [
            s for s in scene["clerk"].call("GET", "/api/v1/blank-stock") if s["id"] == scene["stock_id"]
        ]
        assert stock["status"] == "allocated" and stock["serial_last"] - stock["serial_first"] == 24

        # The clerk asks for the issued certificate again (重发); the officer approves it with a note,
        # which the server keeps and both the desk and the enterprise's list show.
        asked = scene["clerk"].call(
            "POST",
            f"/api/v1/certificates/{issued['certificate_no']}/amendments",
            {"kind": "replace", "reason": "证书污损，申请重发"},
        )
        page.get_by_test_id("requests-kind-amendments").click()
        page.get_by_test_id("requests-pending-only").check()
        row = page.get_by_test_id("request-row").and_(page.locator(f"[data-request-id='{asked['id']}']"))
        expect(row.get_by_test_id("request-status")).to_have_text("待处理")
        row.get_by_role("button", name="批准").click()
        dialog = page.get_by_test_id("certdesk-approveNote-dialog")
        expect(dialog).to_contain_text(issued["certificate_no"])
        note = "已核对污损情况，准予重发。"
        dialog.get_by_label("给企业的说明（可选）").fill(note)
        dialog.get_by_role("button", name="批准", exact=True).click()
        expect(row).to_have_count(0)  # no longer pending
        page.get_by_test_id("requests-pending-only").uncheck()
        expect(row.get_by_test_id("request-status")).to_have_text("已批准")
        expect(row.get_by_test_id("request-note")).to_contain_text(note)
        [decided] = [
            a for a in scene["clerk"].call("GET", "/api/v1/certificate-amendments") if a["id"] == asked["id"]
        ]
        assert decided["status"] == "approved" and decided["decision_note"] == note, decided
        assert re.fullmatch(r"\d{15}", decided["new_certificate_no"] or ""), decided
    finally:
        context.close()
