"""Certificate verification for anyone, offline, in Chromium against the live server.

A real certificate is issued over HTTP, the way an exporter gets one: a clerk of ent2-demo's
enterprise registers a security key (a virtual WebAuthn authenticator in this Chromium) and logs in
with it, submits an application for
honey that the reviewer approves (e-record issued), applies for a sanitary certificate, which
intelligent review issues at once, and downloads its PDF; the QR code is read from the rendered page
(pdftoppm + zbarimg). That QR text, drawn again as a PNG, is then checked in the PWA's verify screen
while the browser is offline, and once with one character changed.
"""

from __future__ import annotations

import secrets
import subprocess

import pytest
import qrcode
from playwright.sync_api import APIRequestContext, Browser, Page, Playwright, expect

from tests.e2e.conftest import KEY_CLERK
from tests.e2e.enterprise_steps import SEAFOOD, food_application, key_session
from tests.e2e.helpers import DEMO_PASSWORD, wait_for_service_worker_control

pytestmark = pytest.mark.e2e

# A clerk of 深圳市海鲜冷链进出口有限公司 (ent2-demo's enterprise, 4403961XYZ, holds HONEY_PRODUCER
# 4403HN00009) with no key yet: ent2-demo's own first key belongs to the enterprise-access test.
ENTERPRISE = KEY_CLERK


