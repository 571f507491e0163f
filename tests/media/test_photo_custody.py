"""Photos re-encoded on the phone: WebP accepted end to end, the camera file's hash and EXIF kept."""

import io

import pytest
from PIL import Image

from backend.extensions import db
from backend.media.models import Photo, Upload
from tests.media import images
from tests.media.uploads import start, upload_photo

CAMERA_FILE = b"the camera's own 12 MP JPEG, as picked on the phone"
ORIGINAL_SHA256 = images.sha256(CAMERA_FILE)
CAMERA_EXIF = {
    "make": "HUAWEI",
    "model": "P60 Pro",
    "taken_at": "2026-11-27T15:30:05+08:00",
    "gps": {"lat": 22.5417, "lon": 113.9458, "alt": 12.5},
}


def webp(size=(1600, 1200)) -> bytes:
    buffer = io.BytesIO()
    images.picture(size).save(buffer, "WEBP", quality=70)
    return buffer.getvalue()


def test_a_webp_from_the_phone_is_accepted_kept_as_sent_and_gets_jpeg_copies(client, headers):
    data = webp()
    photo = upload_photo(client, headers, data, content_type="image/webp", filename="photo.webp")
    assert photo.status_code == 200, photo.get_json()
    photo = photo.get_json()
    assert (photo["content_type"], photo["width"], photo["height"]) == ("image/webp", 1600, 1200)
    assert photo["sha256"] == images.sha256(data)
    original = client.get(photo["links"]["original"], headers=headers)
    assert original.mimetype == "image/webp" and original.data == data
    for variant, size in (("display", (1600, 1200)), ("thumbnail", (320, 240))):
        copy = client.get(photo["links"][variant], headers=headers)
        assert copy.mimetype == "image/jpeg"
        assert Image.open(io.BytesIO(copy.data)).size == size
    assert photo["exif"]["make"] is None  # a canvas re-encode carries no EXIF: the phone sends it


def test_the_camera_files_hash_and_exif_travel_with_the_upload_into_the_photo(client, headers):
    data = webp((800, 600))
    response = upload_photo(
        client,
        headers,
        data,
        content_type="image/webp",
        original_sha256=ORIGINAL_SHA256.upper(),
        exif=CAMERA_EXIF,
    )
    assert response.status_code == 200, response.get_json()
    photo = response.get_json()
    assert photo["original_sha256"] == ORIGINAL_SHA256  # stored lower-case, beside the sent bytes' hash
    assert photo["sha256"] == images.sha256(data) != photo["original_sha256"]
    assert photo["original_exif"] == CAMERA_EXIF
    again = client.get(f"/api/v1/photos/{photo['id']}", headers=headers).get_json()
    assert (again["original_sha256"], again["original_exif"]) == (ORIGINAL_SHA256, CAMERA_EXIF)
    upload = db.session.execute(db.select(Upload)).scalar_one()
    assert (upload.original_sha256, upload.original_exif) == (ORIGINAL_SHA256, CAMERA_EXIF)


def test_partial_exif_and_no_original_are_accepted(client, headers):
    sparse = upload_photo(
        client,
        headers,
        images.jpeg(),
        exif={"make": "Xiaomi", "model": None, "taken_at": "2026-11-27T15:30:05"},
    ).get_json()
    assert sparse["original_exif"] == {
        "make": "Xiaomi",
        "model": None,
        "taken_at": "2026-11-27T15:30:05",
        "gps": None,
    }
    assert sparse["original_sha256"] is None
    plain = upload_photo(client, headers, images.jpeg()).get_json()
    assert (plain["original_sha256"], plain["original_exif"]) == (None, None)


@pytest.mark.parametrize(
    ("exif", "path"),
    [
        ({"gps": {"lat": 91, "lon": 10}}, ("gps", "lat")),
        ({"gps": {"lat": 10, "lon": -180.5}}, ("gps", "lon")),
        ({"gps": {"lat": 10}}, ("gps", "lon")),
        ({"gps": {"lat": 10, "lon": 10, "alt": 99999}}, ("gps", "alt")),
        ({"make": "x" * 101}, ("make",)),
        ({"model": 7}, ("model",)),
        ({"taken_at": "yesterday at noon"}, ("taken_at",)),
        ({"taken_at": "2026:11:27 15:30:05"}, ("taken_at",)),
        ({"lens": "50mm"}, ("lens",)),
    ],
)
def test_bad_exif_is_refused_naming_the_field_and_nothing_is_stored(client, headers, exif, path):
    response = start(client, headers, images.jpeg(), exif=exif)
    body = response.get_json()
    assert response.status_code == 422 and body["error"] == "request.invalid", body
    errors = body["errors"]["exif"]
    for key in path:
        errors = errors[key]
    assert errors
    assert db.session.query(Upload).count() == 0 and db.session.query(Photo).count() == 0


def test_a_bad_original_hash_is_refused(client, headers):
    body = start(client, headers, images.jpeg(), original_sha256="not-a-hash").get_json()
    assert body["error"] == "request.invalid" and "original_sha256" in body["errors"]
