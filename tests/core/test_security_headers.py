"""Security headers on every response (issue 12, item 13): a Content-Security-Policy without inline
script, nosniff, no referrer, no framing, and `no-store` on API answers and files with personal data
(the public keys and inspection photos keep the caching their views chose). The browser side (the PWA
works with the policy on, offline included) is tests/e2e/test_security_headers.py."""

from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest

from backend.certificates.service import issue_certificate
from backend.core.enums import Assurance, Role
from backend.security_headers import inline_hashes
from tests.certificates_shared.samples import sample_content


def policy(response) -> dict[str, list[str]]:
    text = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in text.split(";") if part.strip()}


def assert_secure(response, *, cache: str | None = "no-store") -> dict:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["script-src"][0] == "'self'"
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    if cache is not None:
        assert response.headers["Cache-Control"] == cache, response.headers.get("Cache-Control")
    return csp


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_api_answers_and_errors_carry_the_headers_and_are_not_stored(client, factories):
    user = factories.user(Role.ENTERPRISE)
    assert_secure(client.get("/api/v1/auth/me", headers=factories.headers(user)))
    assert_secure(client.get("/api/v1/declarations", headers=factories.headers(user)))
    assert_secure(client.get("/api/v1/no-such-thing"))
    assert_secure(client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}))
    assert_secure(client.get("/api/openapi.json"))


def test_public_keys_keep_their_short_public_cache(client):
    assert_secure(client.get("/api/v1/certificates/keys"), cache="public, max-age=300")


def test_personal_files_are_not_stored(client, factories):
    owner = factories.enterprise()
    certificate = issue_certificate(actor=None, content=sample_content("18"), enterprise_id=owner.id)
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=owner), Assurance.KEY)
    pdf = client.get(f"/api/v1/certificates/{certificate.certificate_no}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert_secure(pdf)
    for export in ("certificates.csv", "certificates.xlsx"):
        response = client.get(f"/api/v1/certificate-query/{export}", headers=headers)
        assert response.status_code == 200
        assert_secure(response)
    clerk_headers = factories.headers(factories.user(Role.ENTERPRISE))
    draft = client.post("/api/v1/declarations", json={"contract_no": "C-1"}, headers=clerk_headers).get_json()
    url = f"/api/v1/declarations/{draft['id']}/attachments"
    pdf_bytes = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    uploaded = client.post(
        url,
        data={"kind": "invoice", "file": (io.BytesIO(pdf_bytes), "发票.pdf")},
        headers=clerk_headers,
        content_type="multipart/form-data",
    ).get_json()
    download = client.get(f"{url}/{uploaded['id']}", headers=clerk_headers)
    assert download.status_code == 200 and download.data == pdf_bytes
    assert_secure(download)


def test_html_pages_allow_their_own_inline_blocks_by_hash(client, factories):
    owner = factories.enterprise()
    certificate = issue_certificate(actor=None, content=sample_content("18"), enterprise_id=owner.id)
    page = client.get(f"/verify/{certificate.certificate_no}")
    csp = assert_secure(page, cache="no-cache")
    styles = re.findall(r"<style>(.*?)</style>", page.get_data(as_text=True), re.S)
    assert styles and all(sha256_source(style) in csp["style-src"] for style in styles)
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    csp = assert_secure(docs)
    scripts = re.findall(r"<script>(.*?)</script>", docs.get_data(as_text=True), re.S)
    assert scripts and all(sha256_source(script) in csp["script-src"] for script in scripts)


def test_the_pwa_shell_allows_its_splash_style_by_hash(client, app, tmp_path, monkeypatch):
    style = ".boot { display: flex }"
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        f'<html><head><style>{style}</style><script type="module" src="/assets/a.js"></script></head></html>'
    )
    (tmp_path / "assets" / "a.js").write_text("export {}")
    monkeypatch.setitem(app.config, "PWA_DIST", str(tmp_path))
    csp = assert_secure(client.get("/inspector"), cache="no-cache")
    assert csp["style-src"] == ["'self'", sha256_source(style)]
    assert csp["script-src"] == ["'self'"]  # the module script has a src: nothing inline to allow
    asset = client.get("/assets/a.js")
    assert_secure(asset, cache="public, max-age=31536000, immutable")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (b"<script src='/a.js'></script>", {"script-src": [], "style-src": []}),
        (
            b'<script>x()</script><STYLE media="x>y">a{}</STYLE>',
            {"script-src": ["x()"], "style-src": ["a{}"]},
        ),
    ],
)
def test_inline_hashes(html, expected):
    assert inline_hashes(html) == {k: [sha256_source(v) for v in vs] for k, vs in expected.items()}
