"""The enterprise portal in a real Chromium: an application from the form, its validation findings
beside the fields, submission and receipts arriving live (no reload), copy, withdraw and queries.

Each test creates its own applications (ent-demo), so the shared server's other data does not matter.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.enterprise_steps import (
    BAMBOO,
    Api,
    e_record_issued,
    shoot,
    steel_pipes,
    submitted_application,
)
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

MARK_PAGE = "window.__sameDocument = 'still here'"
SAME_PAGE = "window.__sameDocument"


def fill(page: Page, label: str, value: str, *, scope=None) -> None:
    (scope or page).get_by_label(label, exact=True).fill(value)


def test_application_findings_fixed_submitted_and_receipts_arrive_live(
    page: Page, live_server, screenshot_dir
):
    login(page, "ent-demo")
    expect(page.get_by_role("heading", name="申请")).to_be_visible()
    page.get_by_role("link", name="新建申请").click()
    expect(page.get_by_role("heading", name="新建申请")).to_be_visible()

    # The enterprise itself is pre-filled as applicant; the consignor code is typed in the old
    # inspection-registration style, and bamboo chopsticks are declared without their registration.
    expect(page.get_by_label("申请单位代码", exact=True)).to_have_value(BAMBOO.customs_code)
    fill(page, "发货人代码", "440360012")
    fill(page, "收货人（外文）", "Tokyo Kitchenware K.K.")
    fill(page, "贸易国别", "JPN")
    fill(page, "输往国家", "JPN")
    fill(page, "离境口岸", "CNYTN")
    fill(page, "到达口岸", "JPTYO")
    fill(page, "运输方式", "2")
    fill(page, "合同号", "ZY-E2E-0815")
    page.get_by_label("发货日期", exact=True).fill("2030-06-18")
    fill(page, "存放地点", "深圳市龙岗区坂田街道雪岗路 88 号 1 号仓")
    fill(page, "总件数", "200")
    fill(page, "总净重（千克）", "2000")
    line = page.get_by_test_id("goods-line-0")
    fill(page, "HS编码", "4419121000", scope=line)
    fill(page, "检验检疫编码", "4419121000999", scope=line)
    fill(page, "货物名称", "竹筷", scope=line)
    fill(page, "数量", "100000", scope=line)
    fill(page, "数量单位", "025", scope=line)
    fill(page, "净重（千克）", "2000", scope=line)
    fill(page, "货值", "12000", scope=line)
    fill(page, "币种", "USD", scope=line)
    fill(page, "包装件数", "200", scope=line)
    page.get_by_text("18 植物检疫证书").click()

    page.get_by_role("button", name="校验").click()
    findings = page.get_by_test_id("findings")
    expect(findings).to_contain_text("个错误")
    # Beside the fields they concern, in the server's words.
    consignor = page.locator(".van-field", has=page.get_by_label("发货人代码", exact=True))
    expect(consignor).to_contain_text("不是海关十位编码")
    hs = line.locator(".van-field", has=page.get_by_label("HS编码", exact=True))
    expect(hs).to_contain_text("出境竹木草制品生产企业注册登记")
    shoot(page, screenshot_dir, "form-findings")

    # Fix both: the 10-character customs code, and the registration the enterprise holds.
    fill(page, "发货人代码", BAMBOO.customs_code)
    qualifications = page.get_by_test_id("qualifications-section")
    qualifications.get_by_role("button", name="添加资质").click()
    qualifications.get_by_label("资质类别").select_option("BWG_PRODUCER")
    fill(page, "资质编号", "4403BWG0001", scope=qualifications)
    page.get_by_role("button", name="暂存").click()
    expect(page).to_have_url(re.compile(r"/enterprise/declarations/\d+/edit$"))
    expect(page.get_by_test_id("findings").get_by_test_id("finding").filter(has_text="错误")).to_have_count(0)
    expect(page.get_by_test_id("findings")).to_contain_text("0 个错误")

    page.get_by_role("button", name="提交申报").click()
    expect(page).to_have_url(re.compile(r"/enterprise/declarations/\d+$"))
    declaration_id = int(page.url.rstrip("/").split("/")[-1])
    receipts = page.get_by_test_id("receipts")
    expect(receipts).to_contain_text("报检成功，检验检疫编号 226N5300")
    inspection_no = page.get_by_test_id("inspection-no").locator(".van-cell__value").inner_text()
    assert re.fullmatch(r"2\d{2}N5300\d{7}", inspection_no), inspection_no
    expect(page.get_by_test_id("declaration-summary").locator("[data-status=accepted]")).to_have_text(
        "报检成功"
    )
    shoot(page, screenshot_dir, "receipts")

    # Customs starts the document review while the page stays open: the receipt appears live.
    expect(receipts).to_have_attribute("data-live", "on")
    page.evaluate(MARK_PAGE)
    reviewer = Api(live_server, "reviewer-demo")
    current = reviewer.call("GET", f"/api/v1/declarations/{declaration_id}")
    reviewer.call(
        "POST", f"/api/v1/review/declarations/{declaration_id}/open", {"expected_version": current["version"]}
    )
    expect(receipts).to_contain_text("海关正在进行单证审核。")
    expect(page.get_by_test_id("declaration-summary").locator("[data-status=under_review]")).to_be_visible()
    assert page.evaluate(SAME_PAGE) == "still here"

    # Back on the list (in-app navigation), customs returns it: the row changes without a reload,
    # and its status opens the receipts in the seed's words.
    page.get_by_role("tab", name="首页").click()
    row = page.locator(f"[data-declaration-id='{declaration_id}']")
    expect(row.locator("[data-status=under_review]")).to_be_visible()
    expect(page.locator("section[data-live=on]")).to_be_visible()
    reviewer.call(
        "POST",
        f"/api/v1/review/declarations/{declaration_id}/return",
        {
            "expected_version": current["version"] + 1,
            "field_reasons": [{"path": "consignee_name_en", "reason_zh": "收货人名称与合同不一致"}],
        },
    )
    expect(row.locator("[data-status=returned]")).to_have_text("退回修改")
    expect(page.get_by_test_id("live-flash")).to_contain_text("单证审核退回")
    assert page.evaluate(SAME_PAGE) == "still here"
    shoot(page, screenshot_dir, "list")
    row.get_by_test_id("status-button").click()
    popup = page.get_by_test_id("receipts-popup")
    expect(popup).to_contain_text("单证审核退回：")
    expect(popup).to_contain_text("收货人名称与合同不一致")
    expect(popup).to_contain_text("申请已提交，等待海关受理。")
    expect(popup).to_contain_text("海关 customs (reviewer-demo)")

    # The reviewer's reason shows beside the field to fix; fixed and resubmitted, it keeps its number.
    popup.locator(".van-popup__close-icon").click()
    row.click()
    page.get_by_test_id("detail-actions").get_by_role("button", name="修改").click()
    consignee = page.locator(".van-field", has=page.get_by_label("收货人（外文）", exact=True))
    expect(consignee).to_contain_text("审核退回：收货人名称与合同不一致")
    fill(page, "收货人（外文）", "Tokyo Kitchenware Kabushiki Kaisha")
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_test_id("declaration-summary").locator("[data-status=accepted]")).to_be_visible()
    expect(page.get_by_test_id("inspection-no")).to_contain_text(inspection_no)
    assert page.evaluate(SAME_PAGE) == "still here"


def test_copy_withdraw_and_query_by_number_through_the_ui(page: Page, live_server, screenshot_dir):
    api = Api(live_server, "ent-demo")
    accepted = submitted_application(api, steel_pipes(BAMBOO, consignee="Copy Withdraw Query Co."))
    number = accepted["inspection_no"]
    to_new_zealand = steel_pipes(BAMBOO, consignee="Auckland Pipe Supplies Ltd.")
    to_new_zealand.update(trade_country="NZL", destination_country="NZL", arrival_port="NZAKL")
    approved = submitted_application(api, to_new_zealand)
    e_record_no = e_record_issued(live_server, approved)

    login(page, "ent-demo")
    page.get_by_role("link", name="综合查询").click()
    page.get_by_role("textbox", name="检验检疫编号").fill(number)
    page.get_by_role("button", name="查询").click()
    results = page.get_by_test_id("query-results")
    expect(results.get_by_test_id("query-row")).to_have_count(1)
    expect(results).to_contain_text(number)
    expect(results).to_contain_text("报检成功")
    shoot(page, screenshot_dir, "query")

    # By e-record number, and by issue date (today, China time, as the e-record was issued just now).
    page.get_by_role("tab", name="电子底账数据号").click()
    page.get_by_role("textbox", name="电子底账数据号").fill(e_record_no)
    page.get_by_role("button", name="查询").click()
    expect(results.get_by_test_id("query-row")).to_have_count(1)
    expect(results).to_contain_text(e_record_no)
    expect(results).to_contain_text("已生成电子底账")
    page.get_by_role("tab", name="签发日期").click()
    today = page.evaluate("new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)")
    page.get_by_label("签发日期自").fill(today)
    page.get_by_label("签发日期至").fill(today)
    page.get_by_role("button", name="查询").click()
    expect(results.get_by_test_id("query-row").filter(has_text=approved["inspection_no"])).to_have_count(1)
    expect(results.get_by_test_id("query-row").filter(has_text=number)).to_have_count(0)
    page.get_by_role("tab", name="检验检疫编号").click()

    # A number nobody has: an honest "not found", not an error.
    page.get_by_role("textbox", name="检验检疫编号").fill("226N5300" + "9999999")
    page.get_by_role("button", name="查询").click()
    expect(results).to_contain_text("没有找到符合条件的申请")

    page.get_by_role("textbox", name="检验检疫编号").fill(number)
    page.get_by_role("button", name="查询").click()
    results.get_by_test_id("query-row").click()
    expect(page.get_by_test_id("inspection-no")).to_contain_text(number)

    # 复制: a new draft with the same content and no number.
    page.get_by_role("button", name="复制").click()
    expect(page.get_by_role("heading", name="修改申请")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/enterprise/declarations/\d+/edit$"))
    copy_id = int(page.url.split("/")[-2])
    assert copy_id != accepted["id"]
    expect(page.get_by_label("收货人（外文）", exact=True)).to_have_value("Copy Withdraw Query Co.")
    expect(page.get_by_label("HS编码", exact=True)).to_have_value("7304192000")
    copy = api.call("GET", f"/api/v1/declarations/{copy_id}")
    assert (copy["status"], copy["inspection_no"], copy["copied_from_id"]) == ("draft", None, accepted["id"])

    # 撤回 the original, after a confirmation (cancelling first changes nothing).
    page.goto(f"/enterprise/declarations/{accepted['id']}")
    withdraw = page.get_by_test_id("detail-actions").get_by_role("button", name="撤回")
    withdraw.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("撤回这份申请？")
    dialog.get_by_role("button", name="取消").click()
    expect(page.get_by_test_id("declaration-summary").locator("[data-status=accepted]")).to_be_visible()
    withdraw.click()
    page.get_by_role("dialog").get_by_role("button", name="撤回").click()
    expect(page.get_by_test_id("declaration-summary").locator("[data-status=withdrawn]")).to_have_text(
        "已撤回"
    )
    expect(page.get_by_test_id("receipts")).to_contain_text("申请已由企业撤回。")
    expect(withdraw).to_have_count(0)
    assert api.call("GET", f"/api/v1/declarations/{accepted['id']}")["status"] == "withdrawn"
