"""Photos declared with the findings, linked after their upload — even once the instruction is completed."""

import uuid

import pytest
import sqlalchemy as sa

from backend.extensions import db
from backend.inspections.models import EvidenceRecord, InspectionPhoto
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


def findings_and_completion(factories, instruction):
    ops = [
        factories.op(
            "item_result.set", instruction.id, base_version=0, item_id=item.id, body={"result": "conforms"}
        )
        for item in instruction.items
    ]
    ops.append(factories.op("conclusion.set", instruction.id, base_version=0, body={"conclusion": "pass"}))
    ops.append(factories.op("instruction.complete", instruction.id, base_version=4))
    return ops


def pending_everywhere(client, world, instruction_id) -> dict:
    """photos_pending as the supervisor's list and detail, the inspection and the phone's pull show it."""
    listed = client.get("/api/v1/instructions", headers=world.h_supervisor).get_json()
    detail = client.get(f"/api/v1/instructions/{instruction_id}", headers=world.h_supervisor).get_json()
    inspection = client.get(f"/api/v1/inspections/{instruction_id}", headers=world.h_supervisor).get_json()
    pulled = client.get("/api/v1/sync/pull?device_id=phone-a-0001", headers=world.h_inspector).get_json()
    document = next(c["instruction"] for c in pulled["changes"] if c["instruction_id"] == instruction_id)
    return {
        "list": next(row["photos_pending"] for row in listed if row["id"] == instruction_id),
        "detail": detail["photos_pending"],
        "inspection": inspection["photos_pending"],
        "pull": document["photos_pending"],
        "pull_inspection": document["inspection"]["photos_pending"],
    }


def test_declared_photos_are_pending_until_attached_after_completion(
    client, world, factories, started, emitted
):
    item = started.items[0]
    shots = [(str(uuid.uuid4()), photos.webp(), photos.camera_file()) for _ in range(2)]
    declares = [
        photos.declare_op(factories, started.id, cid, data, original=original, item_id=item.id)
        for cid, data, original in shots
    ]
    results = factories.push(
        client, world.h_inspector, [*declares, *findings_and_completion(factories, started)]
    )
    assert {r["status"] for r in results} == {"applied"}, results
    assert results[0]["data"] == {
        "client_photo_id": shots[0][0],
        "photo_id": None,
        "item_id": item.id,
        "pending": True,
    }
    assert results[-1]["data"]["instruction_status"] == "completed"
    assert set(pending_everywhere(client, world, started.id).values()) == {2}
    assert ("district:5300", "inspection.photos", {"instruction_id": started.id}) in emitted

    cid, data, original = shots[0]
    photo = photos.upload(client, world.h_inspector, data, client_id=cid, original=original)
    attached = factories.push(
        client, world.h_inspector, [photos.attach_op(factories, started.id, photo, client_photo_id=cid)]
    )[0]
    assert attached["status"] == "applied", attached
    assert attached["data"] == {"photo_id": photo["id"], "item_id": item.id, "client_photo_id": cid}
    assert set(pending_everywhere(client, world, started.id).values()) == {1}

    inspection = client.get(f"/api/v1/inspections/{started.id}", headers=world.h_supervisor).get_json()
    assert inspection["photos"] == [
        {"photo_id": photo["id"], "item_id": item.id, "sha256": images.sha256(data), "caption": "唛头"}
    ]
    record = db.session.execute(
        sa.select(EvidenceRecord).where(
            EvidenceRecord.kind == "photo", EvidenceRecord.op_id == attached["op_id"]
        )
    ).scalar_one()
    assert record.content["declared"] is True and record.content["after_completion"] is True
    assert record.content["original_sha256"] == images.sha256(original)
    assert record.content["original_exif"] == photos.CAMERA_EXIF and record.content["client_photo_id"] == cid
    declared = db.session.execute(
        sa.select(EvidenceRecord).where(EvidenceRecord.kind == "photo_declared")
    ).scalars()
    assert sorted(r.ref for r in declared) == sorted(cid for cid, _, _ in shots)

    cid, data, original = shots[1]
    photo = photos.upload(client, world.h_inspector, data, client_id=cid, original=original)
    factories.push(
        client, world.h_inspector, [photos.attach_op(factories, started.id, photo, client_photo_id=cid)]
    )
    assert set(pending_everywhere(client, world, started.id).values()) == {0}


def test_an_undeclared_photo_cannot_be_attached_after_completion(client, world, factories, started):
    assert {
        r["status"]
        for r in factories.push(client, world.h_inspector, findings_and_completion(factories, started))
    } == {"applied"}
    cid = str(uuid.uuid4())
    photo = photos.upload(
        client, world.h_inspector, photos.webp(), client_id=cid, original=photos.camera_file()
    )
    for op in (
        photos.attach_op(factories, started.id, photo),
        photos.attach_op(factories, started.id, photo, client_photo_id=cid),
    ):
        refused = factories.push(client, world.h_inspector, [op])[0]
        assert (refused["status"], refused["error"]) == ("rejected", "inspection.not_open")
    assert db.session.execute(sa.select(sa.func.count()).select_from(InspectionPhoto)).scalar_one() == 0


