"""The PWA under its Content-Security-Policy in a real Chromium (issue 12, item 13): it loads, signs in,
talks to the API and Socket.IO, and starts offline from the service worker's cache, with no violation
of the policy reported; Swagger UI at /api/docs works under it too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import login, wait_for_service_worker_control

pytestmark = pytest.mark.e2e

# Collects every violation the page sees, from the first script on (before the app's own).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page: Page):
    """The page, with CSP violations collected from events and from the console."""
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(RECORD_VIOLATIONS)

    def violations() -> list[str]:
        seen = page.evaluate("window.__cspViolations || []")
        return seen + console

    page.violations = violations
    return page


def test_the_pwa_works_under_its_policy_online_and_offline(watched: Page):
    page = watched
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"

    login(page, "inspector-demo")
    expect(page.get_by_role("heading", name="任务")).to_be_visible()
    wait_for_service_worker_control(page)
    page.get_by_role("tab", name="设置").click()
    expect(page.get_by_role("heading", name="设置")).to_be_visible()
    page.get_by_role("tab", name="待发送").click()
    expect(page.get_by_role("heading", name="待发送")).to_be_visible()
    assert page.violations() == []

    page.context.set_offline(True)
    page.goto("/inspector/tasks")
    expect(page.get_by_role("heading", name="任务")).to_be_visible()
    assert page.violations() == []
    page.context.set_offline(False)


def test_the_live_connection_opens_under_the_policy(watched: Page):
    """connect-src 'self' covers this origin's ws: (CSP 3): the supervisor's board goes live."""
    page = watched
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    login(page, "supervisor-demo")
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-live", "true")
    assert any(url.startswith("ws://") and "/socket.io/" in url for url in sockets), sockets
    assert page.violations() == []


def test_the_api_answers_are_not_stored(page: Page, live_server):
    response = page.request.get(f"{live_server}/api/v1/certificates/types")
    assert response.status == 401 and response.headers["cache-control"] == "no-store"
    keys = page.request.get(f"{live_server}/api/v1/certificates/keys")
    assert keys.headers["cache-control"] == "public, max-age=300"


def test_swagger_ui_renders_under_the_policy(watched: Page):
    page = watched
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(re.compile("Chajian|查检"))
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.violations() == []
