"""Uploaded documents (PDF, JPEG, PNG): their type judged by their bytes, never by the client's
Content-Type header or file name; the client's file name kept only as display text.

A PDF starts with `%PDF-` and ends with `%%EOF` (within its last 1,024 bytes, as readers accept); a
JPEG or PNG starts with its signature and is decoded in full by Pillow, so a script or an HTML page
behind an image signature is refused. The stored file is addressed by its SHA-256; the display name
never reaches a path, and downloads send it as RFC 6266/5987 `filename*` (Flask's send_file does).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image

from backend.errors import DomainError, register_errors

DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
_IMAGES = ((b"\xff\xd8\xff", "image/jpeg", "JPEG"), (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"))

register_errors(
    {
        "upload.unsupported_type": (
            415,
            "文件内容不是 PDF、JPEG 或 PNG（按文件内容判断，而非文件名或声明的类型）。",
            "The file is not a PDF, JPEG or PNG (judged by its content, not its name or declared type).",
        ),
        "upload.type_mismatch": (
            415,
            "文件内容（{actual}）与声明的类型（{declared}）不符。",
            "The file's content ({actual}) does not match its declared type ({declared}).",
        ),
    }
)


def _decodes_as(data: bytes, image_format: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != image_format:
                    return False
                image.verify()  # PNG: chunk checksums
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # every format: the whole image decodes, nothing truncated
    except Exception:  # noqa: BLE001  (Pillow raises many kinds for bad data: all mean "not an image")
        return False
    return True


def sniff_document(data: bytes) -> str | None:
    """The media type of a real PDF, JPEG or PNG document, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf" if b"%%EOF" in data[-1024:] else None
    for signature, media_type, image_format in _IMAGES:
        if data.startswith(signature):
            return media_type if _decodes_as(data, image_format) else None
    return None


def document_type(data: bytes, *, declared: str | None = None) -> str:
    """The sniffed type of an uploaded document; 415 if unknown or unlike the declared Content-Type."""
    actual = sniff_document(data)
    if actual is None:
        raise DomainError("upload.unsupported_type")
    if declared and declared != actual:
        raise DomainError("upload.type_mismatch", actual=actual, declared=declared)
    return actual


def display_filename(name: str | None, *, default: str = "attachment") -> str:
    """The client's file name as display text only: no folders, no invisible characters, 200 at most."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[-200:] or default
