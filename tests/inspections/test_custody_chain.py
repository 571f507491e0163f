"""An inspection's custody records form a hash chain and the evidence bundle's manifest is sealed with
the district's key: a checker (and `flask evidence verify`) names a record edited, removed or reordered
in the database or in the bundle, and a manifest whose seal no longer holds."""

import io
import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.certificates.keys import public_key_map
from backend.extensions import db
from backend.inspections.evidence_check import check_bundle, published_keys
from backend.inspections.models import EvidenceRecord, Inspection
from tests.inspections import test_service

record_all, started = test_service.record_all, test_service.started  # an instruction started on phone A


@pytest.fixture
def recorded(client, world, factories, started):
    """Started on phone A, three findings and a conclusion: five custody records."""
    record_all(client, world, factories, started, "pass")
    return started


def bundle(client, world, instruction) -> bytes:
    response = client.get(f"/api/v1/inspections/{instruction.id}/evidence-bundle", headers=world.h_supervisor)
    assert response.status_code == 200
    return response.data


def rows(instruction) -> list[EvidenceRecord]:
    inspection = db.session.execute(
        sa.select(Inspection).where(Inspection.instruction_id == instruction.id)
    ).scalar_one()
    return list(
        db.session.execute(
            sa.select(EvidenceRecord)
            .where(EvidenceRecord.inspection_id == inspection.id)
            .order_by(EvidenceRecord.seq)
        ).scalars()
    )


def problems(data: bytes) -> list[tuple[str, list[int]]]:
    return [(p.code, list(p.records)) for p in check_bundle(data, public_key_map()).problems]


def raw(sql: str, **params) -> None:
    db.session.execute(sa.text(sql), params)
    db.session.commit()
    db.session.expire_all()


def test_the_records_form_a_chain_and_the_sealed_bundle_checks_ok(app, client, world, recorded, tmp_path):
    chain = rows(recorded)
    assert [r.kind for r in chain] == ["start", "item_result", "item_result", "item_result", "conclusion"]
    assert [r.seq for r in chain] == [1, 2, 3, 4, 5]
    assert chain[0].previous_sha256 == ""
    assert [r.previous_sha256 for r in chain[1:]] == [r.record_sha256 for r in chain[:-1]]
    data = bundle(client, world, recorded)
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    assert [r["record_sha256"] for r in manifest["records"]] == [r.record_sha256 for r in chain]
    assert manifest["custody"]["head_sha256"] == chain[-1].record_sha256 and manifest["custody"]["count"] == 5
    seal = json.loads(archive.read("manifest.seal.json"))
    assert (
        seal["alg"] == "Ed25519" and seal["key_id"].startswith("5300-") and seal["key_id"] in public_key_map()
    )
    report = check_bundle(data, public_key_map())
    assert report.ok and report.problems == [] and report.records == 5
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(args=["evidence", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("OK")
    keys = tmp_path / "keys.json"  # the published keys, as anyone can fetch them: no database needed
    keys.write_text(client.get("/api/v1/certificates/keys").get_data(as_text=True), encoding="utf-8")
    offline = app.test_cli_runner().invoke(args=["evidence", "verify", str(path), "--keys", str(keys)])
    assert offline.exit_code == 0 and offline.output.startswith("OK: 5 custody records"), offline.output


@pytest.mark.parametrize("rehash", [False, True], ids=["content", "content-and-stored-hash"])
def test_a_record_edited_in_the_database_is_named(app, client, world, recorded, tmp_path, rehash):
    third = rows(recorded)[2]
    content = json.dumps({**third.content, "result": "does_not_conform"})
    cast = "CAST(:content AS jsonb)" if db.engine.dialect.name == "postgresql" else ":content"
    raw(f"UPDATE evidence_record SET content = {cast} WHERE id = :id", content=content, id=third.id)
    if rehash:  # who edits the row may recompute its own hash too: the next record still names it
        raw("UPDATE evidence_record SET record_sha256 = :h WHERE id = :id", h="0" * 64, id=third.id)
    data = bundle(client, world, recorded)
    assert problems(data) == [("record_edited", [3])]
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(args=["evidence", "verify", str(path)])
    assert result.exit_code == 1
    assert "record 3" in result.output and "edited" in result.output and "第 3 条" in result.output


def test_a_record_removed_from_the_database_is_named(client, world, recorded):
    raw("DELETE FROM evidence_record WHERE id = :id", id=rows(recorded)[1].id)
    assert problems(bundle(client, world, recorded)) == [("record_removed", [2])]


def test_a_reordered_pair_is_named_in_the_database_and_in_the_bundle(client, world, recorded):
    chain = rows(recorded)
    raw("UPDATE evidence_record SET seq = -1 WHERE id = :id", id=chain[1].id)
    raw("UPDATE evidence_record SET seq = 2 WHERE id = :id", id=chain[2].id)
    raw("UPDATE evidence_record SET seq = 3 WHERE id = :id", id=chain[1].id)
    assert problems(bundle(client, world, recorded)) == [("records_reordered", [2, 3])]
    raw("UPDATE evidence_record SET seq = -1 WHERE id = :id", id=chain[1].id)
    raw("UPDATE evidence_record SET seq = 3 WHERE id = :id", id=chain[2].id)
    raw("UPDATE evidence_record SET seq = 2 WHERE id = :id", id=chain[1].id)
    data = bundle(client, world, recorded)
    assert problems(data) == []
    # The bundle itself rewritten: records 4 and 5 swapped in the manifest and the custody file.
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    manifest["records"][3], manifest["records"][4] = manifest["records"][4], manifest["records"][3]
    lines = source.read("custody.jsonl").splitlines(keepends=True)
    lines[3], lines[4] = lines[4], lines[3]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            if name == "manifest.json":
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            elif name == "custody.jsonl":
                body = b"".join(lines)
            target.writestr(name, body)
    assert problems(out.getvalue()) == [("manifest_signature_invalid", []), ("records_reordered", [4, 5])]


def test_a_bundle_from_another_server_or_not_a_bundle(client, world, recorded):
    data = bundle(client, world, recorded)
    report = check_bundle(data, {})
    assert not report.ok and [p.code for p in report.problems] == ["manifest_key_unknown"]
    assert [p.code for p in check_bundle(b"not a zip", public_key_map()).problems] == ["not_a_bundle"]


def test_the_pwa_fixture_bundle_checks_ok_with_the_python_checker_too():
    """pwa/tests/evidence.test.js checks the same bytes in JavaScript: both checkers agree."""
    fixtures = Path(__file__).resolve().parents[2] / "pwa" / "tests" / "fixtures"
    keys = published_keys(json.loads((fixtures / "evidence-keys.json").read_text(encoding="utf-8")))
    report = check_bundle((fixtures / "evidence-bundle.zip").read_bytes(), keys)
    assert report.ok, report.problems
    assert report.records == 5 and report.key_id in keys