def bearer(request: APIRequestContext, username: str) -> dict:
    response = request.post("/api/v1/auth/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.ok, response.text()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def call(request: APIRequestContext, method: str, path: str, headers: dict, body=None, status: int = 200):
    response = request.fetch(path, method=method, data=body, headers=headers)
    assert response.status == status, f"{method} {path}: {response.status} {response.text()}"
    return response


def honey_application(contract_no: str) -> dict:
    """A complete application of ent2-demo for its own natural honey to Hamburg (health certificate 16)."""
    return food_application(
        SEAFOOD,
        "honey",
        qualification="HONEY_PRODUCER",
        registration_no="4403HN00009",
        cert_code="16",
        contract_no=contract_no,
        consignee_name_en="Hamburg Honey GmbH",
        consignee_address="Speicherstadt 1, 20457 Hamburg",
        trade_country="DEU",
        destination_country="DEU",
        arrival_port="DEHAM",
        storage_place="深圳市南山区蛇口港湾大道 2 号冷库",
        package_kind="DRUM",
        containers=[{"size_type": "20GP", "count": 1, "numbers": ["CSNU6184322"]}],
    )


SANITARY_FORM = {
    "consignee": {"name_en": "Hamburg Honey GmbH", "address_en": "Speicherstadt 1, 20457 Hamburg"},
    "destination_country": "DEU",
    "means_of_conveyance": "BY SEA / COSCO SHIPPING ARIES",
    "transport_mode": "2",
    "port_of_departure": "Yantian, China",
    "port_of_destination": "Hamburg, Germany",
    "marks": "N/M",
    "goods": [
        {
            "hs_code": "0409000000",
            "description_zh": "天然蜂蜜",
            "description_en": "Natural honey",
            "quantity": "19200",
            "quantity_unit": "035",
            "net_weight": "19200",
            "packages": 64,
            "package_kind": "DRUM",
            "package_kind_zh": "桶",
        }
    ],
    "fields": {"sanitary_result": "经检验，符合卫生要求。 Meets the sanitary requirements."},
}


@pytest.fixture(scope="module")
def issued(playwright: Playwright, browser: Browser, live_server, extra_users, tmp_path_factory) -> dict:
    """A certificate issued over HTTP and the text of the QR code on its PDF."""
    request = playwright.request.new_context(base_url=live_server)
    try:
        password = bearer(request, ENTERPRISE)
        key = key_session(browser, live_server, password, ENTERPRISE)
        reviewer = bearer(request, "reviewer-demo")
        draft = call(
            request,
            "POST",
            "/api/v1/declarations",
            password,
            honey_application(f"HN-{secrets.token_hex(3)}"),
            201,
        ).json()
        accepted = call(
            request,
            "POST",
            f"/api/v1/declarations/{draft['id']}/submit",
            password,
            {"version": draft["version"]},
        ).json()
        decision = call(
            request,
            "POST",
            f"/api/v1/review/declarations/{accepted['id']}/approve",
            reviewer,
            {"expected_version": accepted["version"]},
        ).json()
        assert decision["outcome"] == "e_record_issued", decision
        application = call(
            request,
            "POST",
            "/api/v1/certificate-applications",
            key,
            {
                "e_record_no": decision["e_record"]["e_record_no"],
                "type_code": "16",
                "form": SANITARY_FORM,
            },
            201,
        ).json()
        application = call(
            request, "POST", f"/api/v1/certificate-applications/{application['id']}/submit", key, {}
        ).json()
        assert application["status"] == "issued", application["rule_results"]
        number = application["certificate_no"]
        pdf = call(request, "GET", f"/api/v1/certificates/{number}/pdf", key).body()
    finally:
        request.dispose()
    folder = tmp_path_factory.mktemp("certificate")
    (folder / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "certificate.pdf", "page"],
        cwd=folder,
        check=True,
        timeout=60,
    )
    page_png = next(folder.glob("page*.png"))
    scanned = subprocess.run(
        ["zbarimg", "--raw", "-q", str(page_png)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert scanned.startswith(f"{live_server}/verify/{number}?s=C1.{number}."), scanned
    payload = scanned.split("?s=", 1)[1]
    return {"certificate_no": number, "qr_text": scanned, "payload": payload, "folder": folder}


def qr_png(text: str, path) -> str:
    qrcode.make(text, border=4, box_size=6).save(path)
    return str(path)


def tampered(payload: str) -> str:
    """The payload with one character of the content digest changed (still well formed)."""
    parts = payload.split(".")
    digest = parts[3]
    parts[3] = digest[:10] + ("A" if digest[10] != "A" else "B") + digest[11:]
    return ".".join(parts)


def verify_with(page: Page, text: str) -> None:
    page.get_by_label("二维码内容").fill(text)
    page.get_by_role("button", name="验证", exact=True).click()


def test_seal_verifies_offline_from_a_photo_and_a_tampered_code_is_invalid(
    browser: Browser, base_url, issued, screenshot_dir
):
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        # Online once: the app installs its service worker and keeps the published keys.
        page.goto("/verify")
        expect(page.get_by_role("heading", name="证书验证")).to_be_visible()
        expect(page.get_by_test_id("keys-line")).to_contain_text("已从服务器获取")
        wait_for_service_worker_control(page)

        context.set_offline(True)
        page.reload()
        expect(page.get_by_test_id("keys-line")).to_contain_text("离线：使用本机保存的")

        page.get_by_test_id("verify-camera").set_input_files(
            qr_png(issued["qr_text"], issued["folder"] / "ok.png")
        )
        result = page.get_by_test_id("verify-result")
        expect(result).to_have_attribute("data-seal", "valid")
        expect(page.get_by_test_id("seal-verdict")).to_have_text("电子印章有效")
        expect(page.get_by_test_id("result-certificate-no")).to_contain_text(issued["certificate_no"])
        expect(page.get_by_test_id("result-key-id")).to_contain_text(issued["payload"].split(".")[2])
        expect(page.get_by_test_id("status-offline")).to_contain_text("未能查询证书的最新状态")
        expect(page.get_by_test_id("status-offline")).to_contain_text("电子印章有效")
        page.screenshot(path=screenshot_dir / "phone-verify-valid.png", full_page=True)

        bad = tampered(issued["payload"])
        assert sum(a != b for a, b in zip(bad, issued["payload"], strict=True)) == 1
        page.get_by_test_id("verify-file").set_input_files(qr_png(bad, issued["folder"] / "bad.png"))
        expect(result).to_have_attribute("data-seal", "invalid")
        expect(page.get_by_test_id("seal-verdict")).to_have_text("电子印章无效")
        page.screenshot(path=screenshot_dir / "phone-verify-invalid.png", full_page=True)

        # The phone's own camera app opens the QR code's link: still offline, the installed app
        # answers /verify/<no>?s=… and checks the seal itself.
        page.goto(issued["qr_text"])
        expect(result).to_have_attribute("data-seal", "valid")
        expect(page.get_by_test_id("result-certificate-no")).to_contain_text(issued["certificate_no"])

        # Back online: the same code now also shows the certificate's status from the server.
        context.set_offline(False)
        verify_with(page, issued["qr_text"])
        expect(result).to_have_attribute("data-seal", "valid")
        expect(page.get_by_test_id("result-status").locator("[data-status]")).to_have_attribute(
            "data-status", "valid"
        )
        expect(result).to_contain_text(SEAFOOD.name_zh)
        expect(page.get_by_test_id("status-offline")).to_have_count(0)
    finally:
        context.close()


def test_verify_page_on_a_desktop_online(browser: Browser, base_url, issued, screenshot_dir):
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        # The link inside the QR code opens the app's screen once the app is installed (here: directly).
        page.goto(f"/verify?s={issued['payload']}")
        expect(page.get_by_test_id("verify-result")).to_have_attribute("data-seal", "valid")
        expect(page.get_by_test_id("result-status")).to_contain_text("有效")
        page.screenshot(path=screenshot_dir / "desktop-verify-valid.png", full_page=True)
        verify_with(page, tampered(issued["payload"]))
        expect(page.get_by_test_id("verify-result")).to_have_attribute("data-seal", "invalid")
        expect(page.get_by_test_id("seal-verdict")).to_have_text("电子印章无效")
        page.screenshot(path=screenshot_dir / "desktop-verify-invalid.png", full_page=True)
        verify_with(page, "这不是证书二维码")
        expect(page.get_by_test_id("verify-result")).to_have_attribute("data-seal", "unreadable")
    finally:
        context.close()
