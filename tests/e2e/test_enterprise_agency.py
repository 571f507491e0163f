"""代理报检授权 in the enterprise portal: a principal, signed in with its key, authorises a customs
broker for `declare` over a period; the broker then declares in the principal's name and the
principal sees the application; once the principal revokes the authorisation on the same screen,
the broker's next submission is refused, naming applicant_code.

Both enterprises and their users are made here (through an administrator's key session), so no demo
enterprise gains an agent-declared application.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.enterprise_steps import Api, admin_key_api, page_key_api, shoot, steel_pipes
from tests.e2e.helpers import DEMO_PASSWORD, HOME_PATHS, add_virtual_authenticator

pytestmark = pytest.mark.e2e

PRINCIPAL_USER = "ent-principal-e2e"
AGENT_USER = "ent-broker-e2e"
PRINCIPAL = SimpleNamespace(customs_code="4403966PRN", name_zh="深圳市委托出口钢管有限公司", name_en=None)
AGENT = SimpleNamespace(customs_code="4403966AGT", name_zh="深圳市诚信报关代理有限公司", name_en=None)


def make_enterprise_and_user(admin: Api, enterprise: SimpleNamespace, username: str) -> None:
    made = admin.call(
        "POST",
        "/api/v1/admin/enterprises",
        {"customs_code": enterprise.customs_code, "name_zh": enterprise.name_zh},
    )
    admin.call(
        "POST",
        "/api/v1/admin/users",
        {
            "username": username,
            "display_name": f"单证员 {username}",
            "role": "enterprise",
            "enterprise_id": made["id"],
            "password": DEMO_PASSWORD,
        },
    )


def refused(api: Api, method: str, path: str, body: dict) -> str:
    """The error text of a call the server must refuse."""
    with pytest.raises(AssertionError) as raised:
        api.call(method, path, body)
    return str(raised.value)


def test_a_principal_grants_and_revokes_and_the_agent_declares_only_meanwhile(
    page: Page, browser, live_server, screenshot_dir
):
    admin = admin_key_api(browser, live_server)
    make_enterprise_and_user(admin, PRINCIPAL, PRINCIPAL_USER)
    make_enterprise_and_user(admin, AGENT, AGENT_USER)
    broker = Api(live_server, AGENT_USER)
    # Before any authorisation the broker cannot name the exporter.
    before = refused(broker, "POST", "/api/v1/declarations", steel_pipes(PRINCIPAL))
    assert "403" in before and "declaration.party_not_authorised" in before

    # The principal signs in with its security key (first key: enrolment code from the administrator).
    page.goto("/healthz")
    add_virtual_authenticator(page)
    page_key_api(page, live_server, PRINCIPAL_USER)
    page.goto("/login")
    page.get_by_label("用户名").fill(PRINCIPAL_USER)
    page.get_by_role("button", name="安全密钥登录").click()
    page.wait_for_url(HOME_PATHS)

    page.goto("/enterprise/agency")
    expect(page.get_by_role("heading", name="代理报检授权")).to_be_visible()
    expect(page.get_by_test_id("agency-granted")).to_contain_text("尚未授权任何代理企业")
    page.get_by_label("代理企业海关编码").fill(AGENT.customs_code)
    page.get_by_label("截止日期").fill((date.today() + timedelta(days=90)).isoformat())
    page.get_by_label("说明").fill("2027 年度代理报检委托书 第 12 号")
    page.get_by_role("button", name="新增授权").click()
    row = page.get_by_test_id("agency-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(AGENT.name_zh)
    expect(row).to_contain_text("申报")
    expect(row).to_contain_text("有效")
    shoot(page, screenshot_dir, "agency-granted")

    # The broker declares in the principal's name; the principal sees the application too.
    draft = broker.call(
        "POST", "/api/v1/declarations", steel_pipes(PRINCIPAL, consignee="Agent Case One Ltd.")
    )
    accepted = broker.call(
        "POST", f"/api/v1/declarations/{draft['id']}/submit", {"version": draft["version"]}
    )
    assert accepted["status"] == "accepted" and accepted["inspection_no"]
    second = broker.call(
        "POST", "/api/v1/declarations", steel_pipes(PRINCIPAL, consignee="Agent Case Two Ltd.")
    )
    principal_api = Api(live_server, PRINCIPAL_USER)
    seen = {item["id"] for item in principal_api.call("GET", "/api/v1/declarations")["items"]}
    assert {draft["id"], second["id"]} <= seen

    # Revoked on the screen: the broker's pending submission is refused, naming the field.
    row.get_by_role("button", name="撤销").click()
    expect(row).to_contain_text("已撤销")
    expect(row.get_by_role("button", name="撤销")).to_have_count(0)
    shoot(page, screenshot_dir, "agency-revoked")
    after = refused(
        broker, "POST", f"/api/v1/declarations/{second['id']}/submit", {"version": second["version"]}
    )
    assert "403" in after and "applicant_code" in after
    held = broker.call("GET", "/api/v1/agent-authorisations?side=held")
    assert [(h["principal"]["customs_code"], bool(h["revoked_at"])) for h in held] == [
        (PRINCIPAL.customs_code, True)
    ]
