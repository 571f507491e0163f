"""Who may do what, in the enterprise portal: a password login opens the e-record declaration module
(applications, receipts, queries, appointments, e-records); certificate work needs a key login
(WebAuthn; a CDP virtual authenticator here). A password session books an appointment and opens an
e-record, but the certificate screens explain themselves instead and the certificate API is never
answered for it. After registering a key and signing in with it, the certificate list opens; a
certificate application is made from the e-record, submitted (intelligent review refers it to the
officer's queue, the failed rule shown) and listed with its status; an issued certificate's detail
opens its PDF and links its public verification page.

ent2-demo is this module's user: its first key is registered from a password session (the server
allows that once), so no other browser test may register a key for ent2-demo.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.enterprise_steps import (
    SEAFOOD,
    Api,
    e_record_issued,
    key_api,
    shoot,
    steel_pipes,
    submitted_application,
)
from tests.e2e.helpers import add_virtual_authenticator, login

pytestmark = pytest.mark.e2e

CERTIFICATE_API = re.compile(r"/api/v1/(certificate-query|certificate-applications|certificates/\d+)")


def weight_form(form: dict) -> dict:
    """The form the screen filled in from the application, with a weight certificate's fields."""
    return {
        **form,
        "fields": {"declared_net_weight": "120000", "found_net_weight": "120000", "weight_unit": "KGS"},
    }



def expect_key_required(page: Page) -> None:
    """The explanation and the key-login action, and none of the certificate data."""
    gate = page.get_by_test_id("key-required")
    expect(gate).to_contain_text("仅可使用电子底账申报模块")
    expect(gate).to_contain_text("证书业务需使用安全密钥")
    expect(gate.get_by_role("button", name="使用密钥登录")).to_be_visible()
    screens = ("certificate-list", "certificate-application-list", "certificate-application", "certificate")
    for screen in screens:
        expect(page.get_by_test_id(screen)).to_have_count(0)


def open_from_home(page: Page, name: str) -> None:
    page.get_by_role("tab", name="首页").click()
    page.get_by_role("navigation", name="企业端功能").get_by_role("link", name=re.compile(f"^{name}")).click()


