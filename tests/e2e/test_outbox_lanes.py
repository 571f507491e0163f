"""The outbox's lanes in a real Chromium (issue 10): a cut shows one banner; once online, results
and photos reach the server, and the phone then keeps only thumbnails of the photos it sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FIELD_INSPECTOR
from tests.e2e.helpers import login, wait_for_service_worker_control
from tests.e2e.test_inspector_field import (
    conclude,
    field_context,
    record_items,
    site_photo,
    wait_until_outbox_empty,
)

pytestmark = pytest.mark.e2e

PHOTOS_ON_DEVICE = """async () => {
  const db = await new Promise((resolve) => {
    const open = indexedDB.open('chajian')
    open.onsuccess = () => resolve(open.result)
  })
  const rows = await new Promise((resolve) => {
    const read = db.transaction('photos').objectStore('photos').getAll()
    read.onsuccess = () => resolve(read.result)
  })
  db.close()
  return rows.map((p) => ({ sha256: p.meta.sha256, released: Boolean(p.meta.released), size: p.blob.size,
                            fullSize: p.meta.fullSize ?? null, serverPhotoId: p.meta.serverPhotoId ?? null }))
}"""


def offline_banners(page: Page) -> int:
    """Banners that speak of the cut or of storage at the top of the screen (not the task's own notes)."""
    return page.locator("[data-testid=offline-banner], [data-testid=storage-warning]").count()


def test_a_cut_shows_one_banner_and_sent_photos_leave_only_thumbnails(browser, field_api, live_server):
    instruction = field_api.new_instruction()
    iid, items = instruction["id"], instruction["items"]
    photos = [site_photo(30 + n, (2400, 1800), "JPEG") for n in range(len(items))]
    context = field_context(browser, live_server)
    page = context.new_page()
    try:
        login(page, FIELD_INSPECTOR)
        wait_for_service_worker_control(page)
        page.locator(f"[data-instruction='{iid}']").click()
        page.get_by_role("button", name="开始查检").click()
        wait_until_outbox_empty(page)
        page.go_back()

        context.set_offline(True)
        record_items(page, items, photos=photos)
        conclude(page)
        # The outbox tried and found no network: one compact banner, whatever screen is shown.
        expect(page.get_by_test_id("offline-banner")).to_be_visible(timeout=15_000)
        assert offline_banners(page) == 1
        page.get_by_role("tab", name="待发送").click()
        expect(page.get_by_test_id("offline-banner")).to_contain_text("项待发送")
        assert offline_banners(page) == 1
        group = page.get_by_test_id("outbox-group")
        expect(group).to_have_count(1)  # one line for the instruction…
        expect(group).to_contain_text(f"{len(items)} 张照片，已发送 0 张")  # …saying what waits
        group.click()
        expect(page.locator(".outbox-entry--nested").first).to_be_visible()  # expandable to its entries

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        wait_until_outbox_empty(page, timeout=60_000)
        expect(page.get_by_test_id("offline-banner")).to_have_count(0)

        # Upload complete and link applied: the phone keeps a thumbnail, the hashes stay.
        page.wait_for_function(
            f"({PHOTOS_ON_DEVICE})()"
            f".then((rows) => rows.length === {len(items)} && rows.every((p) => p.released))",
            timeout=20_000,
        )
        kept = page.evaluate(PHOTOS_ON_DEVICE)
        assert all(p["size"] < p["fullSize"] and p["size"] < 60_000 and p["serverPhotoId"] for p in kept)
        page.goto(f"/inspector/tasks/{iid}")
        thumbs = page.get_by_test_id("photo-thumb")
        expect(thumbs).to_have_count(len(items))  # screens still show the photos
        shown = thumbs.locator("img").evaluate_all("els => els.map((i) => i.complete && i.naturalWidth)")
        assert all(width and width <= 320 for width in shown)

        page.goto("/settings")
        expect(page.get_by_test_id("storage-held")).to_contain_text(f"仅保留缩略图 {len(items)} 张")
        expect(page.get_by_test_id("storage-unsent")).to_contain_text("全部已发送")
    finally:
        context.close()

    record = field_api.ok("GET", f"/api/v1/inspections/{iid}", "supervisor-demo")
    assert record["instruction_status"] == "completed"
    assert sorted(p["sha256"] for p in record["photos"]) == sorted(p["sha256"] for p in kept)
