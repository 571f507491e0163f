"""An inspection's evidence bundle checked on the verify page, offline, like a certificate's seal.

An inspector records an inspection through the sync API of the live server (accept, start, three
findings); the supervisor downloads the evidence bundle. On a phone the verify page, opened once
online (service worker, published keys), then offline, checks the bundle as sealed — OK, four custody
records, the district's key — and a copy with one finding edited in its custody file, which it names
(第 3 条记录被修改); on a desktop the same, online. The server's own check of the same bytes agrees.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import FIELD_INSPECTOR
from tests.e2e.helpers import wait_for_service_worker_control
from tests.helpers import make_op

pytestmark = pytest.mark.e2e


def recorded_bundle(field_api) -> tuple[bytes, int]:
    instruction = field_api.new_instruction()
    iid, version = instruction["id"], instruction["version"]
    ops = [
        make_op("instruction.accept", iid, base_version=version),
        make_op("instruction.start", iid, base_version=version + 1),
        *(
            make_op(
                "item_result.set",
                iid,
                base_version=0,
                item_id=item["id"],
                body={"result": "conforms", "notes": "", "measurements": {}},
            )
            for item in instruction["items"]
        ),
    ]
    pushed = field_api.ok(
        "POST", "/api/v1/sync/push", FIELD_INSPECTOR, {"device_id": "phone-evidence-e2e", "operations": ops}
    )
    assert {r["status"] for r in pushed["results"]} == {"applied"}, pushed
    bundle = field_api.ok("GET", f"/api/v1/inspections/{iid}/evidence-bundle", "supervisor-demo")
    return bundle, len(ops) - 1  # every operation but the accept writes a custody record


def edited(bundle: bytes) -> bytes:
    """The bundle with its third custody record's finding changed from conforms to does_not_conform."""
    source = zipfile.ZipFile(io.BytesIO(bundle))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "custody.jsonl":
                lines = data.split(b"\n")
                lines[2] = lines[2].replace(b'"result":"conforms"', b'"result":"does_not_conform"')
                data = b"\n".join(lines)
            target.writestr(name, data)
    return out.getvalue()


def check(page: Page, name: str, data: bytes) -> None:
    page.get_by_test_id("evidence-file").set_input_files(
        {"name": name, "mimeType": "application/zip", "buffer": data}
    )


def test_an_evidence_bundle_checks_offline_and_an_edited_record_is_named(
    browser: Browser, base_url, field_api, screenshot_dir
):
    bundle, records = recorded_bundle(field_api)
    assert records == 4
    tampered = edited(bundle)
    phone = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        page = phone.new_page()
        page.goto("/verify")
        expect(page.get_by_test_id("keys-line")).to_contain_text("已从服务器获取")
        wait_for_service_worker_control(page)
        phone.set_offline(True)
        page.reload()
        expect(page.get_by_test_id("keys-line")).to_contain_text("离线：使用本机保存的")

        check(page, "evidence.zip", bundle)
        result = page.get_by_test_id("evidence-result")
        expect(result).to_have_attribute("data-verdict", "ok")
        expect(result).to_contain_text(f"{records} 条监管记录")
        expect(result).to_contain_text("5300-")
        result.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "phone-verify-evidence-ok.png", full_page=True)

        check(page, "evidence-edited.zip", tampered)
        expect(result).to_have_attribute("data-verdict", "failed")
        problems = page.get_by_test_id("evidence-problems").locator("li")
        expect(problems).to_have_count(1)
        expect(problems.first).to_have_text("第 3 条记录被修改")
        expect(problems.first).to_have_attribute("data-code", "record_edited")
        page.screenshot(path=screenshot_dir / "phone-verify-evidence-edited.png", full_page=True)
    finally:
        phone.close()

    desktop = browser.new_context(base_url=base_url, locale="en", viewport={"width": 1280, "height": 800})
    try:
        page = desktop.new_page()
        page.goto("/verify")
        expect(page.get_by_test_id("keys-line")).not_to_contain_text("…")
        check(page, "evidence-edited.zip", tampered)
        expect(page.get_by_test_id("evidence-result")).to_have_attribute("data-verdict", "failed")
        page.screenshot(path=screenshot_dir / "desktop-verify-evidence-edited.png", full_page=True)
        check(page, "evidence.zip", bundle)
        expect(page.get_by_test_id("evidence-result")).to_have_attribute("data-verdict", "ok")
    finally:
        desktop.close()
