"""The inspector's offline field app (移动单兵作业) in a real Chromium against real servers.

Each test makes its own instruction through the API (enterprise declares, reviewer approves under a
100 % risk rule, supervisor assigns it to the field inspector) and checks what the server holds
afterwards, through the API, against what the page computed.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import time

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import FIELD_INSPECTOR
from tests.e2e.helpers import login, wait_for_service_worker_control

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SITE = {"latitude": 22.6573, "longitude": 114.0608, "accuracy": 8}


def field_context(browser: Browser, base_url: str):
    return browser.new_context(
        base_url=base_url, locale="zh-CN", viewport=PHONE, geolocation=SITE, permissions=["geolocation"]
    )


def site_photo(seed: int, size: tuple[int, int], fmt: str) -> dict:
    """A distinct camera-sized picture (bigger than 1600 px, so the phone must scale it down)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([x, y, x + rng.randrange(50, 600), y + rng.randrange(50, 600)], fill=colour)
    out = io.BytesIO()
    image.save(out, format=fmt, quality=90) if fmt == "JPEG" else image.save(out, format=fmt)
    mime = "image/jpeg" if fmt == "JPEG" else "image/png"
    return {"name": f"site-{seed}.{fmt.lower()}", "mimeType": mime, "buffer": out.getvalue()}


def snap(page: Page, folder, name: str) -> None:
    """Phone and desktop screenshots of the current screen."""
    page.screenshot(path=folder / f"phone-{name}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=folder / f"desktop-{name}.png", full_page=True)
    page.set_viewport_size(PHONE)


def sign(page: Page) -> None:
    pad = page.get_by_test_id("signature-pad")
    pad.evaluate("el => el.scrollIntoView({ block: 'center' })")  # clear of the fixed tab bar
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] * (0.7 - 0.4 * (step % 2)))
    page.mouse.up()


def record_items(page: Page, items: list[dict], results: dict | None = None, photos: list | None = None):
    for index, item in enumerate(items):
        section = page.get_by_test_id(f"item-{item['seq']}")
        section.get_by_role("radio", name=(results or {}).get(item["id"], "符合"), exact=True).click()
        section.get_by_label("备注").fill(f"第{item['seq']}项 本机记录：与申报一致")
        if photos:
            section.get_by_label("拍照").set_input_files(photos[index])
            expect(section.get_by_test_id("photo-thumb")).to_have_count(1, timeout=15_000)


def conclude(page: Page) -> None:
    page.get_by_role("radio", name="合格", exact=True).click()
    page.get_by_role("radio", name="放行", exact=True).click()
    sign(page)
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_role("button", name="提交结果").click()
    expect(page.get_by_test_id("submitted-note")).to_be_visible()


def wait_until_outbox_empty(page: Page, timeout: float = 30_000) -> None:
    open_outbox(page)
    expect(page.get_by_test_id("empty-state")).to_be_visible(timeout=timeout)


def open_outbox(page: Page) -> None:
    """The 待发送 tab. Right after a corrected operation is resent, a tap on it was sometimes lost (the
    task screen stayed, /inspector/tasks/N; 1 run in 3 or 4 of the refused-operation test, not yet
    understood): tap again until the outbox shows, at most three times."""
    for _ in range(2):
        page.get_by_role("tab", name="待发送").click()
        try:
            expect(page).to_have_url(re.compile(r"/outbox$"), timeout=5_000)
            return
        except AssertionError:
            continue
    page.get_by_role("tab", name="待发送").click()
    expect(page).to_have_url(re.compile(r"/outbox$"))


