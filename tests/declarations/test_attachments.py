"""Attached documents: type by content, size limit, stored once by SHA-256, editable states only."""

import hashlib
import io

import pytest
from PIL import Image

from backend.core.enums import Role
from backend.declarations.attachments import attachment_key
from backend.media.storage import get_storage

API = "/api/v1/declarations"
PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _image(image_format: str) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (26, 79, 139)).save(output, format=image_format)
    return output.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


@pytest.fixture
def draft(client, factories):
    enterprise = factories.enterprise()
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    created = client.post(API, json={"contract_no": "C-1"}, headers=headers).get_json()
    return enterprise, headers, f"{API}/{created['id']}/attachments"


def upload(client, url, headers, content, name="发票.pdf", kind="invoice"):
    return client.post(
        url,
        data={"kind": kind, "file": (io.BytesIO(content), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "content, expected", [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_upload_list_download_delete(client, draft, content, expected):
    _, headers, url = draft
    response = upload(client, url, headers, content, name="scan.bin")
    assert response.status_code == 201, response.get_json()
    row = response.get_json()
    digest = hashlib.sha256(content).hexdigest()
    assert (row["content_type"], row["size"], row["sha256"], row["filename"]) == (
        expected,
        len(content),
        digest,
        "scan.bin",
    )
    assert get_storage().get(attachment_key(digest)) == content
    assert [a["id"] for a in client.get(url, headers=headers).get_json()] == [row["id"]]
    download = client.get(f"{url}/{row['id']}", headers=headers)
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == expected
    assert client.delete(f"{url}/{row['id']}", headers=headers).status_code == 204
    assert client.get(url, headers=headers).get_json() == []


def test_type_is_judged_by_content_not_name(client, draft):
    _, headers, url = draft
    response = upload(client, url, headers, b"MZ\x90\x00 not a pdf", name="invoice.pdf")
    assert response.status_code == 415 and response.get_json()["error"] == "declaration.attachment_type"
    assert client.get(url, headers=headers).get_json() == []


def test_too_large_is_413_with_a_clear_error(app, client, draft):
    _, headers, url = draft
    app.config["DECLARATION_ATTACHMENT_MAX_BYTES"] = 1024
    try:
        response = upload(client, url, headers, PDF + b"0" * 2000)
    finally:
        del app.config["DECLARATION_ATTACHMENT_MAX_BYTES"]
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "declaration.attachment_too_large" and "MB" in body["message"]


def test_empty_file_and_unknown_kind_are_refused(client, draft):
    _, headers, url = draft
    assert upload(client, url, headers, b"").get_json()["error"] == "declaration.attachment_empty"
    assert upload(client, url, headers, PDF, kind="selfie").status_code == 422


def test_same_content_is_stored_once(client, draft):
    _, headers, url = draft
    first = upload(client, url, headers, PDF).get_json()
    second = upload(client, url, headers, PDF, kind="contract").get_json()
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    folder = get_storage().path(attachment_key(first["sha256"])).parent
    assert [p.name for p in folder.iterdir() if first["sha256"] in p.name] == [first["sha256"]]


def test_no_changes_after_submission(client, draft, factories):
    enterprise, headers, _ = draft
    accepted = factories.declaration(enterprise, status="accepted")
    url = f"{API}/{accepted.id}/attachments"
    response = upload(client, url, headers, PDF)
    assert response.status_code == 409 and response.get_json()["error"] == "declaration.not_editable"


def test_other_enterprises_cannot_touch_attachments(client, draft, factories):
    _, headers, url = draft
    row = upload(client, url, headers, PDF).get_json()
    stranger = factories.headers(factories.user(Role.ENTERPRISE))
    assert client.get(url, headers=stranger).status_code == 404
    assert client.get(f"{url}/{row['id']}", headers=stranger).status_code == 404
    assert client.delete(f"{url}/{row['id']}", headers=stranger).status_code == 404
    assert upload(client, url, stranger, PDF).status_code == 404


def test_kind_and_file_are_required(client, draft):
    _, headers, url = draft
    no_file = client.post(url, data={"kind": "invoice"}, headers=headers, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.get_json()["errors"]
    no_kind = client.post(
        url, data={"file": (io.BytesIO(PDF), "a.pdf")}, headers=headers, content_type="multipart/form-data"
    )
    assert no_kind.status_code == 422 and "kind" in no_kind.get_json()["errors"]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xd8\xff\xe0<html><script>alert(document.cookie)</script></html>",  # HTML behind a JPEG start
        PNG[:-20] + b"<script>x</script>" + PNG[-2:],  # a PNG signature on broken chunks
        JPEG[: len(JPEG) // 2],  # a truncated JPEG
        b"%PDF-1.7\n<script>alert(1)</script>\n",  # no end of file: not a PDF
    ],
)
def test_a_signature_alone_does_not_make_a_document(client, draft, content):
    """The whole content decides: an image must decode in full, a PDF must end like one."""
    _, headers, url = draft
    response = upload(client, url, headers, content, name="scan.jpg")
    assert response.status_code == 415 and response.get_json()["error"] == "declaration.attachment_type"
    assert client.get(url, headers=headers).get_json() == []


def test_the_client_file_name_is_display_text_only(client, draft):
    _, headers, url = draft
    row = upload(client, url, headers, PDF, name="../../etc/发票\u202egpj.pdf").get_json()
    assert row["filename"] == "发票gpj.pdf"  # no folders, no invisible direction override
    assert get_storage().get(attachment_key(row["sha256"])) == PDF  # stored by hash, not by name
    download = client.get(f"{url}/{row['id']}", headers=headers)
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E5%8F%91%E7%A5%A8gpj.pdf" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
