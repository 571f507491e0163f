"""The evidence bundle carries each photo's chain of custody across the phone's re-encoding."""

import io
import json
import zipfile

import pytest

from tests.inspections import photos
from tests.media import images


@pytest.fixture
def started(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    results = factories.push(
        client,
        world.h_inspector,
        [
            factories.op("instruction.accept", instruction.id, base_version=2),
            factories.op("instruction.start", instruction.id, base_version=3),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    return instruction


def manifest_of(client, world, instruction_id):
    response = client.get(f"/api/v1/inspections/{instruction_id}/evidence-bundle", headers=world.h_supervisor)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return json.loads(archive.read("manifest.json")), archive


def test_the_bundle_names_the_camera_files_hash_and_exif_beside_the_sent_bytes(
    client, world, factories, started
):
    data, original = photos.webp(), photos.camera_file()
    photo = photos.upload(client, world.h_inspector, data, client_id="ph-bundle-1", original=original)
    attached = factories.push(client, world.h_inspector, [photos.attach_op(factories, started.id, photo)])
    assert attached[0]["status"] == "applied", attached
    manifest, archive = manifest_of(client, world, started.id)
    entry = manifest["photos"][0]
    assert entry["sha256"] == images.sha256(data) == images.sha256(archive.read(entry["file"]))
    assert entry["file"].endswith(".webp") and entry["content_type"] == "image/webp"
    assert entry["original_sha256"] == images.sha256(original)
    assert entry["original_exif"] == photos.CAMERA_EXIF
    assert manifest["photos_pending"] == []


def test_a_declared_photo_that_never_arrived_is_listed_as_pending_in_the_bundle(
    client, world, factories, started
):
    data, original = photos.webp(), photos.camera_file()
    cid = "7d4b8f0e-1c2a-4e3b-9f5d-6a7b8c9d0e1f"
    item = started.items[1]
    declared = factories.push(
        client,
        world.h_inspector,
        [photos.declare_op(factories, started.id, cid, data, original=original, item_id=item.id)],
    )
    assert declared[0]["status"] == "applied", declared
    manifest, archive = manifest_of(client, world, started.id)
    assert manifest["photos"] == []
    assert manifest["photos_pending"] == [
        {
            "client_photo_id": cid,
            "item_id": item.id,
            "sha256": images.sha256(data),
            "original_sha256": images.sha256(original),
            "original_exif": photos.CAMERA_EXIF,
            "captured_at": "2026-11-27T07:30:05+00:00",
            "client_gps": {"lat": 22.5417, "lon": 113.9458, "alt": None, "accuracy": 8.0},
            "caption": "唛头",
            "declared_at": manifest["photos_pending"][0]["declared_at"],
        }
    ]
    record = next(r for r in manifest["records"] if r["kind"] == "photo_declared")
    assert record["content"]["original_sha256"] == images.sha256(original)
    assert record["content"]["exif"] == photos.CAMERA_EXIF
    assert not [name for name in archive.namelist() if name.startswith("photos/")]
