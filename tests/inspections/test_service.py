"""Recording findings, completing an inspection and what it does to the declaration."""

import base64
import hashlib
import io
import json
import zipfile

import pytest

from backend.declarations.models import Declaration
from backend.extensions import db
from backend.inspections.custody import canonical_json

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"signature-strokes" * 4
TREATMENT = {
    "kind": "treatment",
    "method": "熏蒸 fumigation",
    "chemical": "methyl bromide",
    "dosage": "48 g/m3",
    "duration_hours": 24,
    "provider": "深圳某熏蒸公司",
}


@pytest.fixture
def started(client, world, factories):
    """An instruction accepted and started by the inspector on phone A."""
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


def record_all(
    client, world, factories, instruction, conclusion, disposition=None, result="conforms", skip=0
):
    ops = [
        factories.op(
            "item_result.set",
            instruction.id,
            base_version=0,
            item_id=item.id,
            body={"result": result, "notes": "", "measurements": {}},
        )
        for item in instruction.items[skip:]
    ]
    ops.append(
        factories.op("conclusion.set", instruction.id, base_version=0, body={"conclusion": conclusion})
    )
    if disposition:
        ops.append(factories.op("disposition.set", instruction.id, base_version=0, body=disposition))
    results = factories.push(client, world.h_inspector, ops)
    assert {r["status"] for r in results} == {"applied"}, results


def complete(client, world, factories, instruction, version=4):
    return factories.push(
        client,
        world.h_inspector,
        [factories.op("instruction.complete", instruction.id, base_version=version)],
    )[0]


def test_completing_needs_every_item_a_conclusion_and_for_a_fail_a_disposition(
    client, world, factories, started
):
    first = started.items[0]
    factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set", started.id, base_version=0, item_id=first.id, body={"result": "conforms"}
            )
        ],
    )
    refused = complete(client, world, factories, started)
    assert (refused["status"], refused["error"], refused["http_status"]) == (
        "rejected",
        "inspection.incomplete",
        409,
    )
    assert "item 2 packaging" in refused["message"] and "conclusion" in refused["message"]
    record_all(client, world, factories, started, "fail", skip=1)
    refused = complete(client, world, factories, started)
    assert refused["error"] == "inspection.incomplete" and "disposition" in refused["message"]


def test_a_pass_completes_the_instruction_and_passes_the_declaration(
    client, world, factories, started, emitted
):
    record_all(client, world, factories, started, "pass")
    done = complete(client, world, factories, started)
    assert done["status"] == "applied", done
    assert done["data"]["instruction_status"] == "completed"
    assert done["data"]["declaration_status"] == "e_record_issued"
    declaration = db.session.get(Declaration, world.declaration.id)
    assert (
        done["data"]["e_record_no"] == declaration.e_record.e_record_no == f"{declaration.inspection_no}001"
    )
    assert [r.code for r in declaration.receipts] == ["INSPECTING", "INSPECTION_PASSED", "E_RECORD_ISSUED"]
    rooms = {(room, event) for room, event, _ in emitted}
    assert (f"enterprise:{world.enterprise.id}", "inspection.completed") in rooms
    assert ("district:5300", "inspection.completed") in rooms


def test_a_pass_cannot_carry_a_disposition_other_than_release(client, world, factories, started):
    record_all(client, world, factories, started, "pass", disposition={"kind": "no_export", "reason": "x"})
    assert complete(client, world, factories, started)["error"] == "inspection.disposition_mismatch"


def test_a_fail_with_treatment_fails_the_declaration_then_reinspection_issues_a_new_instruction(
    client, world, factories, started
):
    record_all(client, world, factories, started, "fail", disposition=TREATMENT, result="does_not_conform")
    assert complete(client, world, factories, started)["data"]["declaration_status"] == "failed"
    declaration = db.session.get(Declaration, world.declaration.id)
    assert declaration.receipts[-1].detail["disposition"]["kind"] == "treatment"
    response = client.post(
        f"/api/v1/inspections/{started.id}/reinspection",
        json={"note": "熏蒸完毕"},
        headers=world.h_supervisor,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["declaration_status"] == "inspection_notice" and body["instruction_id"] != started.id
    # The re-inspection names the instruction it follows, and the origin names its follow-up.
    follow_up = client.get(f"/api/v1/instructions/{body['instruction_id']}", headers=world.h_supervisor)
    assert follow_up.get_json()["follows_instruction_id"] == started.id
    origin = client.get(f"/api/v1/instructions/{started.id}", headers=world.h_supervisor).get_json()
    assert origin["follow_up_ids"] == [body["instruction_id"]]
    again = client.post(f"/api/v1/inspections/{started.id}/reinspection", json={}, headers=world.h_supervisor)
    assert again.get_json()["error"] == "inspection.not_reinspectable"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "treatment", "method": "fumigation"}, "chemical"),
        ({"kind": "return", "reason": "标签不符"}, "supervised_by"),
        ({"kind": "destroy", "supervised_by": "王五"}, "reason"),
        ({"kind": "no_export"}, "reason"),
        ({"kind": "release", "reason": "x"}, "reason"),
        ({"kind": "teleport"}, "kind"),
        ({**TREATMENT, "duration_hours": "long"}, "duration_hours"),
    ],
)
def test_each_disposition_needs_its_own_fields(client, world, factories, started, body, field):
    result = factories.push(
        client, world.h_inspector, [factories.op("disposition.set", started.id, base_version=0, body=body)]
    )[0]
    assert (result["status"], result["http_status"], result["error"]) == (
        "rejected",
        422,
        "inspection.invalid_body",
    )
    assert field in result["errors"]


