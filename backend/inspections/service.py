"""Use cases of on-site inspection (现场检验检疫与处置) over REST; each owns its transaction."""

from __future__ import annotations

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
from backend.inspections.bundle import build_bundle
from backend.inspections.custody import Provenance
from backend.inspections.views import inspection_view, item_result_view
from backend.instructions import leases
from backend.instructions.service import create_instruction_for_declaration, get_visible
from backend.instructions.workflow import Status


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
    """A zip: the manifest (custody records, photos, files with SHA-256) sealed with the district's key,
    the custody chain, the signature and photos."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id)
    inspection = operations.inspection_of(instruction)
    if inspection is None:
        raise DomainError("resource.not_found")
    data = build_bundle(instruction, inspection)
    record_event(
        action="inspection.bundle_exported", entity_type="instruction", entity_id=instruction.id, actor=actor
    )
    db.session.commit()
    return data, f"evidence-{instruction.id}.zip"


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
