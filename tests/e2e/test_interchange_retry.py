"""系统管理 → 回执报文 in Chromium: a Single Window application's first receipt message is refused by the
Single Window (the receiver answers 422) and parked, holding back the next; the administrator sees it
parked with the receiver's answer, retries it, and both arrive at the receiver once, in order."""

from __future__ import annotations

import base64
import secrets

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import Browser, expect

from backend.identity.client_keys import signed_message
from tests.e2e.enterprise_steps import DESKTOP, SEAFOOD, Api, admin_key_api, page_key_api, shoot, steel_pipes
from tests.e2e.helpers import DEMO_PASSWORD, add_virtual_authenticator

pytestmark = pytest.mark.e2e

ADMIN = "admin-interchange-e2e"
SENDER = "single-window-e2e"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def single_window_api(base_url: str, admin: Api) -> Api:
    """The Single Window's system client, with an Ed25519 key registered by the administrator, logged in
    by challenge–response."""
    user = admin.call(
        "POST",
        "/api/v1/admin/users",
        {"username": SENDER, "display_name": "单一窗口", "role": "system_client", "password": DEMO_PASSWORD},
    )
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = f"sw-e2e-{secrets.token_hex(3)}"
    admin.call(
        "POST",
        "/api/v1/admin/client-keys",
        {"user_id": user["id"], "public_key": b64url(raw), "key_id": key_id},
    )
    anonymous = Api(base_url, SENDER, token="")
    challenge = {"key_id": key_id, "audience": base_url}
    nonce = anonymous.call("POST", "/api/v1/auth/key/challenge", challenge)["nonce"]
    signature = b64url(private.sign(signed_message(key_id=key_id, nonce=nonce, audience=base_url)))
    pair = anonymous.call(
        "POST", "/api/v1/auth/key/login", {"key_id": key_id, "nonce": nonce, "signature": signature}
    )
    return Api(base_url, SENDER, token=pair["access_token"])


def test_a_parked_receipt_message_is_retried_from_the_admin_screen_and_arrives_once(
    browser: Browser, live_server, single_window, screenshot_dir
):
    admin = admin_key_api(browser, live_server)
    admin.call(
        "POST",
        "/api/v1/admin/users",
        {
            "username": ADMIN,
            "display_name": "系统管理员 严谨",
            "role": "administrator",
            "district_code": "5300",
            "password": DEMO_PASSWORD,
        },
    )
    sender = single_window_api(live_server, admin)
    single_window.control("fail4xx", count=1)  # the next push only: other tests' receipts arrive as usual
    try:
        message = {
            "message_id": f"SW-E2E-{secrets.token_hex(4)}",
            "enterprise_customs_code": SEAFOOD.customs_code,
            "application": steel_pipes(SEAFOOD) | {"contract_no": f"SW-{secrets.token_hex(3)}"},
        }
        declaration_id = sender.call("POST", "/api/v1/intake/single-window/declarations", message)[
            "declaration_id"
        ]
    finally:
        single_window.control("ok")
    assert declaration_id not in [row[0] for row in single_window.received()]

    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto("/login")
        add_virtual_authenticator(page)
        page_key_api(page, live_server, ADMIN)
        page.get_by_label("用户名").fill(ADMIN)
        page.get_by_test_id("key-login").click()
        expect(page.get_by_test_id("admin-users")).to_be_visible()
        page.locator("[data-section='interchange']").click()
        parked = page.locator("[data-testid='outbox-row'][data-status='parked']")
        expect(parked).to_have_count(1)  # the list opens on the parked ones
        expect(parked).to_contain_text("422")
        expect(parked).to_contain_text("CustomsCode unknown to the Single Window")
        expect(parked).to_contain_text("已搁置")
        shoot(page, screenshot_dir, "interchange-parked", area="admin")
        parked.get_by_test_id("outbox-retry").click()
        expect(page.locator("[data-testid='outbox-row'][data-status='delivered']")).to_have_count(1)
        expect(page.locator("[data-testid='outbox-row']")).to_contain_text("已送达")
    finally:
        context.close()
    # Both messages of the application, once each and in order (the second was held back until now).
    arrived = [
        (sequence, code) for owner, sequence, code, _ in single_window.received() if owner == declaration_id
    ]
    assert [sequence for sequence, _ in arrived] == [1, 2] and arrived[0][1] == "SUBMITTED"
    assert single_window.stats()["duplicates"] == 0