def test_findings_are_refused_before_the_inspection_starts(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    result = factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set",
                instruction.id,
                base_version=0,
                item_id=instruction.items[0].id,
                body={"result": "conforms"},
            )
        ],
    )
    assert (result[0]["status"], result[0]["error"]) == ("rejected", "inspection.not_open")


def test_an_officer_correction_with_a_stale_version_is_a_409_with_both_versions(
    client, world, factories, started
):
    item = started.items[0]
    factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set", started.id, base_version=0, item_id=item.id, body={"result": "conforms"}
            )
        ],
    )
    url = f"/api/v1/inspections/{started.id}/items/{item.id}"
    stale = client.put(url, json={"base_version": 0, "result": "not_applicable"}, headers=world.h_supervisor)
    assert (stale.status_code, stale.get_json()["error"]) == (409, "inspection.version_conflict")
    assert stale.get_json()["detail"]["server"]["result"] == "conforms"
    assert stale.get_json()["detail"]["device"]["base_version"] == 0
    assert (
        client.put(
            url, json={"base_version": 1, "result": "not_applicable"}, headers=world.h_inspector
        ).status_code
        == 403
    )
    record = client.get(f"/api/v1/inspections/{started.id}", headers=world.h_supervisor).get_json()
    assert record["item_results"][0]["version"] == 1


def test_the_evidence_bundle_lists_every_record_with_a_hash_that_matches(client, world, factories, started):
    item = started.items[2]
    png_b64 = base64.b64encode(PNG).decode()
    photo = factories.photo(world.inspector)
    someone_elses = factories.photo(world.other_inspector, data=b"another photo")
    results = factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "item_result.set",
                started.id,
                base_version=0,
                item_id=item.id,
                body={"result": "conforms", "measurements": {"moisture": {"value": "11.5", "unit": "%"}}},
            ),
            factories.op(
                "sample.add",
                started.id,
                sample_id="5f1d6c0e-2b7a-4c1e-8d0a-3c9e7b6a5d41",
                body={
                    "sample_no": "S-1",
                    "quantity": "2.5",
                    "unit": "kg",
                    "laboratory": "技术中心",
                    "tests": ["mould"],
                    "item_id": item.id,
                },
            ),
            factories.op(
                "photo.attach",
                started.id,
                photo_id=photo.id,
                item_id=item.id,
                body={"sha256": photo.sha256, "caption": "唛头"},
            ),
            factories.op("signature.set", started.id, base_version=0, body={"png_base64": png_b64}),
            factories.op("signature.set", started.id, base_version=1, body={"png_base64": "bm90IGEgcG5n"}),
        ],
    )
    assert [r["status"] for r in results] == ["applied"] * 4 + ["rejected"]
    refused = factories.push(
        client,
        world.h_inspector,
        [
            factories.op(
                "photo.attach", started.id, photo_id=someone_elses.id, body={"sha256": someone_elses.sha256}
            ),
            factories.op("photo.attach", started.id, photo_id=photo.id + 1000, body={"sha256": photo.sha256}),
            factories.op("photo.attach", started.id, photo_id=photo.id, body={"sha256": "0" * 64}),
        ],
    )
    assert [r.get("error") for r in refused] == [
        "inspection.photo_not_found",
        "sync.blocked_by_earlier",
        "sync.blocked_by_earlier",
    ]
    response = client.get(f"/api/v1/inspections/{started.id}/evidence-bundle", headers=world.h_supervisor)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = json.loads(archive.read("manifest.json"))
    kinds = [record["kind"] for record in manifest["records"]]
    assert kinds == ["start", "item_result", "sample", "photo", "signature"]
    for record in manifest["records"]:
        assert hashlib.sha256(canonical_json(record["content"])).hexdigest() == record["sha256"]
        assert record["device_id"] == "phone-a-0001" and record["recorded_by"] == world.inspector.username
        assert record["location"]["lat"] == "22.657300" and record["device_time"].startswith(
            "2026-11-27T02:00"
        )
        assert record["server_time"] and record["op_id"]
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    assert archive.read("signature.png") == PNG
    assert manifest["inspection"]["signature_sha256"] == hashlib.sha256(PNG).hexdigest()
    assert (
        manifest["photos"][0]["photo_id"] == photo.id
        and manifest["photos"][0]["file"] == f"photos/{photo.id}.jpg"
    )
    assert hashlib.sha256(archive.read(manifest["photos"][0]["file"])).hexdigest() == photo.sha256
    assert (
        client.get(f"/api/v1/inspections/{started.id}/evidence-bundle", headers=world.h_other).status_code
        == 404
    )


def test_the_inspection_record_follows_its_instruction_to_a_new_inspector(client, world, factories, started):
    from backend.inspections.models import Inspection

    response = client.post(
        f"/api/v1/instructions/{started.id}/assign",
        json={"inspector_id": world.other_inspector.id},
        headers=world.h_supervisor,
    )
    assert response.status_code == 200, response.get_json()
    inspection = db.session.execute(
        db.select(Inspection).where(Inspection.instruction_id == started.id)
    ).scalar_one()
    assert inspection.inspector_id == world.other_inspector.id