def test_inspector_records_offline_and_it_syncs_exactly_once(browser, field_api, live_server, screenshot_dir):
    instruction = field_api.new_instruction()
    iid, items = instruction["id"], instruction["items"]
    photos = [
        site_photo(1, (2400, 1800), "JPEG"),
        site_photo(2, (1800, 2400), "JPEG"),
        site_photo(3, (2000, 1700), "PNG"),
    ]
    context = field_context(browser, live_server)
    page = context.new_page()
    try:
        login(page, FIELD_INSPECTOR)
        wait_for_service_worker_control(page)
        row = page.locator(f"[data-instruction='{iid}']")
        expect(row).to_contain_text("深圳市竹韵家居用品有限公司")
        expect(page.get_by_test_id("storage-warning")).to_contain_text("持久存储")
        snap(page, screenshot_dir, "inspector-tasks")

        # Offline, and the app itself comes from the service worker's cache.
        context.set_offline(True)
        page.reload()
        expect(row).to_be_visible()
        expect(page.get_by_text("当前离线：显示本机已下载的任务")).to_be_visible()
        row.click()
        expect(page.get_by_test_id("instruction-card")).to_contain_text("绿茶")
        page.get_by_role("button", name="开始查检").click()
        record_items(page, items, photos=photos)
        page.get_by_label("样品编号").fill("S-5300-E2E-01")
        page.get_by_label("样品数量").fill("2")
        page.get_by_label("送检实验室").fill("深圳海关技术中心")
        page.get_by_label("检测项目").fill("农药残留，重金属")
        page.get_by_role("button", name="添加样品").click()
        expect(page.get_by_test_id("samples")).to_contain_text("S-5300-E2E-01")
        conclude(page)
        thumbs = page.get_by_test_id("photo-thumb")
        hashes = thumbs.evaluate_all("els => els.map((el) => el.dataset.sha256)")
        sides = thumbs.evaluate_all("els => els.map((el) => Math.max(+el.dataset.width, +el.dataset.height))")
        assert len(set(hashes)) == 3 and sides == [1600, 1600, 1600]
        snap(page, screenshot_dir, "inspector-recording")

        # Still offline: a reload (a browser restart) keeps everything on the device.
        page.reload()
        expect(page.get_by_test_id("photo-thumb")).to_have_count(3)
        expect(page.get_by_test_id("submitted-note")).to_contain_text("等待同步")
        started = time.monotonic()
        context.set_offline(False)
        wait_until_outbox_empty(page)
        print(f"sync after reconnect: {time.monotonic() - started:.1f}s")
    finally:
        context.close()

    record = field_api.ok("GET", f"/api/v1/inspections/{iid}", "supervisor-demo")
    assert record["instruction_status"] == "completed"
    assert sorted((r["item_id"], r["result"], r["version"]) for r in record["item_results"]) == sorted(
        (item["id"], "conforms", 1) for item in items
    )
    assert [s["sample_no"] for s in record["samples"]] == ["S-5300-E2E-01"]
    assert record["conclusion"] == "pass" and record["disposition"]["kind"] == "release"
    assert record["signature_sha256"]
    assert sorted(p["sha256"] for p in record["photos"]) == sorted(hashes)  # three, none twice
    for photo in record["photos"]:
        photo_id = photo.get("photo_id", photo.get("id"))
        original = field_api.ok("GET", f"/api/v1/photos/{photo_id}/original", "supervisor-demo")
        assert hashlib.sha256(original).hexdigest() == photo["sha256"]
        meta = field_api.ok("GET", f"/api/v1/photos/{photo_id}", "supervisor-demo")
        assert max(meta["width"], meta["height"]) == 1600 and meta["client_gps"]["lat"] == SITE["latitude"]
        # Chromium encodes WebP; the camera file's own hash travels beside the hash of what was sent.
        assert meta["content_type"] == "image/webp"
        assert meta["original_sha256"] in {hashlib.sha256(p["buffer"]).hexdigest() for p in photos}
    assert record["photos_pending"] == 0  # declared with the findings, all arrived


def test_conflicts_show_both_sides_and_the_chosen_side_is_applied(
    browser, field_api, live_server, screenshot_dir
):
    instruction = field_api.new_instruction()
    iid, items = instruction["id"], instruction["items"]
    first, second, third = (item["id"] for item in items)
    context = field_context(browser, live_server)
    page = context.new_page()
    try:
        login(page, FIELD_INSPECTOR)
        page.locator(f"[data-instruction='{iid}']").click()
        page.get_by_role("button", name="开始查检").click()
        wait_until_outbox_empty(page)  # accepted and started on the server
        page.go_back()

        context.set_offline(True)
        record_items(page, items)
        # The results also answer the keyboard (desktop): Space and Enter choose a radio.
        third_section = page.get_by_test_id(f"item-{items[2]['seq']}")
        for name, key in (("不适用", "Space"), ("符合", "Enter")):
            third_section.get_by_role("radio", name=name, exact=True).press(key)
            expect(third_section.get_by_role("radio", name=name, exact=True)).to_have_attribute(
                "aria-checked", "true"
            )
        conclude(page)
        # Meanwhile the supervisor corrects two of the same findings at the desk.
        supervisor = {"result": "does_not_conform", "notes": "科长复核：规格与申报不符", "measurements": {}}
        field_api.ok(
            "PUT",
            f"/api/v1/inspections/{iid}/items/{first}",
            "supervisor-demo",
            {"base_version": 0, **supervisor},
        )
        field_api.ok(
            "PUT",
            f"/api/v1/inspections/{iid}/items/{second}",
            "supervisor-demo",
            {
                "base_version": 0,
                "result": "not_applicable",
                "notes": "科长复核：散装，无外包装",
                "measurements": {},
            },
        )
        context.set_offline(False)

        expect(page.get_by_test_id("conflict-banner")).to_be_visible(timeout=20_000)
        page.get_by_role("link", name="处理冲突").click()
        conflict = page.get_by_test_id("conflict")
        expect(conflict).to_have_count(1)
        result_row = conflict.locator("tr[data-field=result]")
        expect(result_row.locator("[data-side=mine]")).to_have_text("符合")
        expect(result_row.locator("[data-side=theirs]")).to_have_text("不符合")
        expect(conflict.locator("tr[data-field=notes] [data-side=theirs]")).to_have_text(supervisor["notes"])
        expect(conflict).to_contain_text("supervisor-demo")
        snap(page, screenshot_dir, "inspector-conflict")

        # Keep mine: sent again against the supervisor's version; then the second finding conflicts.
        conflict.get_by_role("button", name="保留我的").click()
        expect(conflict.locator("tr[data-field=notes] [data-side=theirs]")).to_have_text(
            "科长复核：散装，无外包装", timeout=20_000
        )
        conflict.get_by_role("button", name="采用服务器的").click()
        expect(page.get_by_test_id("empty-state")).to_be_visible()
        wait_until_outbox_empty(page)

        # The device took the server's side for the second finding.
        page.goto(f"/inspector/tasks/{iid}")
        expect(page.get_by_test_id("item-2").get_by_role("radio", name="不适用")).to_have_attribute(
            "aria-checked", "true"
        )
    finally:
        context.close()

    record = field_api.ok("GET", f"/api/v1/inspections/{iid}", "supervisor-demo")
    results = {r["item_id"]: r for r in record["item_results"]}
    assert (results[first]["result"], results[first]["version"]) == ("conforms", 2)  # mine, over theirs
    assert results[first]["notes"] == "第1项 本机记录：与申报一致"
    assert (results[second]["result"], results[second]["version"]) == ("not_applicable", 1)  # theirs kept
    assert (results[third]["result"], results[third]["version"]) == ("conforms", 1)
    assert record["instruction_status"] == "completed"