def test_declare_is_idempotent_by_op_id_and_by_photo_id(client, world, factories, started):
    cid, data, original = str(uuid.uuid4()), photos.webp(), photos.camera_file()
    declare = photos.declare_op(factories, started.id, cid, data, original=original)
    results = factories.push(client, world.h_inspector, [declare, declare])
    assert [(r["status"], r["replayed"]) for r in results] == [("applied", False), ("applied", True)]
    assert factories.push(client, world.h_inspector, [declare])[0]["replayed"] is True
    # The phone queued the same photo again under a new op_id: nothing new, nothing blocked.
    again = photos.declare_op(factories, started.id, cid, data, original=original)
    assert factories.push(client, world.h_inspector, [again])[0]["status"] == "applied"
    assert db.session.execute(sa.select(sa.func.count()).select_from(InspectionPhoto)).scalar_one() == 1
    assert (
        db.session.execute(
            sa.select(sa.func.count()).where(EvidenceRecord.kind == "photo_declared")
        ).scalar_one()
        == 1
    )
    other = photos.declare_op(factories, started.id, cid, photos.webp(), original=original)
    refused = factories.push(client, world.h_inspector, [other])[0]
    assert (refused["status"], refused["error"]) == ("rejected", "inspection.photo_already_declared")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"exif": {"gps": {"lat": 95, "lon": 10}}}, {"exif": {"gps": {"lat": ...}}}),
        ({"exif": {"make": "m" * 101}}, {"exif": {"make": ...}}),
        ({"exif": {"taken_at": "27/11/2026"}}, {"exif": {"taken_at": ...}}),
        ({"exif": {"iso": 100}}, {"exif": {"iso": ...}}),
        ({"original_sha256": "ABC"}, {"original_sha256": ...}),
        ({"captured_at": "2026-11-27T07:30:05"}, {"captured_at": ...}),
        ({"gps": {"lat": 10, "lon": 200}}, {"gps": {"lon": ...}}),
    ],
)
def test_a_bad_declaration_is_refused_naming_the_field(client, world, factories, started, body, errors):
    declare = photos.declare_op(
        factories, started.id, str(uuid.uuid4()), photos.webp(), original=photos.camera_file(), body=body
    )
    refused = factories.push(client, world.h_inspector, [declare])[0]
    assert (refused["status"], refused["error"]) == ("rejected", "inspection.invalid_body")

    def same_paths(expected, actual):
        assert set(expected) == set(actual), actual
        for key, value in expected.items():
            if isinstance(value, dict):
                same_paths(value, actual[key])
            else:
                assert actual[key] and isinstance(actual[key], list)

    same_paths(errors, refused["errors"])
    assert db.session.execute(sa.select(sa.func.count()).select_from(InspectionPhoto)).scalar_one() == 0


def test_an_attach_before_its_upload_waits_and_a_wrong_photo_is_refused(client, world, factories, started):
    cid, data, original = str(uuid.uuid4()), photos.webp(), photos.camera_file()
    factories.push(
        client, world.h_inspector, [photos.declare_op(factories, started.id, cid, data, original=original)]
    )
    stranger = photos.upload(client, world.h_inspector, photos.webp(), client_id=str(uuid.uuid4()))
    wrong = factories.push(
        client, world.h_inspector, [photos.attach_op(factories, started.id, stranger, client_photo_id=cid)]
    )[0]
    assert (wrong["error"], wrong["errors"]) == (
        "inspection.invalid_body",
        {"sha256": ["does not match the declared photo"]},
    )
    early = photos.attach_op(
        factories, started.id, {"id": 2**31 - 1, "sha256": images.sha256(data)}, client_photo_id=cid
    )
    waiting = factories.push(client, world.h_inspector, [early])[0]
    assert waiting["error"] == "inspection.photo_not_found"  # transient: not kept, sent again later


def test_the_same_bytes_declared_twice_end_as_one_photo_and_none_pending(client, world, factories, started):
    data, original = photos.webp(), photos.camera_file()
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    factories.push(
        client,
        world.h_inspector,
        [
            photos.declare_op(factories, started.id, first, data, original=original),
            photos.declare_op(factories, started.id, second, data, original=original),
        ],
    )
    photo = photos.upload(client, world.h_inspector, data, client_id=first, original=original)
    results = factories.push(
        client,
        world.h_inspector,
        [
            photos.attach_op(factories, started.id, photo, client_photo_id=first),
            photos.attach_op(factories, started.id, photo, client_photo_id=second),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    rows = db.session.execute(sa.select(InspectionPhoto)).scalars().all()
    assert [(row.client_photo_id, row.photo_id) for row in rows] == [(first, photo["id"])]


def test_photos_pending_are_loaded_without_a_query_per_instruction(client, world, factories):
    def selects_for_list() -> tuple[int, int]:
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            rows = client.get("/api/v1/instructions", headers=world.h_supervisor).get_json()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert all(row["photos_pending"] == 1 for row in rows)
        return len(rows), len(statements)

    def one_more_with_a_pending_photo():
        declaration = factories.declaration(world.enterprise, status="inspection_notice")
        instruction = factories.instruction(declaration, inspector=world.inspector)
        ops = [
            factories.op("instruction.accept", instruction.id, base_version=2),
            factories.op("instruction.start", instruction.id, base_version=3),
            photos.declare_op(
                factories, instruction.id, str(uuid.uuid4()), photos.webp(), original=photos.camera_file()
            ),
        ]
        assert {r["status"] for r in factories.push(client, world.h_inspector, ops)} == {"applied"}

    one_more_with_a_pending_photo()
    rows, queries = selects_for_list()
    for _ in range(3):
        one_more_with_a_pending_photo()
    more_rows, more_queries = selects_for_list()
    assert (rows, more_rows) == (1, 4)
    assert more_queries == queries
