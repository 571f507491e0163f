"""Client-side steps of the resumable upload, as the PWA performs them."""

from __future__ import annotations

import itertools

from tests.media.images import sha256

_client_ids = itertools.count(1)


def start(client, headers, data: bytes, **overrides):
    body = {
        "client_id": f"ph-{next(_client_ids):06d}",
        "size": len(data),
        "sha256": sha256(data),
        "content_type": "image/jpeg",
        "filename": "IMG_0001.jpg",
        "captured_at": "2026-11-27T07:30:05+00:00",
        "device_id": "android-7f3a",
        "gps": {"lat": 22.5417, "lon": 113.9458, "alt": 12.0, "accuracy": 8.5},
    }
    body.update(overrides)
    return client.post("/api/v1/uploads", json=body, headers=headers)


def put_chunk(client, headers, upload_id: int, data: bytes, offset: int, *, content_range: str | None = None):
    extra = {"Content-Type": "application/octet-stream"}
    url = f"/api/v1/uploads/{upload_id}"
    if content_range:
        extra["Content-Range"] = content_range
    else:
        url += f"?offset={offset}"
    return client.put(url, data=data, headers={**headers, **extra})


def send_all(client, headers, upload_id: int, data: bytes, *, chunk: int = 64 * 1024, start_at: int = 0):
    offset = start_at
    while offset < len(data):
        response = put_chunk(client, headers, upload_id, data[offset : offset + chunk], offset)
        assert response.status_code == 200, response.get_json()
        offset = response.get_json()["offset"]
    return offset


def complete(client, headers, upload_id: int):
    return client.post(f"/api/v1/uploads/{upload_id}/complete", headers=headers)


def upload_photo(client, headers, data: bytes, *, chunk: int = 64 * 1024, **overrides):
    """Start, send every chunk, complete; returns the complete response."""
    started = start(client, headers, data, **overrides)
    assert started.status_code in (200, 201), started.get_json()
    upload = started.get_json()
    if upload["status"] == "receiving":
        send_all(client, headers, upload["id"], data, chunk=chunk, start_at=upload["offset"])
    return complete(client, headers, upload["id"])
