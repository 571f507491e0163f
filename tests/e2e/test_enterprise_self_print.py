"""Blank paper, self-printing the original, reprint and amendment requests in the enterprise portal.

A clerk of ent-demo's enterprise (PRINT_CLERK, whose first key this module registers in the page's
virtual authenticator) gets a quality certificate for steel pipes issued over HTTP (self-print
delivery), signs in with the key, asks for blank sheets of the quality certificate; the certificate
officer of 5300 (PRINT_OFFICER, its first key registered here too) allocates a serial range through
the API; the clerk confirms receipt, prints the original on one serial (consumed: the stock shows one
fewer), registers another serial spoiled with a reason, asks for a reprint and for an amendment, each
with a reason, and sees both pending; a phytosanitary certificate on the same e-record downloads its
ePhyto XML from its page.
"""

from __future__ import annotations

import re
import secrets
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.certificates_shared.fixtures import PHYTO_FORM
from tests.e2e.conftest import PRINT_CLERK, PRINT_OFFICER
from tests.e2e.enterprise_steps import (
    BAMBOO,
    PHONE,
    RESULT,
    e_record_issued,
    page_key_api,
    quality_form,
    registered_key_api,
    shoot,
    steel_pipes,
    submitted_application,
)
from tests.e2e.helpers import add_virtual_authenticator

pytestmark = pytest.mark.e2e

APPLICATIONS = "/api/v1/certificate-applications"
RSM = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
XML_NS = {
    "rsm": RSM,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21",
}


def balance(page: Page, field: str):
    return page.get_by_test_id("paper-balance").and_(page.locator("[data-type='11']")).get_by_test_id(field)


