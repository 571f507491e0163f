"""Reading photos back: bytes and headers of each variant, and who may see what."""

import io

import pytest
from PIL import Image

from tests.media import images
from tests.media.uploads import start, upload_photo


@pytest.fixture
def photo_and_data(client, headers):
    data = images.jpeg((2000, 1000), exif=images.exif_bytes(orientation=6))
    response = upload_photo(client, headers, data)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), data


def test_original_bytes_are_served_untouched_with_etag_and_private_cache(client, headers, photo_and_data):
    photo, data = photo_and_data
    response = client.get(photo["links"]["original"], headers=headers)
    assert response.status_code == 200
    assert response.data == data
    assert response.mimetype == "image/jpeg"
    assert response.headers["ETag"] == f'"{photo["sha256"]}"'
    cache = response.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get(
        photo["links"]["original"], headers={**headers, "If-None-Match": f'"{photo["sha256"]}"'}
    )
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(("variant", "size"), [("display", (800, 1600)), ("thumbnail", (160, 320))])
def test_derivatives_are_oriented_jpegs_with_their_own_hash(client, headers, photo_and_data, variant, size):
    photo, _ = photo_and_data
    response = client.get(photo["links"][variant], headers=headers)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(response.data)).size == size  # rotated by EXIF orientation 6
    assert response.headers["ETag"] == f'"{photo[f"{variant}_sha256"]}"'
    assert images.sha256(response.data) == photo[f"{variant}_sha256"]


def test_png_original_keeps_its_content_type(client, headers):
    data = images.png()
    photo = upload_photo(client, headers, data, content_type="image/png").get_json()
    response = client.get(photo["links"]["original"], headers=headers)
    assert response.mimetype == "image/png" and response.data == data


def test_same_district_customs_roles_see_the_photo(client, factories, photo_and_data):
    photo, _ = photo_and_data
    for role in ("reviewer", "supervisor", "certificate_officer", "administrator"):
        viewer = factories.headers(factories.user(role, district_code="5300"))
        assert client.get(f"/api/v1/photos/{photo['id']}", headers=viewer).status_code == 200, role
        assert client.get(photo["links"]["thumbnail"], headers=viewer).status_code == 200, role


def test_other_district_and_other_inspectors_get_404(client, factories, photo_and_data):
    photo, _ = photo_and_data
    outsiders = [
        factories.user("supervisor", district_code="5100"),
        factories.user("inspector", district_code="5300"),  # inspectors see only their own photos
    ]
    for outsider in outsiders:
        viewer = factories.headers(outsider)
        for url in (f"/api/v1/photos/{photo['id']}", photo["links"]["original"]):
            response = client.get(url, headers=viewer)
            assert response.status_code == 404 and response.get_json()["error"] == "resource.not_found"


def test_enterprise_users_neither_read_nor_upload(client, factories, photo_and_data):
    photo, _ = photo_and_data
    enterprise = factories.headers(factories.user("enterprise"))
    assert client.get(f"/api/v1/photos/{photo['id']}", headers=enterprise).status_code == 403
    refused = start(client, enterprise, images.jpeg())
    assert refused.status_code == 403 and refused.get_json()["error"] == "auth.forbidden"


def test_uploads_are_private_to_their_uploader(client, factories, headers):
    upload = start(client, headers, images.jpeg()).get_json()
    other = factories.headers(factories.user("inspector", district_code="5300"))
    assert client.get(f"/api/v1/uploads/{upload['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/uploads/{upload['id']}/complete", headers=other).status_code == 404
    put = client.put(
        f"/api/v1/uploads/{upload['id']}?offset=0",
        data=b"x",
        headers={**other, "Content-Type": "application/octet-stream"},
    )
    assert put.status_code == 404


def test_unknown_and_huge_ids_are_404(client, headers):
    for url in (
        "/api/v1/photos/999",
        "/api/v1/photos/9223372036854775808",
        "/api/v1/uploads/9223372036854775808",
    ):
        assert client.get(url, headers=headers).status_code == 404
    assert client.get("/api/v1/photos/1/raw", headers=headers).status_code == 404


def test_no_token_is_401(client):
    assert client.post("/api/v1/uploads", json={}).status_code == 401
    assert client.get("/api/v1/photos/1").status_code == 401


def test_operations_are_documented_with_roles(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in ("/api/v1/uploads", "/api/v1/uploads/{upload_id}", "/api/v1/photos/{photo_id}/{variant}"):
        operations = {m: op for m, op in spec["paths"][path].items() if m in ("get", "put", "post")}
        assert operations, path
        for operation in operations.values():
            assert operation["x-roles"] == ["inspector"] or "reviewer" in operation["x-roles"], path


def test_every_reference_in_the_media_operations_resolves(client):
    spec = client.get("/api/openapi.json").get_json()
    refs = []

    def collect(node):
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect({path: ops for path, ops in spec["paths"].items() if "/uploads" in path or "/photos" in path})
    assert refs
    for ref in refs:
        _, section, kind, name = ref.split("/")
        assert name in spec[section][kind], ref
