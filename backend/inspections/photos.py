"""Photos of an inspection: declared on site ahead of their bytes, then linked once uploaded.

The phone sends its findings first and its photos after (docs/sync.md): `photo.declare` travels
with the findings and records the photo as pending (what will be sent, the camera file's hash and
EXIF, time and place); `photo.attach` follows the upload and links the stored photo to that row.
A declared photo may be linked after the instruction was completed (it was taken before); a photo
never declared still needs the inspection open, as before declarations existed.
The caller (the sync push) commits and holds the instruction's lock.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.core.enums import Role
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.inspections import operations
from backend.inspections.custody import Provenance, record_evidence
from backend.inspections.models import Inspection, InspectionPhoto
from backend.inspections.schemas import PhotoBody, PhotoDeclareBody
from backend.instructions import service as instruction_service
from backend.instructions.models import Instruction
from backend.media.models import Photo
from backend.realtime import district_room, notify


def _declared(inspection: Inspection | None, client_photo_id: str | None) -> InspectionPhoto | None:
    if inspection is None or client_photo_id is None:
        return None
    return db.session.execute(
        sa.select(InspectionPhoto).where(
            InspectionPhoto.inspection_id == inspection.id, InspectionPhoto.client_photo_id == client_photo_id
        )
    ).scalar_one_or_none()


def _link_data(row: InspectionPhoto) -> dict:
    return {
        "client_photo_id": row.client_photo_id,
        "photo_id": row.photo_id,
        "item_id": row.instruction_item_id,
        "pending": row.photo_id is None,
    }


def declare_photo(
    instruction: Instruction, *, prov: Provenance, client_photo_id: str, item_id: int | None, body: dict
) -> dict:
    """Record a photo taken on site as pending until its upload is attached."""
    operations.ensure_assignee_or_officer(instruction, prov)
    values = operations.load_body(PhotoDeclareBody, body)
    existing = _declared(operations.inspection_of(instruction), client_photo_id)
    if existing is not None:
        # Declared (or attached) already under this id: the same photo is nothing new.
        if existing.sha256 != values["sha256"]:
            raise DomainError(
                "inspection.photo_already_declared", detail={"client_photo_id": client_photo_id}
            )
        return {"version": 1, "data": _link_data(existing)}
    inspection = operations.open_inspection_of(instruction, prov)
    operations._item(instruction, item_id)
    row = InspectionPhoto(
        inspection_id=inspection.id,
        instruction_item_id=item_id,
        photo_id=None,
        sha256=values["sha256"],
        caption=values["caption"],
        client_photo_id=client_photo_id,
        original_sha256=values["original_sha256"],
        original_exif=values["exif"],
        captured_at=values["captured_at"],
        client_gps=values["gps"],
    )
    db.session.add(row)
    record_evidence(
        inspection,
        kind="photo_declared",
        ref=client_photo_id,
        content={"client_photo_id": client_photo_id, "item_id": item_id, **values},
        prov=prov,
    )
    operations._changed(instruction)
    _announce(instruction)
    return {"version": 1, "data": _link_data(row)}


def _uploaded_photo(instruction: Instruction, prov: Provenance, photo_id: int, sha256: str) -> Photo:
    photo = db.session.get(Photo, photo_id)
    own = photo is not None and (
        photo.uploaded_by_id == prov.actor.user_id
        or (prov.actor.role != Role.INSPECTOR and photo.district_code == instruction.district_code)
    )
    if not own:
        raise DomainError("inspection.photo_not_found")  # not uploaded yet, or not the caller's to link
    if photo.sha256 != sha256:
        raise DomainError("inspection.invalid_body", errors={"sha256": ["does not match the uploaded photo"]})
    return photo


def _linked(inspection: Inspection, photo_id: int) -> InspectionPhoto | None:
    return db.session.execute(
        sa.select(InspectionPhoto).where(
            InspectionPhoto.inspection_id == inspection.id, InspectionPhoto.photo_id == photo_id
        )
    ).scalar_one_or_none()


def attach_photo(
    instruction: Instruction,
    *,
    prov: Provenance,
    photo_id: int,
    item_id: int | None,
    body: dict,
    client_photo_id: str | None = None,
) -> dict:
    """Link an uploaded photo: to its declaration (any time after), or to the open inspection."""
    operations.ensure_assignee_or_officer(instruction, prov)
    declared = _declared(operations.inspection_of(instruction), client_photo_id)
    if declared is None:
        inspection = operations.open_inspection_of(instruction, prov)
        operations._item(instruction, item_id)
    else:
        inspection = db.session.get(Inspection, declared.inspection_id)
    values = operations.load_body(PhotoBody, body)
    photo = _uploaded_photo(instruction, prov, photo_id, values["sha256"])
    if declared is not None:
        return _attach_declared(instruction, inspection, declared, photo, values, prov)
    if _linked(inspection, photo_id) is not None:
        raise DomainError("inspection.photo_already_attached")
    db.session.add(
        InspectionPhoto(
            inspection_id=inspection.id,
            instruction_item_id=item_id,
            photo_id=photo_id,
            sha256=values["sha256"],
            caption=values["caption"],
            client_photo_id=client_photo_id,
            original_sha256=photo.original_sha256,
            original_exif=photo.original_exif,
            captured_at=photo.captured_at,
            client_gps=photo.client_gps,
            attached_at=utcnow(),
        )
    )
    _record_attached(inspection, photo, item_id, values, prov, client_photo_id=client_photo_id)
    operations._changed(instruction)
    return {"version": 1, "data": {"photo_id": photo_id, "item_id": item_id}}


def _attach_declared(
    instruction: Instruction,
    inspection: Inspection,
    declared: InspectionPhoto,
    photo: Photo,
    values: dict,
    prov: Provenance,
) -> dict:
    if declared.photo_id is not None:
        raise DomainError("inspection.photo_already_attached")
    if declared.sha256 != photo.sha256:
        raise DomainError("inspection.invalid_body", errors={"sha256": ["does not match the declared photo"]})
    item_id, caption = declared.instruction_item_id, values["caption"] or declared.caption
    same_bytes = _linked(inspection, photo.id)
    if same_bytes is not None:
        # The same bytes were declared twice (one file picked twice): one link, and no photo left pending.
        db.session.delete(declared)
        record_evidence(
            inspection,
            kind="photo",
            ref=photo.id,
            content={
                "photo_id": photo.id,
                "client_photo_id": declared.client_photo_id,
                "same_as_client_photo_id": same_bytes.client_photo_id,
                "sha256": photo.sha256,
            },
            prov=prov,
        )
    else:
        declared.photo_id, declared.caption, declared.attached_at = photo.id, caption, utcnow()
        _record_attached(
            inspection,
            photo,
            item_id,
            {**values, "caption": caption},
            prov,
            client_photo_id=declared.client_photo_id,
            declared=declared,
            after_completion=instruction.status != "in_progress",
        )
    operations._changed(instruction)
    _announce(instruction)
    return {
        "version": 1,
        "data": {"photo_id": photo.id, "item_id": item_id, "client_photo_id": declared.client_photo_id},
    }


def _announce(instruction: Instruction) -> None:
    """Tell the district's desks that the instruction's photos pending changed (after commit)."""
    notify(district_room(instruction.district_code), "inspection.photos", {"instruction_id": instruction.id})


def _record_attached(
    inspection: Inspection,
    photo: Photo,
    item_id: int | None,
    values: dict,
    prov: Provenance,
    *,
    client_photo_id: str | None,
    declared: InspectionPhoto | None = None,
    after_completion: bool = False,
) -> None:
    content = {
        "photo_id": photo.id,
        "item_id": item_id,
        **values,
        "photo_device_id": photo.device_id,
        "captured_at": photo.captured_at,
        "client_gps": photo.client_gps,
        "original_sha256": photo.original_sha256 or (declared.original_sha256 if declared else None),
        "original_exif": photo.original_exif or (declared.original_exif if declared else None),
    }
    if client_photo_id:
        content["client_photo_id"] = client_photo_id
    if declared is not None:
        content["declared"] = True
        content["after_completion"] = after_completion
    record_evidence(inspection, kind="photo", ref=photo.id, content=content, prov=prov)


def pending_photo_counts(instruction_ids: list[int]) -> dict[int, int]:
    """{instruction_id: photos declared but not yet arrived}, in one query (absent: none pending)."""
    if not instruction_ids:
        return {}
    rows = db.session.execute(
        sa.select(Inspection.instruction_id, sa.func.count(InspectionPhoto.id))
        .join(InspectionPhoto, InspectionPhoto.inspection_id == Inspection.id)
        .where(Inspection.instruction_id.in_(instruction_ids), InspectionPhoto.photo_id.is_(None))
        .group_by(Inspection.instruction_id)
    )
    return {instruction_id: count for instruction_id, count in rows}


@instruction_service.on_response
def with_photos_pending(rows: list[Instruction]) -> None:
    """Set `photos_pending` on instructions about to be answered (one query for the whole list)."""
    counts = pending_photo_counts([row.id for row in rows])
    for row in rows:
        row.photos_pending = counts.get(row.id, 0)
