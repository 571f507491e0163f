"""现场缮制 and 综合查询 in Chromium against the live server.

A clerk of ent-demo's enterprise (COUNTER_CLERK) gets two quality certificates issued for counter
delivery (现场缮制), each on an e-record of its own, with a consignee no other test uses. The
certificate officer COUNTER_OFFICER (first key registered in this module) signs in with the key,
opens the counter: both certificates wait; the officer takes five sheets of counter paper, prints the
first certificate on the proposed serial (the PDF opens; the server consumed exactly that serial) and
registers the next serial spoiled with a reason; the balance, the worklist and the server agree. In
综合查询 the officer narrows the certificates to that consignee and downloads the XLSX: openpyxl reads
the rows on screen. The clerk (password login) finds an e-record in the enterprise's query lists,
downloads the CSV with the same filter, and prints the e-record list (print media hides the form). On a
server that writes every export as a job, the same CSV comes after the progress bar, from the job's file.
"""

from __future__ import annotations

import csv
import io
import re
import secrets

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.core.live_server import free_port
from tests.e2e.conftest import COUNTER_CLERK, COUNTER_OFFICER, ServerProcess
from tests.e2e.enterprise_steps import (
    BAMBOO,
    DESKTOP,
    PHONE,
    RESULT,
    Api,
    e_record_issued,
    page_key_api,
    quality_form,
    registered_key_api,
    shoot,
    steel_pipes,
    submitted_application,
)
from tests.e2e.helpers import add_virtual_authenticator, login

pytestmark = pytest.mark.e2e

APPLICATIONS = "/api/v1/certificate-applications"
COUNTER = "/api/v1/blank-stock/counter"


@pytest.fixture(scope="module")
def counter_scene(browser: Browser, live_server, extra_users) -> dict:
    """Two issued quality certificates for counter delivery, each on its own e-record."""
    clerk = registered_key_api(browser, live_server, COUNTER_CLERK)
    consignee = f"Counter Desk {secrets.token_hex(3)} K.K."
    numbers, e_records = [], []
    for _ in range(2):
        body = steel_pipes(BAMBOO, consignee=consignee) | {"contract_no": f"CT-{secrets.token_hex(3)}"}
        e_record_no = e_record_issued(live_server, submitted_application(clerk, body))
        form = quality_form(inspection_result=RESULT)
        form["consignee"]["name_en"] = consignee
        draft = clerk.call(
            "POST",
            APPLICATIONS,
            {"e_record_no": e_record_no, "type_code": "11", "form": form, "delivery": "counter"},
        )
        issued = clerk.call("POST", f"{APPLICATIONS}/{draft['id']}/submit", {})
        assert issued["status"] == "issued", issued["rule_results"]
        numbers.append(issued["certificate_no"])
        e_records.append(e_record_no)
    return {"consignee": consignee, "numbers": numbers, "e_records": e_records}


def counter_item(page: Page, number: str):
    return page.get_by_test_id("counter-item").and_(page.locator(f"[data-certificate-no='{number}']"))


def confirm(page: Page) -> None:
    page.get_by_role("dialog").get_by_role("button", name="确定").click()