def test_password_opens_the_declaration_module_and_only_a_key_opens_certificates(
    page: Page, live_server, screenshot_dir
):
    api = Api(live_server, "ent2-demo")
    accepted = submitted_application(api, steel_pipes(SEAFOOD, consignee="Key Login Booking Ltd."))
    to_new_zealand = steel_pipes(SEAFOOD, consignee="Wellington Seafood Imports Ltd.")
    to_new_zealand.update(trade_country="NZL", destination_country="NZL", arrival_port="NZAKL")
    to_new_zealand["certificates"].append({"cert_code": "12", "originals": 1, "copies": 1})
    e_record_no = e_record_issued(live_server, submitted_application(api, to_new_zealand))
    add_virtual_authenticator(page)
    answered = []  # certificate API calls the server answered with 2xx
    page.on("response", lambda r: answered.append(r.url) if CERTIFICATE_API.search(r.url) and r.ok else None)

    # Password login: appointments open, and an appointment is booked and cancelled.
    login(page, "ent2-demo")
    expect(page.get_by_role("heading", name="申请")).to_be_visible()
    open_from_home(page, "预约查检")
    expect(page).to_have_url(re.compile(r"/enterprise/appointments$"))
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
    booked = api.call("GET", f"/api/v1/appointments?declaration_id={accepted['id']}")
    assert [(a["status"], a["cancelled_by"]) for a in booked] == [("cancelled", "enterprise")]

    # …and so does the e-record.
    page.goto(f"/enterprise/e-records/{e_record_no}")
    expect(page.get_by_test_id("e-record")).to_contain_text(e_record_no)
    expect(page.get_by_test_id("e-record").locator("[data-status=normal]")).to_have_text("正常")
    page.get_by_test_id("apply-certificate").click()
    expect(page).to_have_url(re.compile(r"/enterprise/key-required\?next="))
    expect_key_required(page)
    expect(page.get_by_test_id("certificate-new")).to_have_count(0)

    # Certificates: the home screen's entry (marked as needing a key) leads to the explanation.
    page.get_by_role("tab", name="首页").click()
    entry = page.get_by_role("navigation", name="企业端功能").get_by_role("link", name=re.compile("^证书"))
    expect(entry).to_contain_text("需密钥登录")
    shoot(page, screenshot_dir, "home-entries")
    entry.click()
    expect(page).to_have_url(
        re.compile(r"/enterprise/key-required\?next=(/|%2F)enterprise(/|%2F)certificates$")
    )
    expect_key_required(page)
    shoot(page, screenshot_dir, "key-required")
    page.goto("/enterprise/certificates?tab=applications")
    expect_key_required(page)
    page.goto("/enterprise/certificates/applications/1")
    expect_key_required(page)
    assert api.status("GET", "/api/v1/certificate-query/applications") == 403
    assert answered == []

    # Register a key from the password session (the user's first key): still a password session.
    page.get_by_role("button", name="还没有密钥？先登记一个").click()
    expect(page.get_by_test_id("assurance")).to_contain_text("账号登录")
    expect(page.get_by_test_id("key-list")).to_contain_text("尚未登记安全密钥")
    page.get_by_label("密钥名称").fill("办公室密钥")
    page.get_by_role("button", name="登记新密钥").click()
    expect(page.get_by_test_id("key-row")).to_have_count(1)
    expect(page.get_by_test_id("key-row")).to_contain_text("办公室密钥")
    open_from_home(page, "证书")
    expect_key_required(page)
    assert answered == []

    # Key login from the explanation: the certificate list opens on the asked-for screen.
    page.get_by_role("button", name="使用密钥登录").click()
    expect(page).to_have_url(re.compile(r"/enterprise/certificates$"))
    expect(page.get_by_role("heading", name="证书")).to_be_visible()
    expect(page.get_by_test_id("key-required")).to_have_count(0)
    expect(page.get_by_test_id("certificate-list")).to_be_visible()

    # A certificate application from the e-record: the quality certificate the application ticked,
    # consignee and goods taken from it; saved as a draft, without the inspection result.
    page.goto(f"/enterprise/e-records/{e_record_no}")
    page.get_by_test_id("apply-certificate").click()
    expect(page.get_by_role("heading", name="申请证书")).to_be_visible()
    expect(page.get_by_label("证书类型")).to_have_value("11")
    expect(page.get_by_label("收货人（英文）")).to_have_value("Wellington Seafood Imports Ltd.")
    expect(page.get_by_label("检验结果 *")).to_be_visible()
    page.get_by_role("button", name="保存为草稿").click()
    expect(page).to_have_url(re.compile(r"/enterprise/certificates/applications/\d+$"))
    application_id = int(page.url.rsplit("/", 1)[1])
    detail = page.get_by_test_id("certificate-application")
    expect(detail).to_contain_text(e_record_no)
    expect(detail).to_contain_text("品质证书")
    expect(detail).to_contain_text("Wellington Seafood Imports Ltd.")
    expect(detail.locator("[data-status=draft]")).to_have_text("草稿")
    expect(page.get_by_test_id("failed-rules")).to_have_count(0)

    # Submitted without the quality certificate's inspection result: intelligent review refers it to
    # the officer's queue, and the detail names the rule it failed.
    page.get_by_role("button", name="提交申请").click()
    expect(detail.locator("[data-status=officer_review]")).to_have_text("待签证人员审核")
    failed = page.get_by_test_id("failed-rules")
    expect(failed).to_contain_text("智能审核未通过的规则")
    expect(failed).to_contain_text("缺少或有误的字段")
    expect(failed).to_contain_text("inspection_result")
    expect(failed).to_contain_text("required_fields_present")
    expect(page.get_by_role("button", name="提交申请")).to_have_count(0)
    shoot(page, screenshot_dir, "certificate-application")
    key = key_api(page, live_server, "ent2-demo")
    referred = key.call("GET", f"/api/v1/certificate-applications/{application_id}")
    assert referred["status"] == "officer_review"
    assert referred["e_record_no"] == e_record_no
    assert [r["rule"] for r in referred["rule_results"] if not r["passed"]] == ["required_fields_present"]

    # The list shows it with its status; its row opens the detail.
    page.goto("/enterprise/certificates")
    page.get_by_role("tab", name="证书申请").click()
    row = page.get_by_test_id("certificate-application-row").and_(
        page.locator(f"[data-application-id='{application_id}']")
    )
    expect(row.locator("[data-status=officer_review]")).to_have_text("待签证人员审核")
    expect(row).to_contain_text(e_record_no)
    expect(row).to_contain_text("品质证书")
    expect(row).to_contain_text("尚未签发")
    expect(page.get_by_text("密钥已登记")).to_be_hidden()  # the keys screen's toast
    shoot(page, screenshot_dir, "certificates")
    row.click()
    expect(page).to_have_url(re.compile(rf"/enterprise/certificates/applications/{application_id}$"))
    assert any("/certificate-query/applications" in url for url in answered)

    # A weight certificate, filled in completely, is issued at once; its detail links the PDF (the
    # API's, fetched with the session's token) and the public verification page.
    issued = key.call(
        "POST",
        "/api/v1/certificate-applications",
        {"e_record_no": e_record_no, "type_code": "12", "form": weight_form(referred["form"])},
    )
    issued = key.call("POST", f"/api/v1/certificate-applications/{issued['id']}/submit", {})
    assert issued["status"] == "issued", [r for r in issued["rule_results"] if not r["passed"]]
    number = issued["certificate_no"]
    page.goto("/enterprise/certificates")
    certificate_row = page.get_by_test_id("certificate-row").and_(
        page.locator(f"[data-certificate-no='{number}']")
    )
    expect(certificate_row.locator("[data-status=issued]")).to_have_text("已签发")
    expect(certificate_row).to_contain_text(e_record_no)
    certificate_row.click()
    certificate = page.get_by_test_id("certificate")
    expect(certificate).to_contain_text(number)
    expect(certificate).to_contain_text("重量证书")
    expect(certificate).to_contain_text(e_record_no)
    expect(certificate.get_by_role("button", name=re.compile("对应的证书申请"))).to_contain_text(
        f"#{issued['id']}"
    )
    expect(page.get_by_test_id("certificate-verify")).to_have_attribute("href", f"/verify/{number}")
    shoot(page, screenshot_dir, "certificate")
    with (
        page.context.expect_page() as tab,
        page.expect_response(re.compile(rf"/certificates/{number}/pdf$")) as pdf,
    ):
        page.get_by_role("button", name="下载证书 PDF").click()
    assert pdf.value.status == 200
    assert pdf.value.headers["content-type"] == "application/pdf"
    expect(tab.value).to_have_url(re.compile(r"^blob:"))
    tab.value.close()

    # Sign out, then sign in with the key alone from the login screen.
    page.get_by_role("tab", name="设置").click()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("dialog").get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("用户名").fill("ent2-demo")
    page.get_by_role("button", name="安全密钥登录").click()
    expect(page).to_have_url(re.compile(r"/enterprise/declarations$"))
    open_from_home(page, "证书")
    expect(page).to_have_url(re.compile(r"/enterprise/certificates$"))
    expect(page.get_by_test_id("certificate-list")).to_be_visible()
