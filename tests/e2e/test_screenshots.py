"""Screenshots of the login, home and outbox screens at phone and desktop sizes, for review.

Saved under test-artifacts/screenshots/ (gitignored). The checks here are that each screen renders
its Chinese title; a person looks at the pictures.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import ADD_OUTBOX_ENTRIES, login

pytestmark = pytest.mark.e2e

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("size", SIZES)
def test_screenshots(browser: Browser, base_url, screenshot_dir, size):
    context = browser.new_context(
        base_url=base_url, locale="zh-CN", viewport=SIZES[size], device_scale_factor=1
    )
    page = context.new_page()
    try:
        page.goto("/login")
        expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
        page.screenshot(path=screenshot_dir / f"{size}-login.png", full_page=True)

        login(page, "inspector-demo")
        expect(page.get_by_role("heading", name="任务")).to_be_visible()
        expect(page.get_by_test_id("empty-state")).to_be_visible()
        page.screenshot(path=screenshot_dir / f"{size}-home.png", full_page=True)

        # One entry the server refuses (conflict) and one held back by backoff (waiting).
        page.evaluate(
            ADD_OUTBOX_ENTRIES,
            [
                {
                    "method": "POST",
                    "url": "/api/v1/auth/refresh",
                    "body": {},
                    "label": "查检记录 226N2601000123",
                },
                {
                    "method": "POST",
                    "url": "/api/v1/auth/refresh",
                    "body": {},
                    "label": "现场照片 3 张",
                    "attempts": 2,
                    "nextAttemptAt": 4102444800000,
                },
            ],
        )
        page.goto("/outbox")
        expect(page.locator("[data-status=conflict]")).to_be_visible()
        expect(page.locator("[data-status=waiting]")).to_be_visible()
        page.screenshot(path=screenshot_dir / f"{size}-outbox.png", full_page=True)
    finally:
        context.close()

    for name in ("login", "home", "outbox"):
        assert (screenshot_dir / f"{size}-{name}.png").stat().st_size > 5_000
