"""Steps of the phone's photo flow for the inspection tests: upload (media API), declare, attach."""

from __future__ import annotations

import io
import uuid

from tests.media import images
from tests.media.uploads import upload_photo

CAMERA_EXIF = {
    "make": "HUAWEI",
    "model": "P60 Pro",
    "taken_at": "2026-11-27T15:30:05+08:00",
    "gps": {"lat": 22.5417, "lon": 113.9458, "alt": 12.5},
}


def webp(size=(800, 600)) -> bytes:
    """A WebP as the phone's canvas makes it (unique pixels per call)."""
    buffer = io.BytesIO()
    images.picture(size).save(buffer, "WEBP", quality=70)
    return buffer.getvalue()


def camera_file() -> bytes:
    """Stand-in for the camera's own file: only its hash travels."""
    return f"camera original {uuid.uuid4()}".encode()


def upload(client, headers, data: bytes, *, client_id: str, original: bytes | None = None) -> dict:
    response = upload_photo(
        client,
        headers,
        data,
        client_id=client_id,
        content_type="image/webp",
        original_sha256=images.sha256(original) if original else None,
        exif=CAMERA_EXIF,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def declare_op(
    factories, instruction_id: int, client_photo_id: str, data: bytes, *, original: bytes, **extra
):
    body = {
        "sha256": images.sha256(data),
        "original_sha256": images.sha256(original),
        "captured_at": "2026-11-27T07:30:05+00:00",
        "gps": {"lat": 22.5417, "lon": 113.9458, "accuracy": 8.0},
        "exif": CAMERA_EXIF,
        "caption": "唛头",
        **extra.pop("body", {}),
    }
    return factories.op("photo.declare", instruction_id, client_photo_id=client_photo_id, body=body, **extra)


def attach_op(factories, instruction_id: int, photo: dict, *, client_photo_id: str | None = None, **target):
    if client_photo_id:
        target["client_photo_id"] = client_photo_id
    return factories.op(
        "photo.attach",
        instruction_id,
        photo_id=photo["id"],
        body={"sha256": photo["sha256"], "caption": ""},
        **target,
    )