def test_counter_print_consumes_one_serial_and_the_query_xlsx_holds_the_rows_on_screen(
    browser: Browser, live_server, counter_scene, screenshot_dir
):
    first_no, second_no = counter_scene["numbers"]
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/login")
        add_virtual_authenticator(page)
        officer = page_key_api(page, live_server, COUNTER_OFFICER)
        page.get_by_label("用户名").fill(COUNTER_OFFICER)
        page.get_by_role("button", name="安全密钥登录").click()
        expect(page).to_have_url(re.compile(r"/certdesk/queue$"))
        page.get_by_test_id("desk-tab-counter").click()
        expect(page).to_have_url(re.compile(r"/certdesk/counter$"))
        for number in (first_no, second_no):
            expect(counter_item(page, number)).to_contain_text("品质证书")

        # Five sheets of counter paper for the quality certificate (type 11).
        paper = page.get_by_test_id("counter-paper")
        paper.get_by_label("证书种类").select_option("11")
        expect(page.get_by_test_id("counter-balance")).to_have_attribute("data-type", "11")
        before = officer.call("GET", f"{COUNTER}/reconciliation?type_code=11")
        paper.get_by_label("张数").fill("5")
        paper.get_by_role("button", name="领用").click()
        confirm(page)
        expect(page.get_by_test_id("counter-allocated")).to_have_text(str(before["allocated"] + 5))
        available = officer.call("GET", f"{COUNTER}/sheets?type_code=11")
        serial = available[0]["serial"]
        remaining = before["remaining"] + 5
        expect(page.get_by_test_id("counter-remaining")).to_have_text(str(remaining))

        # Print the first certificate on the proposed serial: the PDF opens, one serial is consumed.
        item = counter_item(page, first_no)
        expect(item.get_by_label("空白证书流水号")).to_have_value(str(serial))
        item.get_by_role("button", name="打印正本").click()
        with (
            page.context.expect_page() as tab,
            page.expect_response(re.compile(rf"/certificates/{first_no}/print$")) as printed,
        ):
            confirm(page)
        assert printed.value.status == 200 and printed.value.headers["x-blank-serial"] == str(serial)
        expect(tab.value).to_have_url(re.compile(r"^blob:"))
        tab.value.close()
        expect(counter_item(page, first_no)).to_have_count(0)
        expect(
            page.get_by_test_id("counter-printed").locator(f"[data-certificate-no='{first_no}']")
        ).to_be_visible()
        expect(page.get_by_test_id("counter-remaining")).to_have_text(str(remaining - 1))
        expect(page.get_by_test_id("counter-consumed")).to_have_text(str(before["consumed"] + 1))
        # The second certificate is now proposed the next serial.
        expect(counter_item(page, second_no).get_by_label("空白证书流水号")).to_have_value(str(serial + 1))

        # A spoiled sheet is recorded with its reason and never proposed again.
        spoil = page.get_by_test_id("counter-spoil")
        spoil.get_by_label("空白证书流水号").fill(str(serial + 1))
        spoil.get_by_label("作废原因").fill("打印机卡纸，纸张损坏")
        spoil.get_by_role("button", name="登记作废").click()
        confirm(page)
        expect(page.get_by_test_id("counter-spoiled")).to_have_text(str(before["spoiled"] + 1))
        expect(counter_item(page, second_no).get_by_label("空白证书流水号")).to_have_value(str(serial + 2))
        shoot(page, screenshot_dir, "counter", area="certdesk")

        # What the server holds: exactly that serial printed for that certificate, the next spoiled.
        printed_sheets = officer.call("GET", f"{COUNTER}/sheets?type_code=11&status=printed")
        assert serial in [s["serial"] for s in printed_sheets]
        spoiled = officer.call("GET", f"{COUNTER}/sheets?type_code=11&status=spoiled")
        assert [(s["serial"], s["spoiled_reason"]) for s in spoiled if s["serial"] == serial + 1] == [
            (serial + 1, "打印机卡纸，纸张损坏")
        ]
        after = officer.call("GET", f"{COUNTER}/reconciliation?type_code=11")
        assert (after["consumed"], after["spoiled"], after["remaining"]) == (
            before["consumed"] + 1,
            before["spoiled"] + 1,
            remaining - 2,
        )
        waiting = [row["certificate_no"] for row in officer.call("GET", f"{COUNTER}/worklist")]
        assert first_no not in waiting and second_no in waiting
        done = officer.call("GET", f"{COUNTER}/worklist?printed=true")
        assert [r["originals_printed"] for r in done if r["certificate_no"] == first_no] == [1]

        # 综合查询: the certificates of that consignee, on screen and in the XLSX.
        page.get_by_test_id("desk-tab-query").click()
        expect(page).to_have_url(re.compile(r"/query"))
        page.get_by_test_id("query-kind-certificates").click()
        filters = page.get_by_test_id("query-filters")
        filters.get_by_label("收货人").fill(counter_scene["consignee"])
        filters.get_by_role("button", name="查询").click()
        expect(page).to_have_url(re.compile(r"consignee="))
        rows = page.get_by_test_id("query-table-row")
        expect(rows).to_have_count(2)
        for i in range(2):
            expect(rows.nth(i).locator("td").first).to_have_text(re.compile(r"^\s*\d{15}\s*$"))
        on_screen = rows.evaluate_all("rows => rows.map((row) => row.cells[0].textContent.trim())")
        assert sorted(on_screen) == sorted(counter_scene["numbers"])
        with page.expect_download() as download:
            page.get_by_test_id("query-export-xlsx").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        values = list(workbook.active.iter_rows(values_only=True))
        assert values[0][0] == "证书编号 Certificate No."
        assert [row[0] for row in values[1:]] == on_screen
        assert {row[8] for row in values[1:]} == {"counter"}
        assert counter_scene["consignee"] in workbook["筛选条件 Filters"]["A1"].value
        page.set_viewport_size(DESKTOP)
        expect(page.locator(".qp-table thead")).to_be_visible()  # a table on a desk
        page.set_viewport_size(PHONE)
        shoot(page, screenshot_dir, "query", area="certdesk")
    finally:
        context.close()


