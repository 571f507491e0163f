"""Every bad photo gets a clear error in the one JSON shape, and nothing is stored: no Photo, no file."""

import pytest

from backend.extensions import db
from backend.media.models import Photo, Upload
from tests.media import images
from tests.media.uploads import complete, put_chunk, send_all, start, upload_photo

ACCEPTED = ["image/jpeg", "image/png", "image/webp"]


def assert_error(response, status, error):
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) >= {"code", "status", "error", "message"}
    assert (body["code"], body["error"]) == (status, error)
    return body


def assert_no_photo():
    assert db.session.query(Photo).count() == 0


BAD_PHOTOS = {
    "pdf": (images.pdf, 415, "media.unsupported_type"),
    "gif": (images.gif, 415, "media.unsupported_type"),
    "text-renamed-jpg": (images.text_named_jpg, 415, "media.unsupported_type"),
    "truncated-jpeg": (images.truncated_jpeg, 422, "media.corrupt_image"),
    "png-header-claims-10-gigapixels": (
        lambda: images.png_header_claiming(100_000, 100_000),
        422,
        "media.too_many_pixels",
    ),
    "png-header-claims-100-megapixels": (
        lambda: images.png_header_claiming(10_000, 10_000),
        422,
        "media.too_many_pixels",
    ),
    "real-png-just-over-40-megapixels": (
        lambda: images.real_png_with_pixels(8000, 5001),
        422,
        "media.too_many_pixels",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PHOTOS))
def test_bad_photo_is_refused_at_complete_and_nothing_is_stored(client, headers, nothing_stored, case):
    make, status, error = BAD_PHOTOS[case]
    data = make()
    # The phone declares a JPEG whatever the bytes are: the content decides.
    response = upload_photo(client, headers, data, filename="IMG_0002.jpg", content_type="image/jpeg")
    body = assert_error(response, status, error)
    if error == "media.unsupported_type":
        assert body["detail"]["accepted"] == ACCEPTED
        assert "JPEG、PNG 或 WebP" in body["message"]
    assert_no_photo()
    nothing_stored()
    upload = db.session.execute(db.select(Upload)).scalar_one()
    assert (upload.status, upload.error, upload.photo_id) == ("rejected", error, None)
    # The client asking after a lost answer learns why; the upload takes no more bytes.
    asked = client.get(f"/api/v1/uploads/{upload.id}", headers=headers).get_json()
    assert (asked["status"], asked["error"]) == ("rejected", error)
    again = complete(client, headers, upload.id)
    assert assert_error(again, 409, "media.upload_closed")["detail"]["error"] == error


def test_messages_follow_accept_language(client, headers):
    response = upload_photo(client, {**headers, "Accept-Language": "en"}, images.gif())
    assert "JPEG, PNG and WebP" in assert_error(response, 415, "media.unsupported_type")["message"]


def test_wrong_hash_resets_the_upload_and_stores_nothing(client, headers, nothing_stored):
    data = images.jpeg()
    claimed = images.sha256(b"some other photo")
    upload = start(client, headers, data, sha256=claimed).get_json()
    send_all(client, headers, upload["id"], data)
    body = assert_error(complete(client, headers, upload["id"]), 422, "media.hash_mismatch")
    assert body["detail"] == {"expected": claimed, "actual": images.sha256(data)}
    assert_no_photo()
    nothing_stored()
    status = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).get_json()
    assert (status["status"], status["offset"]) == ("receiving", 0)


def test_after_a_hash_mismatch_the_right_bytes_complete(client, headers):
    data = images.jpeg()
    upload = start(client, headers, data).get_json()
    corrupted = bytes([data[0]]) + b"\x00" + data[2:]  # a bit flipped on the way
    send_all(client, headers, upload["id"], corrupted)
    assert_error(complete(client, headers, upload["id"]), 422, "media.hash_mismatch")
    send_all(client, headers, upload["id"], data)
    assert complete(client, headers, upload["id"]).get_json()["sha256"] == images.sha256(data)


def test_declared_size_over_25_mb_is_refused_before_any_byte(client, headers, nothing_stored):
    response = start(client, headers, b"", size=25 * 1024 * 1024 + 1, sha256="a" * 64)
    body = assert_error(response, 413, "media.too_large")
    assert body["detail"]["max_bytes"] == 25 * 1024 * 1024
    assert db.session.query(Upload).count() == 0
    nothing_stored()


@pytest.mark.parametrize("content_type", ["application/pdf", "image/gif", "text/plain"])
def test_declared_type_that_is_not_accepted_is_refused_at_start(client, headers, content_type):
    body = assert_error(
        start(client, headers, images.jpeg(), content_type=content_type), 415, "media.unsupported_type"
    )
    assert body["detail"]["accepted"] == ACCEPTED
    assert db.session.query(Upload).count() == 0


def test_more_bytes_than_declared_are_refused_before_reading_them(client, headers, nothing_stored):
    data = images.jpeg()
    upload = start(client, headers, data[:1000], sha256=images.sha256(data[:1000])).get_json()
    response = put_chunk(client, headers, upload["id"], data[:5000], 0)
    assert_error(response, 413, "media.size_exceeded")
    nothing_stored()
    assert client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).get_json()["offset"] == 0


def test_chunk_over_the_chunk_limit_is_refused(app, client, headers, nothing_stored):
    app.config["MEDIA_MAX_CHUNK_BYTES"] = 1024 * 1024
    try:
        data = images.real_png_with_pixels(10, 10) + b"\x00" * (2 * 1024 * 1024)
        upload = start(client, headers, data, content_type="image/png").get_json()
        assert_error(put_chunk(client, headers, upload["id"], data, 0), 413, "media.chunk_too_large")
    finally:
        app.config.pop("MEDIA_MAX_CHUNK_BYTES")
    nothing_stored()


def test_actual_bytes_over_the_limit_are_refused_even_if_declared_small_limit(
    app, client, headers, nothing_stored
):
    # With a lower configured limit, an upload that passes the declaration check cannot sneak past it.
    data = images.jpeg((800, 600))
    upload = start(client, headers, data).get_json()
    send_all(client, headers, upload["id"], data)
    app.config["MEDIA_MAX_BYTES"] = len(data) - 1
    try:
        assert_error(complete(client, headers, upload["id"]), 413, "media.too_large")
    finally:
        app.config.pop("MEDIA_MAX_BYTES")
    assert_no_photo()
    nothing_stored()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sha256", "xyz"),
        ("size", 0),
        ("size", 2.5),
        ("captured_at", "2026-11-27T07:30:05"),
        ("gps", {"lat": 91, "lon": 0}),
        ("client_id", "has spaces"),
    ],
)
def test_invalid_start_fields_are_field_errors(client, headers, field, value):
    body = assert_error(start(client, headers, images.jpeg(), **{field: value}), 422, "request.invalid")
    assert field in body["errors"]
