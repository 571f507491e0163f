"""系统管理 in Chromium against the live server: an administrator enrols a new inspector and edits a
risk rule after previewing its hits; another imports the ports code table.

A second administrator (created here through the enrolment administrator's key session) signs in with
the password and meets the key-required explanation; registers a first key from 辅助工具 with the
enrolment code and signs in with it. In 用户与角色 they create an inspector with an initial password
and issue the inspector's one-time enrolment code, shown once on the screen. The inspector signs in
with the password (in a tab of their own), registers a key with that code under 设置 → 辅助工具 →
我的安全密钥, signs out and back in with the key; the administrator then sees the key on the
inspector's row. In 布控规则 a new rule's conditions with a typo are refused with the position marked;
corrected, the preview over the last applications lists the steel-pipe application just accepted
(and why); saved switched off, then switched on as version 2; the audit trail finds the change and
exports it as CSV.

The second administrator imports ports: a file with bad rows is refused as a whole, each bad row named
with its column; the whole table with one port added and one renamed shows that diff and is applied
as a new version, after which the new port is found by everyone's look-up (辅助工具).
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.enterprise_steps import (
    DESKTOP,
    PHONE,
    SEAFOOD,
    Api,
    admin_key_api,
    enrolment_code,
    page_key_api,
    shoot,
    steel_pipes,
    submitted_application,
)
from tests.e2e.helpers import DEMO_PASSWORD, add_virtual_authenticator

pytestmark = pytest.mark.e2e

ADMIN = "admin-console-e2e"
INSPECTOR = "inspector-enrol-e2e"


def password_login(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def register_first_key(page: Page, name: str, code: str) -> None:
    """On 辅助工具 → 我的安全密钥: the first key, with the one-time enrolment code."""
    expect(page.get_by_test_id("enrolment-hint")).to_contain_text("一次性注册码")
    page.get_by_label("密钥名称").fill(name)
    page.get_by_label("注册码").fill(code)
    page.get_by_role("button", name="登记新密钥").click()
    expect(page.get_by_test_id("key-row")).to_contain_text(name)


def section(page: Page, name: str) -> None:
    page.locator(f"[data-section='{name}']").click()


def test_administrator_enrols_an_inspector_and_previews_a_risk_rule(
    browser: Browser, live_server, screenshot_dir
):
    admin_key_api(browser, live_server).call(
        "POST",
        "/api/v1/admin/users",
        {
            "username": ADMIN,
            "display_name": "系统管理员 吴敏",
            "role": "administrator",
            "district_code": "5300",
            "password": DEMO_PASSWORD,
        },
    )
    accepted = submitted_application(
        Api(live_server, "ent2-demo"), steel_pipes(SEAFOOD) | {"contract_no": f"AD-{secrets.token_hex(3)}"}
    )
    assert accepted["inspection_no"], accepted

    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    try:
        # A password session reaches the area but sees why it needs a key; first key from 辅助工具.
        page.goto("/login")
        add_virtual_authenticator(page)
        password_login(page, ADMIN)
        expect(page).to_have_url(re.compile(r"/admin$"))
        gate = page.get_by_test_id("key-required")
        expect(gate).to_contain_text("系统管理的每项变更")
        expect(page.get_by_test_id("admin-users")).to_have_count(0)
        gate.get_by_role("button", name="还没有密钥？先登记一个").click()
        expect(page).to_have_url(re.compile(r"/tools/keys$"))
        register_first_key(page, "管理员密钥", enrolment_code(browser, live_server, ADMIN))
        page.goto("/admin/users")
        page.get_by_role("button", name="使用密钥登录").click()
        users = page.get_by_test_id("admin-users")
        expect(users).to_be_visible()
        expect(page.locator("[data-section='users']")).to_have_attribute("aria-current", "page")

        # 用户与角色: a new inspector with an initial password, then the one-time enrolment code.
        create = page.get_by_test_id("user-create")
        create.get_by_label("用户名").fill(INSPECTOR)
        create.get_by_label("姓名").fill("查检员 郑航")
        create.get_by_label("角色").select_option("inspector")
        create.get_by_label("初始密码（可不填）").fill(DEMO_PASSWORD)
        create.get_by_role("button", name="新建用户").click()
        detail = page.get_by_test_id("user-detail")
        expect(detail).to_have_attribute("data-username", INSPECTOR)
        expect(detail).to_contain_text("查检员 郑航")
        expect(detail).to_contain_text("尚未登记安全密钥")
        page.get_by_label("用户名或姓名").fill("郑航")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_test_id("user-row")).to_have_count(1)
        expect(page.get_by_test_id("user-row")).to_contain_text("查检员")
        detail.get_by_test_id("issue-code").click()
        expect(page.get_by_test_id("enrolment-code")).to_contain_text("只显示这一次")
        code = page.get_by_test_id("enrolment-code-value").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9-]{8,}", code), code
        shoot(page, screenshot_dir, "users-enrolment-code", area="admin")

        # The inspector, in a tab of their own: password, first key with the code, out, in with the key.
        inspector_context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
        tab = inspector_context.new_page()
        try:
            tab.goto("/login")
            add_virtual_authenticator(tab)
            password_login(tab, INSPECTOR)
            expect(tab).to_have_url(re.compile(r"/inspector/tasks$"))
            tab.goto("/settings")
            tab.get_by_test_id("tools-link").click()
            expect(tab).to_have_url(re.compile(r"/tools$"))
            tab.get_by_text("我的安全密钥").click()
            register_first_key(tab, "现场查检密钥", code)
            tab.goto("/settings")
            tab.get_by_role("button", name="退出登录").click()
            tab.get_by_role("dialog").get_by_role("button", name="退出登录").click()
            expect(tab).to_have_url(re.compile(r"/login"))
            tab.get_by_label("用户名").fill(INSPECTOR)
            tab.get_by_test_id("key-login").click()
            expect(tab).to_have_url(re.compile(r"/inspector/tasks$"))
            tab.goto("/tools/keys")
            expect(tab.get_by_test_id("assurance")).to_contain_text("卡介质（密钥）登录")
        finally:
            inspector_context.close()
        page.get_by_role("link", name=INSPECTOR).click()
        expect(page.get_by_test_id("user-key")).to_contain_text("现场查检密钥")
        expect(page.get_by_test_id("user-key")).to_contain_text("上次使用")

        # 布控规则: a typo refused with its position; the preview names the application just accepted.
        section(page, "rules")
        rules = page.get_by_test_id("rule-editor")
        rules.get_by_label("规则名称").fill("钢管输日抽查")
        rules.get_by_label("条件").fill("hs:730419 dset:JPN")
        rules.get_by_test_id("rule-preview").click()
        problem = page.get_by_test_id("rule-problem")
        expect(problem).to_contain_text("第 11 个字符")
        expect(problem).to_contain_text("^")
        rules.get_by_label("条件").fill("hs:730419 dest:JPN")
        rules.get_by_label("预览最近").fill("20")
        rules.get_by_test_id("rule-preview").click()
        expect(problem).to_have_count(0)
        hit = page.locator(f"[data-testid='preview-hit'][data-inspection-no='{accepted['inspection_no']}']")
        expect(hit).to_contain_text(SEAFOOD.name_zh)
        expect(hit).to_contain_text("HS/CIQ 以 730419 开头")
        expect(hit).to_contain_text("目的国 JPN")
        expect(page.get_by_test_id("rule-preview-result")).to_contain_text("份会被抽中")
        shoot(page, screenshot_dir, "rule-preview", area="admin")
        rules.get_by_test_id("rule-save").click()
        row = page.get_by_test_id("rule-row").filter(has_text="钢管输日抽查")
        expect(row).to_contain_text("hs:730419 dest:JPN")
        expect(row).to_contain_text("未启用")
        expect(rules).to_contain_text("当前第 1 版")
        rules.get_by_label("启用此规则").check()
        rules.get_by_test_id("rule-save").click()
        expect(rules).to_contain_text("当前第 2 版")
        expect(row).to_contain_text("启用")

        # 时限: the district's own limit for document review, beside the national default.
        section(page, "deadlines")
        review = page.locator("[data-testid='time-limit'][data-stage='review']")
        expect(review).to_contain_text("单证审核")
        expect(review).to_contain_text("1 个工作日")
        review.get_by_label("时限").fill("2")
        review.get_by_role("button", name="设定").click()
        expect(review.get_by_role("button", name="恢复默认")).to_be_visible()

        # 审计日志: the change is found by what was done, and exported.
        section(page, "audit")
        audit = page.get_by_test_id("admin-audit")
        audit.get_by_label("操作", exact=True).fill("risk_rule.updated")
        audit.get_by_role("button", name="查询").click()
        expect(
            page.locator("[data-testid='audit-row'][data-action='risk_rule.updated']").first
        ).to_contain_text(ADMIN)
        with page.expect_download() as download:
            audit.get_by_test_id("export-csv").click()
        exported = download.value
        assert exported.suggested_filename == "audit-events.csv"
        text = open(exported.path(), encoding="utf-8-sig").read()
        assert "risk_rule.updated" in text and ADMIN in text and "risk_rule.created" not in text
        shoot(page, screenshot_dir, "audit", area="admin")
    finally:
        context.close()


CATALOG_ADMIN = "admin-catalogs-e2e"


def _csv(rows: list[dict]) -> bytes:
    lines = ["code,name_zh,name_en,customs_code"]
    lines += [f"{r['code']},{r['name_zh']},{r.get('name_en', '')},{r.get('customs_code', '')}" for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_administrator_imports_ports_refused_then_applied(browser: Browser, live_server, screenshot_dir):
    from backend.catalogs.seeding import SEED_ROWS

    admin_key_api(browser, live_server).call(
        "POST",
        "/api/v1/admin/users",
        {
            "username": CATALOG_ADMIN,
            "display_name": "代码表管理员 冯岚",
            "role": "administrator",
            "district_code": "5300",
            "password": DEMO_PASSWORD,
        },
    )
    ports = SEED_ROWS["ports"]()
    new_port = {"code": "CNQZH", "name_zh": "钦州港", "name_en": "Qinzhou", "customs_code": "7208"}
    assert new_port["code"] not in {p["code"] for p in ports}
    renamed = {**ports[0], "name_en": f"{ports[0]['name_en']} (renamed)"}
    bad = _csv([ports[1], {"code": "CN-X", "name_zh": "坏口岸"}, {"code": "CNABC", "name_zh": ""}])
    good = _csv([renamed, *ports[1:], new_port])

    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto("/login")
        add_virtual_authenticator(page)
        page_key_api(page, live_server, CATALOG_ADMIN)
        page.get_by_label("用户名").fill(CATALOG_ADMIN)
        page.get_by_test_id("key-login").click()
        expect(page.get_by_test_id("admin-users")).to_be_visible()
        section(page, "catalogs")
        page.locator("[data-testid='catalog-row'][data-table='ports']").get_by_role("link").click()
        detail = page.get_by_test_id("catalog-detail")
        expect(detail).to_have_attribute("data-table", "ports")
        expect(page.get_by_test_id("catalog-layout")).to_contain_text("code,name_zh,name_en,customs_code")
        versions_before = page.get_by_test_id("catalog-version").count()

        # A malformed file: refused as a whole, each bad row named with its column and reason.
        detail.locator("input[type=file]").set_input_files(
            {"name": "ports-bad.csv", "mimeType": "text/csv", "buffer": bad}
        )
        detail.get_by_role("button", name="上传并预览差异").click()
        refused = page.get_by_test_id("import-refused")
        expect(refused.locator("[data-testid='bad-row'][data-row='3']")).to_contain_text("code")
        expect(refused.locator("[data-testid='bad-row'][data-row='4']")).to_contain_text("name_zh")
        expect(page.get_by_test_id("import-preview")).to_have_count(0)
        shoot(page, screenshot_dir, "catalog-import-refused", area="admin")

        # The whole table with one port added and one renamed: the diff, then applied as a new version.
        detail.locator("input[type=file]").set_input_files(
            {"name": "ports.csv", "mimeType": "text/csv", "buffer": good}
        )
        detail.get_by_role("button", name="上传并预览差异").click()
        preview = page.get_by_test_id("import-preview")
        expect(preview).to_contain_text("新增 1 条，修改 1 条，停用 0 条")
        expect(page.get_by_test_id("diff-added")).to_contain_text("CNQZH 钦州港")
        first = ports[0]
        what = f"{first['code']} {first['name_zh']} — name_en: {first['name_en']} → {renamed['name_en']}"
        expect(page.get_by_test_id("diff-changed")).to_contain_text(what)
        expect(refused).to_have_count(0)
        shoot(page, screenshot_dir, "catalog-import-preview", area="admin")
        page.get_by_test_id("apply-import").click()
        expect(page.get_by_test_id("catalog-version")).to_have_count(versions_before + 1)
        expect(page.get_by_test_id("catalog-version").first).to_contain_text("新增 1、修改 1、停用 0")

        # The new port is there for everyone's look-ups.
        page.goto("/tools")
        page.get_by_label("代码表").select_option("ports")
        page.get_by_label("代码或名称").fill("CNQZ")
        expect(page.get_by_test_id("lookup-item").filter(has_text="CNQZH")).to_contain_text("钦州港")
        # … and the number checker says what it makes of a number (an inspection number's explanation
        # waits for the checker's fix on main: it answers 500 there today).
        page.get_by_label("编号", exact=True).fill("X12345")
        page.get_by_role("button", name="校验").click()
        result = page.get_by_test_id("number-result")
        expect(result).to_contain_text("无法识别")
        expect(result).to_have_attribute("data-valid", "false")
        expect(page.get_by_test_id("number-check")).to_contain_text("不是检验检疫编号（15位）")
        shoot(page, screenshot_dir, "tools", area="tools")
    finally:
        context.close()