CHUNK_PUT = re.compile(r"/api/v1/uploads/(\d+)\?offset=(\d+)$")


def test_a_photo_upload_cut_by_a_server_kill_resumes_without_doubling(
    browser, field_api, killable_server, screenshot_dir
):
    instruction = field_api.new_instruction()
    iid, item = instruction["id"], instruction["items"][0]
    server = killable_server
    # Small chunks: the photo (a WebP of ~13 KB after the phone re-encodes it) takes several, so the
    # cut lands mid-upload.
    chunk = 2 * 1024
    context = field_context(browser, server.base_url)
    page = context.new_page()
    held = []
    passed = []

    def hold_from_the_third_chunk(route):
        if len(passed) < 2:
            passed.append(route.request.url)
            route.continue_()
        else:
            held.append(route)

    try:
        login(page, FIELD_INSPECTOR)
        page.evaluate(f"localStorage.setItem('chajian.uploadChunkBytes', '{chunk}')")
        page.locator(f"[data-instruction='{iid}']").click()
        page.get_by_role("button", name="开始查检").click()
        page.route(CHUNK_PUT, hold_from_the_third_chunk)
        section = page.get_by_test_id(f"item-{item['seq']}")
        section.get_by_label("拍照").set_input_files(site_photo(7, (2600, 1900), "JPEG"))
        expect(section.get_by_test_id("photo-thumb")).to_have_count(1)
        sha256 = section.get_by_test_id("photo-thumb").get_attribute("data-sha256")
        page.get_by_role("tab", name="待发送").click()
        deadline = time.monotonic() + 20
        while not held:  # let the page's own requests run until the third chunk is on its way
            assert time.monotonic() < deadline, "the third chunk was never sent"
            page.wait_for_timeout(50)
        upload_id = int(CHUNK_PUT.search(held[0].request.url).group(1))
        upload = field_api.ok(
            "GET", f"/api/v1/uploads/{upload_id}", FIELD_INSPECTOR, base_url=server.base_url
        )
        assert upload["status"] == "receiving" and upload["offset"] == 2 * chunk < upload["size"]
        expect(page.get_by_test_id("upload-progress")).to_be_visible()
        snap(page, screenshot_dir, "inspector-outbox-progress")

        server.kill()
        held[0].continue_()  # the chunk meets a dead server: no answer
        expect(page.get_by_text(re.compile(r"已尝试 \d+ 次")).first).to_be_visible(timeout=15_000)
        page.unroute(CHUNK_PUT)
        after = []
        page.on("request", lambda request: after.append((request.method, request.url)))
        server.start()
        page.evaluate("window.dispatchEvent(new Event('online'))")  # what the browser fires on reconnect
        expect(page.get_by_test_id("empty-state")).to_be_visible(timeout=30_000)
    finally:
        context.close()

    uploads = [(method, url) for method, url in after if "/api/v1/uploads" in url]
    assert uploads[0] == ("GET", f"{server.base_url}/api/v1/uploads/{upload_id}")  # asked for the offset
    offsets = [int(CHUNK_PUT.search(url).group(2)) for method, url in uploads if method == "PUT"]
    assert offsets[0] == 2 * chunk and offsets == sorted(set(offsets))  # resumed, no byte sent twice
    assert not [url for method, url in uploads if method == "POST" and url.endswith("/uploads")]
    upload = field_api.ok("GET", f"/api/v1/uploads/{upload_id}", FIELD_INSPECTOR)
    assert (
        upload["status"] == "completed" and upload["offset"] == upload["size"] and upload["sha256"] == sha256
    )
    record = field_api.ok("GET", f"/api/v1/inspections/{iid}", "supervisor-demo")
    assert [photo["sha256"] for photo in record["photos"]] == [sha256]
    original = field_api.ok("GET", f"/api/v1/photos/{upload['photo_id']}/original", "supervisor-demo")
    assert hashlib.sha256(original).hexdigest() == sha256
