"""An enterprise clerk fills a goods line from the HS look-up (辅助工具 pick lists in the form)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.enterprise_steps import shoot
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def test_clerk_fills_a_goods_line_from_the_hs_lookup(page: Page, live_server, screenshot_dir):
    login(page, "ent-demo")
    page.get_by_role("link", name="新建申请").click()
    expect(page.get_by_role("heading", name="新建申请")).to_be_visible()
    line = page.get_by_test_id("goods-line-0")
    hs = line.get_by_label("HS编码", exact=True)

    # One character asks nothing; two list codes with what the goods need.
    hs.fill("竹")
    expect(line.get_by_role("listbox")).to_have_count(0)
    hs.fill("竹制")
    options = line.get_by_role("listbox", name="HS编码").get_by_role("option")
    chopsticks = options.filter(has_text="4419121000 竹制筷子")
    expect(chopsticks).to_contain_text("单位 千克")
    expect(chopsticks).to_contain_text("监管条件 AB")
    expect(chopsticks).to_contain_text("需 出境竹木草制品生产企业注册登记")
    expect(chopsticks).to_contain_text("证书 植物检疫证书")
    shoot(page, screenshot_dir, "hs-lookup")

    chopsticks.get_by_role("button").click()
    expect(line.get_by_role("listbox")).to_have_count(0)
    expect(hs).to_have_value("4419121000")
    expect(line.get_by_label("货物名称", exact=True)).to_have_value("竹制筷子")
    expect(line.get_by_label("货物名称（外文）", exact=True)).to_have_value("Chopsticks of bamboo")
    expect(line.get_by_label("数量单位", exact=True)).to_have_value("035")
    # What the goods need is added to the form: the registration to name, the certificate to ask for.
    qualifications = page.get_by_test_id("qualifications-section")
    expect(qualifications.get_by_label("资质类别")).to_have_value("BWG_PRODUCER")
    certificates = page.get_by_test_id("certificates-section")
    expect(certificates.get_by_role("checkbox", name="18 植物检疫证书")).to_be_checked()
    qualifications.get_by_label("资质编号", exact=True).fill("4403BWG0001")

    # The CIQ code, the unit and the ports come from their tables too, by code or by name.
    ciq = line.get_by_label("检验检疫编码", exact=True)
    ciq.fill("4419121")
    line.get_by_role("option").filter(has_text="4419121000999").get_by_role("button").click()
    expect(ciq).to_have_value("4419121000999")
    port = page.get_by_label("离境口岸", exact=True)
    port.fill("盐田")
    page.get_by_role("option").filter(has_text="CNYTN 盐田").get_by_role("button").click()
    expect(port).to_have_value("CNYTN")
    country = page.get_by_label("输往国家", exact=True)
    country.fill("日本")
    page.get_by_role("option").filter(has_text="JPN 日本").get_by_role("button").click()
    expect(country).to_have_value("JPN")

    # A code typed by hand under a real subheading but not in the national table: a warning only.
    hs.fill("4419129000")
    page.get_by_role("button", name="校验").click()
    # Shown as a warning (the warning colour's class), beside the field, naming the table's version.
    hs_warning = line.locator(".finding--warning", has=page.get_by_label("HS编码", exact=True))
    expect(hs_warning).to_contain_text("不在商品编码表第1版（2000-01-01起施行）")
    # The registration the goods needed was named, so the check finds nothing missing for it.
    expect(page.get_by_test_id("findings")).not_to_contain_text("出境竹木草制品生产企业注册登记")
    shoot(page, screenshot_dir, "hs-lookup-filled")
