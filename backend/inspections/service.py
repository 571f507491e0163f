"""Use cases of on-site inspection (现场检验检疫与处置) over REST; each owns its transaction."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.declarations import workflow as declaration_workflow
from backend.declarations.models import Declaration
from backend.errors import DomainError
from backend.extensions import db
from backend.inspections import (
    errors,  # noqa: F401
    lifecycle,
    operations,
)
from backend.inspections.custody import Provenance, evidence_view, sha256_hex
from backend.inspections.models import EvidenceRecord
from backend.inspections.views import inspection_view, item_result_view
from backend.instructions import leases
from backend.instructions.service import create_instruction_for_declaration, get_visible
from backend.instructions.workflow import Status
from backend.media.models import Photo
from backend.media.storage import get_storage

_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic"}


def get_inspection(*, actor: Actor, instruction_id: int) -> dict:
    """The inspection record of an instruction the actor may see."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id)
    inspection = operations.inspection_of(instruction)
    if inspection is None:
        raise DomainError("resource.not_found")
    return {
        "instruction_id": instruction.id,
        "instruction_status": instruction.status,
        **inspection_view(inspection),
    }


def start_inspection(
    *, actor: Actor, instruction_id: int, device_id: str | None = None, expected_version: int | None = None
) -> dict:
    """The assigned inspector starts on site (online); the declaration becomes `inspecting`."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    if device_id is not None:
        leases.hold(instruction, device_id=device_id)
    outcome = lifecycle.start(
        instruction, prov=Provenance(actor=actor, device_id=device_id), base_version=expected_version
    )
    db.session.commit()
    return {"instruction_id": instruction.id, "version": outcome["version"], **outcome["data"]}


def complete_inspection(
    *, actor: Actor, instruction_id: int, device_id: str | None = None, expected_version: int | None = None
) -> dict:
    """The assigned inspector completes: pass → e-record, fail → disposition on the declaration."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    if device_id is not None:
        leases.hold(instruction, device_id=device_id)
    outcome = lifecycle.complete(
        instruction, prov=Provenance(actor=actor, device_id=device_id), base_version=expected_version
    )
    db.session.commit()
    return {"instruction_id": instruction.id, "version": outcome["version"], **outcome["data"]}


def correct_item_result(
    *, actor: Actor, instruction_id: int, item_id: int, base_version: int, **body
) -> dict:
    """A supervisor corrects a finding at the desk; a stale base_version is a 409 with both versions."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    operations.set_item_result(
        instruction, prov=Provenance(actor=actor), item_id=item_id, base_version=base_version, body=body
    )
    db.session.commit()
    inspection = operations.inspection_of(instruction)
    row = next(r for r in inspection.item_results if r.instruction_item_id == item_id)
    return item_result_view(row)


def evidence_bundle(*, actor: Actor, instruction_id: int) -> tuple[bytes, str]:
    """A zip: manifest.json (every custody record and photo with SHA-256), the signature and photos."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id)
    inspection = operations.inspection_of(instruction)
    if inspection is None:
        raise DomainError("resource.not_found")
    records = db.session.execute(
        sa.select(EvidenceRecord)
        .where(EvidenceRecord.inspection_id == inspection.id)
        .order_by(EvidenceRecord.id)
    ).scalars()
    files: dict[str, bytes] = {}
    if inspection.signature_png:
        files["signature.png"] = inspection.signature_png
    photos, pending = [], []
    for link in inspection.photos:
        if link.photo_id is None:  # declared on site, its bytes not (yet) on the server
            pending.append(_declared_photo_entry(link))
            continue
        photo = db.session.get(Photo, link.photo_id)
        name = f"photos/{photo.id}{_EXTENSIONS.get(photo.content_type, '')}"
        files[name] = get_storage().get(photo.original_key)
        photos.append(
            {
                "photo_id": photo.id,
                "item_id": link.instruction_item_id,
                "sha256": photo.sha256,
                "caption": link.caption,
                "file": name,
                "content_type": photo.content_type,
                "device_id": photo.device_id,
                "captured_at": photo.captured_at.isoformat() if photo.captured_at else None,
                "received_at": photo.received_at.isoformat(),
                "client_gps": photo.client_gps,
                "exif_captured_at": photo.exif_captured_at,
                "exif_gps": photo.exif_gps,
                "exif_make": photo.exif_make,
                "exif_model": photo.exif_model,
                # Chain of custody across the phone's re-encoding: the camera's own file and its EXIF.
                "original_sha256": photo.original_sha256 or link.original_sha256,
                "original_exif": photo.original_exif or link.original_exif,
                "client_photo_id": link.client_photo_id,
            }
        )
    manifest = {
        "format": "chajian.evidence-bundle/1",
        "instruction_id": instruction.id,
        "declaration_id": instruction.declaration_id,
        "inspection": json.loads(json.dumps(inspection_view(inspection), default=str)),
        "records": [evidence_view(record) for record in records],
        "photos": photos,
        "photos_pending": pending,
        "files": [
            {"name": name, "sha256": sha256_hex(data), "size": len(data)} for name, data in files.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, data in files.items():
            archive.writestr(name, data)
    record_event(
        action="inspection.bundle_exported", entity_type="instruction", entity_id=instruction.id, actor=actor
    )
    db.session.commit()
    return buffer.getvalue(), f"evidence-{instruction.id}.zip"


def _declared_photo_entry(link) -> dict:
    return {
        "client_photo_id": link.client_photo_id,
        "item_id": link.instruction_item_id,
        "sha256": link.sha256,
        "original_sha256": link.original_sha256,
        "original_exif": link.original_exif,
        "captured_at": link.captured_at.isoformat() if link.captured_at else None,
        "client_gps": link.client_gps,
        "caption": link.caption,
        "declared_at": link.created_at.isoformat(),
    }


def request_reinspection(*, actor: Actor, instruction_id: int, note: str | None = None) -> dict:
    """After a treatment disposition the goods are inspected again: REINSPECT and a new instruction."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    inspection = operations.inspection_of(instruction)
    declaration = db.session.get(Declaration, instruction.declaration_id)
    if (
        instruction.status != Status.COMPLETED
        or inspection is None
        or inspection.disposition != "treatment"
        or declaration.status != declaration_workflow.Status.FAILED
    ):
        raise DomainError("inspection.not_reinspectable")
    declaration_workflow.apply(declaration, declaration_workflow.Event.REINSPECT, actor=actor)
    new = create_instruction_for_declaration(
        declaration=declaration,
        item_codes=[item.code for item in instruction.items],
        source="reinspection",
        reason={
            "previous_instruction_id": instruction.id,
            "treatment": inspection.disposition_fields,
            **({"note": note} if note else {}),
        },
        actor=actor,
        priority=min(instruction.priority, 2),
        site_address=instruction.site_address,
        site_contact=instruction.site_contact,
        follows_instruction_id=instruction.id,
    )
    db.session.commit()
    return {"instruction_id": new.id, "status": new.status, "declaration_status": declaration.status}