def test_enterprise_query_lists_export_and_the_printable_e_record_list(
    browser: Browser, live_server, counter_scene, screenshot_dir
):
    e_record_no = counter_scene["e_records"][0]
    clerk = Api(live_server, COUNTER_CLERK)
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    try:
        login(page, COUNTER_CLERK)
        page.goto("/enterprise/query")
        page.get_by_test_id("query-view-lists").click()
        page.get_by_test_id("query-kind-e_records").click()
        filters = page.get_by_test_id("query-filters")
        filters.get_by_label("电子底账数据号").fill(e_record_no.lower())
        filters.get_by_role("button", name="查询").click()
        rows = page.get_by_test_id("query-table-row")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(e_record_no)
        # Certificates need a key login: a password session is told so and asks nothing.
        page.get_by_test_id("query-kind-certificates").click()
        expect(page.get_by_test_id("query-key-required")).to_be_visible()
        page.get_by_test_id("query-kind-e_records").click()
        filters.get_by_label("电子底账数据号").fill(e_record_no)
        filters.get_by_role("button", name="查询").click()
        expect(rows).to_have_count(1)
        with page.expect_download() as download:
            page.get_by_test_id("query-export-csv").click()
        assert download.value.suggested_filename.endswith(".csv")
        text = download.value.path().read_bytes().decode("utf-8-sig")
        note, header, *lines = list(csv.reader(io.StringIO(text)))
        assert note == [
            f"# 筛选条件 Filters: e_record_no={e_record_no}; order=created; status=e_record_issued"
        ]
        assert [line[9] for line in lines] == [e_record_no] and header[9] == "电子底账数据号 E-record No."
        listed = clerk.call("GET", f"/api/v1/declarations?e_record_no={e_record_no}")["items"]
        assert [int(line[0]) for line in lines] == [item["id"] for item in listed]
        shoot(page, screenshot_dir, "query-lists")

        # The e-record list as a printable page: print media shows the heading and the table only.
        page.get_by_test_id("query-view-print").click()
        table = page.get_by_test_id("e-records-table")
        expect(table.get_by_test_id("e-records-row").filter(has_text=e_record_no)).to_have_count(1)
        page.emulate_media(media="print")
        expect(page.locator(".erp-form")).to_be_hidden()
        expect(page.locator(".van-tabbar")).to_be_hidden()
        expect(table).to_be_visible()
        shoot(page, screenshot_dir, "e-records-print")
        page.emulate_media(media="screen")
    finally:
        context.close()


@pytest.fixture
def export_jobs_server(server_setup, live_server):
    """A second server on the same database and storage that writes every counted export as a job
    (EXPORT_JOB_ROWS=-1), the way exports above 5,000 rows are written. Without a broker, the job runs
    inside the request that asked: the answer is 202 with the job already done."""
    server = ServerProcess(
        {**server_setup["env"], "EXPORT_JOB_ROWS": "-1"}, free_port(), server_setup["tmp"] / "export-jobs.log"
    )
    server.start()
    try:
        yield server.base_url
    finally:
        server.stop()


def test_a_large_export_shows_its_progress_and_downloads_the_jobs_file(
    browser: Browser, export_jobs_server, counter_scene
):
    e_record_no = counter_scene["e_records"][0]
    context = browser.new_context(base_url=export_jobs_server, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    answers: list[tuple[str, int]] = []
    page.on("response", lambda response: answers.append((response.url, response.status)))
    try:
        login(page, COUNTER_CLERK)
        page.goto("/enterprise/query")
        page.get_by_test_id("query-view-lists").click()
        page.get_by_test_id("query-kind-e_records").click()
        page.get_by_test_id("query-filters").get_by_label("电子底账数据号").fill(e_record_no)
        page.get_by_test_id("query-filters").get_by_role("button", name="查询").click()
        expect(page.get_by_test_id("query-table-row")).to_have_count(1)
        # The bar may show for a moment only: every state it showed is recorded as it shows.
        page.evaluate(
            """() => {
              window.__exportProgress = []
              new MutationObserver(() => {
                const bar = document.querySelector('[data-testid="query-export-progress"]')
                if (bar) window.__exportProgress.push(bar.textContent.replace(/\\s+/g, ' ').trim())
              }).observe(document.body, { childList: true, subtree: true, characterData: true })
            }"""
        )
        with page.expect_download() as download:
            page.get_by_test_id("query-export-csv").click()
        text = download.value.path().read_bytes().decode("utf-8-sig")
        _note, header, *lines = list(csv.reader(io.StringIO(text)))
        assert header[9] == "电子底账数据号 E-record No." and [line[9] for line in lines] == [e_record_no]
        shown = page.evaluate("window.__exportProgress")
        assert shown and all("正在后台生成导出文件" in state for state in shown), shown
        assert any(state.endswith("100%") for state in shown), shown
        expect(page.get_by_test_id("query-export-progress")).to_have_count(0)  # gone once downloaded
        # The export was answered as a job (202), and the file came from the job's own address.
        assert len([url for url, status in answers if status == 202]) == 1, answers
        files = [url for url, status in answers if status == 200 and "/api/v1/exports/" in url]
        assert any(url.endswith("/file") for url in files), answers
    finally:
        context.close()
