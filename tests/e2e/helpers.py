"""Steps the browser tests share."""

from __future__ import annotations

import re

from playwright.sync_api import Page

DEMO_PASSWORD = "e2e-Demo-Password-1"
# Each role's first screen; a certificate officer with a password lands on the key-required screen.
HOME_PATHS = re.compile(
    r"/(inspector/tasks|enterprise/declarations|review/queue|monitoring|certdesk/queue"
    r"|certdesk/key-required(\?.*)?|workbench)$"
)


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form (Chinese labels) and wait for the role's home."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(HOME_PATHS)


def add_virtual_authenticator(page: Page) -> None:
    """A platform authenticator with a resident key and user verification, no browser UI."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def wait_for_service_worker_control(page: Page) -> None:
    """`serviceWorker.ready` can resolve while the worker still activates: wait for the controller.

    One evaluate awaiting `controllerchange`, not wait_for_function: Playwright polls a string
    predicate with eval(), which the app's Content-Security-Policy (no 'unsafe-eval') refuses.
    """
    page.evaluate(
        """() => new Promise((resolve, reject) => {
          if (!navigator.serviceWorker) return reject(new Error('no service worker support'))
          if (navigator.serviceWorker.controller) return resolve()
          navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true })
          setTimeout(() => reject(new Error('no service worker control after 15 s')), 15000)
        })"""
    )


# Writes straight into the app's IndexedDB outbox, as a screen of another team will through
# enqueue(); the page's outbox picks them up on its next start.
ADD_OUTBOX_ENTRIES = """
async (entries) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('chajian')
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  await new Promise((resolve, reject) => {
    const tx = db.transaction('outbox', 'readwrite')
    for (const entry of entries) {
      tx.objectStore('outbox').add({
        id: crypto.randomUUID(), body: null, recordId: null, label: null, state: 'waiting',
        attempts: 0, nextAttemptAt: 0, lastError: null, createdAt: Date.now(), ...entry,
      })
    }
    tx.oncomplete = resolve
    tx.onerror = () => reject(tx.error)
  })
  db.close()
}
"""
