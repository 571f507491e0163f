"""查询统计 and 时效 in Chromium against the live server, phone and desktop.

An instruction is issued over the API (so the period holds at least one accepted application and one
instruction of 5300). supervisor-demo opens 查询统计 from the board: the trend, district and funnel
charts draw on a canvas with data, the applications table shows the server's figures, and the XLSX
of that table, downloaded through the page, opens with openpyxl with the same figures and the
period written in it. The timeliness page draws its stage chart. Screenshots at phone and desktop size.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FieldApi
from tests.e2e.enterprise_steps import shoot
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

SUPERVISOR = "supervisor-demo"
KEYS = ("submitted", "accepted", "returned", "rejected", "withdrawn", "instructions")


def test_statistics_charts_tables_and_xlsx_agree_with_the_server(
    page: Page, field_api: FieldApi, screenshot_dir
):
    field_api.new_instruction()

    login(page, SUPERVISOR)
    expect(page).to_have_url(re.compile(r"/monitoring$"))
    page.get_by_test_id("statistics-link").click()
    expect(page).to_have_url(re.compile(r"/statistics$"))
    expect(page.get_by_role("heading", name="查询统计")).to_be_visible()
    for chart in ("chart-trend", "chart-district", "chart-funnel"):
        expect(page.locator(f"[data-testid={chart}] canvas")).to_have_count(1)
        assert int(page.get_by_test_id(chart).get_attribute("data-points")) > 0, chart

    # The page's period (the last 30 days) as the server understood it, and its figures.
    period = page.get_by_test_id("statistics-filters")
    date_from = period.locator("input[name=date_from]").input_value()
    date_to = period.locator("input[name=date_to]").input_value()
    answer = field_api.ok(
        "GET", f"/api/v1/statistics/overview?date_from={date_from}&date_to={date_to}", SUPERVISOR
    )
    figures = next(t for t in answer["tables"] if t["name"] == "applications")["rows"][0]
    assert figures["accepted"] >= 1 and figures["instructions"] >= 1
    cells = page.get_by_test_id("table-applications").locator("tbody tr").first.locator("td")
    expect(cells.nth(1)).to_have_text(str(figures["accepted"]))
    expect(cells.nth(5)).to_have_text(str(figures["instructions"]))

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx-overview.applications").click()
    download = download_info.value
    assert download.suggested_filename == "statistics-overview.applications.xlsx"
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    filters = [[cell.value for cell in row] for row in workbook["筛选条件 filters"].iter_rows()]
    assert ["期间 period", f"{date_from} – {date_to} (UTC+8)"] in filters
    assert ["关区 districts", "5300, 5301, 5302, 5320"] in filters
    rows = list(workbook["applications"].iter_rows(values_only=True))
    assert list(rows[1][: len(KEYS)]) == [figures[key] for key in KEYS]
    shoot(page, screenshot_dir, "statistics", area="supervisor")

    page.get_by_test_id("timeliness-link").click()
    expect(page).to_have_url(re.compile(r"/statistics/timeliness"))
    expect(page.get_by_test_id("timeliness-screen")).to_have_attribute("data-loading", "false")
    expect(page.locator("[data-testid=chart-stages] canvas")).to_have_count(1)
    expect(page.locator("[data-testid=chart-distribution] canvas")).to_have_count(1)
    expect(page.get_by_test_id("table-durations")).to_be_visible()
    shoot(page, screenshot_dir, "timeliness", area="supervisor")
