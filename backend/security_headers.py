"""Security headers on every response: a Content-Security-Policy, nosniff, no referrer, and no caching
of API answers.

The policy fits the PWA as built (pwa/dist): scripts only from this origin (the built index.html has
no inline script), the splash's inline <style> allowed by its hash, images also as data: (the inlined
splash icon) and blob: (photos taken offline), Socket.IO over this origin's ws:/wss: ('self' covers
them in CSP 3), the service worker from this origin, no framing. Inline <style>/<script> blocks of an
HTML page built in memory (index.html, the /verify page, Swagger UI at /api/docs) are allowed by their
SHA-256, computed from the page itself, so no 'unsafe-inline' is needed. Style *attributes* set from
script (Vue's :style, Vant) go through the CSSOM, which CSP does not restrict.

Caching: every /api/ answer is `no-store` (personal data: declarations, PDFs, attachments, exports,
evidence bundles) unless the view chose a cache itself: the public signing keys (`public,
max-age=300`) and inspection photos (`private`, kept on the inspector's phone for offline use). The
PWA's own files keep the caching backend/pwa.py gives them.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

INLINE_BLOCK = re.compile(
    rb"<(script|style)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</\1\s*>", re.S | re.I
)
BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # for browsers without frame-ancestors
    "Cross-Origin-Opener-Policy": "same-origin",
}


def inline_hashes(html: bytes) -> dict[str, list[str]]:
    """'sha256-…' sources of the inline <script> and <style> blocks of an HTML page."""
    found: dict[str, list[str]] = {"script-src": [], "style-src": []}
    for tag, attributes, body in INLINE_BLOCK.findall(html):
        if tag.lower() == b"script" and re.search(rb"\ssrc\s*=", attributes, re.I):
            continue
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
        directive = "script-src" if tag.lower() == b"script" else "style-src"
        if f"'sha256-{digest}'" not in found[directive]:
            found[directive].append(f"'sha256-{digest}'")
    return found


def content_security_policy(extra: dict[str, list[str]] | None = None) -> str:
    """The policy, with `extra` sources added to their directives."""
    policy = {name: list(sources) for name, sources in BASE_POLICY.items()}
    for name, sources in (extra or {}).items():
        policy.setdefault(name, ["'self'"]).extend(sources)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


_PLAIN_POLICY = content_security_policy()  # what every response but an HTML page carries, built once


def _secure(response: Response) -> Response:
    # The header names are read once: every lookup in werkzeug's Headers scans them all, and six
    # setdefault/in/parse calls on every answer cost a lookup a tenth of its time.
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    headers.extend((name, value) for name, value in STATIC_HEADERS.items() if name.lower() not in present)
    if "content-security-policy" not in present:
        policy = _PLAIN_POLICY
        if response.mimetype == "text/html" and not response.direct_passthrough:
            policy = content_security_policy(inline_hashes(response.get_data()))
        headers["Content-Security-Policy"] = policy
    if request.path.startswith("/api/") and not (
        "cache-control" in present and (response.cache_control.public or response.cache_control.private)
    ):
        headers["Cache-Control"] = "no-store"
        if "expires" in present:
            del headers["Expires"]
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