def test_clerk_asks_for_paper_prints_the_original_once_and_asks_for_reprint_and_amendment(
    browser: Browser, live_server, extra_users, screenshot_dir
):
    officer = registered_key_api(browser, live_server, PRINT_OFFICER)
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/login")
        add_virtual_authenticator(page)
        clerk = page_key_api(page, live_server, PRINT_CLERK)

        # An issued quality certificate of ent-demo's enterprise, to print itself (self-print).
        body = steel_pipes(BAMBOO) | {"contract_no": f"SP-{secrets.token_hex(3)}"}
        body["certificates"] += [{"cert_code": "18", "originals": 1, "copies": 1}]  # and a phytosanitary one
        e_record_no = e_record_issued(live_server, submitted_application(clerk, body))
        draft = clerk.call(
            "POST",
            APPLICATIONS,
            {"e_record_no": e_record_no, "type_code": "11", "form": quality_form(inspection_result=RESULT)},
        )
        issued = clerk.call("POST", f"{APPLICATIONS}/{draft['id']}/submit", {})
        assert issued["status"] == "issued", issued["rule_results"]
        number = issued["certificate_no"]

        # Key login through the login screen, then blank paper from the home navigation.
        page.get_by_label("用户名").fill(PRINT_CLERK)
        page.get_by_role("button", name="安全密钥登录").click()
        expect(page).to_have_url(re.compile(r"/enterprise/declarations$"))
        page.get_by_role("link", name=re.compile("空白证书")).click()
        expect(page).to_have_url(re.compile(r"/enterprise/blank-stock$"))
        expect(page.get_by_role("heading", name="空白证书申请", exact=True)).to_be_visible()
        ask = page.get_by_test_id("paper-request-form")
        ask.get_by_label("证书类型").select_option("11")
        ask.get_by_label("张数").fill("5")
        ask.get_by_role("button", name="提交申请").click()
        expect(page.get_by_test_id("paper-notice")).to_contain_text("已提交空白证书申请")
        request = page.get_by_test_id("paper-request").first
        expect(request).to_have_attribute("data-status", "requested")
        expect(request).to_contain_text("待海关处理")
        stock_id = int(request.get_attribute("data-stock-id"))

        # The officer allocates a serial range; the clerk sees it and confirms receipt.
        allocated = officer.call("POST", f"/api/v1/blank-stock/{stock_id}/allocate")
        first, last = allocated["serial_first"], allocated["serial_last"]
        assert last - first == 4, allocated
        page.get_by_role("button", name="刷新").click()
        request = page.locator(f"[data-testid=paper-request][data-stock-id='{stock_id}']")
        expect(request).to_have_attribute("data-status", "allocated")
        expect(request.get_by_test_id("paper-range")).to_contain_text(f"{first} – {last}")
        request.get_by_role("button", name="确认收货").click()
        expect(request).to_have_attribute("data-status", "received")
        expect(balance(page, "paper-remaining")).to_have_text("5")
        shoot(page, screenshot_dir, "blank-stock")

        # Print the original on the first serial: the PDF opens, the serial is consumed.
        page.goto(f"/enterprise/certificates/{number}")
        printing = page.get_by_test_id("certificate-printing")
        expect(printing.get_by_test_id("print-stock")).to_contain_text("可用空白纸 5 张")
        printing.get_by_label("空白证书流水号").fill(str(first))
        with (
            page.context.expect_page() as tab,
            page.expect_response(re.compile(rf"/certificates/{number}/print$")) as printed,
        ):
            printing.get_by_role("button", name="打印正本").click()
        assert printed.value.status == 200
        assert printed.value.headers["content-type"] == "application/pdf"
        assert printed.value.headers["x-certificate-variant"] == "original"
        expect(tab.value).to_have_url(re.compile(r"^blob:"))
        tab.value.close()
        expect(printing.get_by_test_id("print-done")).to_contain_text(f"已在流水号 {first} 上打印：正本")
        expect(printing.get_by_test_id("print-stock")).to_contain_text("可用空白纸 4 张")

        # The same serial cannot be used again; a second original needs an approved reprint.
        printing.get_by_label("空白证书流水号").fill(str(first + 1))
        printing.get_by_role("button", name="打印正本").click()
        expect(printing.get_by_test_id("print-error")).to_contain_text("须先申请重打并经海关批准")

        # Stock: one fewer; spoil the next serial with a reason.
        page.goto("/enterprise/blank-stock")
        expect(balance(page, "paper-remaining")).to_have_text("4")
        expect(balance(page, "paper-consumed")).to_have_text("1")
        spoil = page.get_by_test_id("paper-spoil-form")
        spoil.get_by_label("证书类型").select_option("11")
        spoil.get_by_label("流水号").fill(str(first + 1))
        spoil.get_by_label("作废原因").fill("打印机卡纸，纸张损坏")
        spoil.get_by_role("button", name="登记作废").click()
        expect(page.get_by_test_id("paper-notice")).to_contain_text(f"流水号 {first + 1} 已登记作废")
        expect(balance(page, "paper-remaining")).to_have_text("3")
        expect(balance(page, "paper-spoiled")).to_have_text("1")

        # A reprint and an amendment, each with a reason: both pending.
        page.goto(f"/enterprise/certificates/{number}")
        printing = page.get_by_test_id("certificate-printing")
        printing.get_by_label("重打原因").fill("正本在运输途中污损，需重新打印")
        printing.get_by_role("button", name="提交重打申请").click()
        reprint = printing.get_by_test_id("reprint-request")
        expect(reprint).to_have_attribute("data-status", "requested")
        expect(reprint).to_contain_text("待海关处理")

        amendments = page.get_by_test_id("certificate-amendments")
        amendments.get_by_label("申请类型").select_option("amend")
        amendments.get_by_label("收货人地址（英文）").fill("2-2 Nakanoshima, Kita-ku, Osaka")
        amendments.get_by_label("申请原因").fill("收货人地址变更")
        amendments.get_by_role("button", name="提交申请").click()
        amendment = amendments.get_by_test_id("amend-request")
        expect(amendment).to_have_attribute("data-status", "requested")
        expect(amendment).to_have_attribute("data-kind", "amend")
        expect(amendment).to_contain_text("收货人地址变更")
        expect(amendments.get_by_test_id("amend-open")).to_be_visible()
        shoot(page, screenshot_dir, "certificate-print")

        # A phytosanitary certificate (type 18) on the same e-record (bamboo chopsticks): its page
        # downloads the IPPC ePhyto XML, which names the certificate's number.
        phyto = clerk.call(
            "POST", APPLICATIONS, {"e_record_no": e_record_no, "type_code": "18", "form": PHYTO_FORM}
        )
        phyto = clerk.call("POST", f"{APPLICATIONS}/{phyto['id']}/submit", {})
        if phyto["status"] == "officer_review":  # referred by intelligent review: the officer issues it
            phyto = officer.call("POST", f"{APPLICATIONS}/{phyto['id']}/approve", {})
        assert phyto["status"] == "issued", phyto
        page.goto(f"/enterprise/certificates/{phyto['certificate_no']}")
        with page.expect_download() as download:
            page.get_by_test_id("certificate-ephyto").click()
        assert download.value.suggested_filename == f"{phyto['certificate_no']}-ephyto.xml"
        root = ElementTree.parse(download.value.path()).getroot()
        assert root.tag == f"{{{RSM}}}SPSCertificate", root.tag
        assert root.findtext("rsm:SPSExchangedDocument/ram:ID", namespaces=XML_NS) == phyto["certificate_no"]
        assert root.findtext(".//ram:TypeCode", namespaces=XML_NS) is not None

        requests = officer.call("GET", "/api/v1/certificate-amendments?status=requested")
        mine = [a for a in requests if a["certificate_no"] == number]
        assert len(mine) == 1 and mine[0]["changes"]["consignee"]["address_en"].startswith("2-2"), mine
        reprints = officer.call("GET", "/api/v1/reprint-requests?status=requested")
        assert [r["certificate_no"] for r in reprints].count(number) == 1, reprints
    finally:
        context.close()
