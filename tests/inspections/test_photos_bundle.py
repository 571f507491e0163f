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
