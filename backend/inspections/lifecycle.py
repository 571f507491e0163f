"""The instruction's on-site lifecycle steps shared by the sync push and REST: accept, start, complete.

The caller locks the instruction and commits.
"""

from __future__ import annotations

from backend.core.models import utcnow
from backend.declarations import workflow as declaration_workflow
from backend.declarations.e_records import issue_e_record
from backend.declarations.models import Declaration
from backend.errors import DomainError
from backend.extensions import db
from backend.inspections.catalog import DISPOSITIONS
from backend.inspections.custody import Provenance, record_evidence
from backend.inspections.models import Inspection
from backend.inspections.operations import (
    check_version,
    ensure_assignee_or_officer,
    inspection_of,
    open_inspection_of,
)
from backend.inspections.views import disposition_view
from backend.instructions import service as instruction_service
from backend.instructions.models import Instruction, InstructionLease
from backend.instructions.workflow import Event, apply
from backend.realtime import district_room, enterprise_room, notify


@instruction_service.on_reassign
def follow_reassignment(instruction: Instruction) -> None:
    """The inspection record follows its instruction to the new inspector."""
    inspection = inspection_of(instruction)
    if inspection is not None:
        inspection.inspector_id = instruction.inspector_id


def _instruction_state(instruction: Instruction) -> dict:
    return {"version": instruction.version, "status": instruction.status}


def accept(instruction: Instruction, *, prov: Provenance, base_version: int | None) -> dict:
    check_version(
        base_version, instruction.version, _instruction_state(instruction), {}, "instruction.version_conflict"
    )
    instruction_service.accept(instruction, actor=prov.actor)
    return {"version": instruction.version, "data": {"instruction_status": instruction.status}}


def start(instruction: Instruction, *, prov: Provenance, base_version: int | None) -> dict:
    """accepted → in_progress; the declaration becomes `inspecting` and the inspection record opens."""
    check_version(
        base_version, instruction.version, _instruction_state(instruction), {}, "instruction.version_conflict"
    )
    ensure_assignee_or_officer(instruction, prov)
    apply(instruction, Event.START, actor=prov.actor)
    declaration = db.session.get(Declaration, instruction.declaration_id)
    if declaration.status == declaration_workflow.Status.INSPECTION_NOTICE:
        declaration_workflow.apply(declaration, declaration_workflow.Event.START_INSPECTION, actor=prov.actor)
    inspection = inspection_of(instruction)
    if inspection is None:
        inspection = Inspection(
            instruction_id=instruction.id,
            declaration_id=instruction.declaration_id,
            enterprise_id=instruction.enterprise_id,
            district_code=instruction.district_code,
            conclusion_version=0,
            disposition_version=0,
            signature_version=0,
        )
        db.session.add(inspection)
    inspection.inspector_id = instruction.inspector_id
    db.session.flush()
    record_evidence(
        inspection,
        kind="start",
        ref=instruction.id,
        content={"instruction_id": instruction.id, "declaration_status": declaration.status},
        prov=prov,
    )
    return {
        "version": instruction.version,
        "data": {"instruction_status": instruction.status, "declaration_status": declaration.status},
    }


def complete(instruction: Instruction, *, prov: Provenance, base_version: int | None) -> dict:
    """in_progress → completed; the declaration passes (and gets its e-record) or fails (disposition)."""
    check_version(
        base_version, instruction.version, _instruction_state(instruction), {}, "instruction.version_conflict"
    )
    inspection = open_inspection_of(instruction, prov)
    done = {row.instruction_item_id for row in inspection.item_results}
    missing = [f"item {item.seq} {item.code}" for item in instruction.items if item.id not in done]
    if inspection.conclusion is None:
        missing.append("conclusion")
    elif inspection.conclusion == "fail" and inspection.disposition is None:
        missing.append("disposition")
    if missing:
        raise DomainError("inspection.incomplete", missing=", ".join(missing), detail={"missing": missing})
    if inspection.conclusion == "pass" and inspection.disposition not in (None, "release"):
        raise DomainError("inspection.disposition_mismatch")
    apply(instruction, Event.COMPLETE, actor=prov.actor)
    inspection.completed_at = utcnow()
    lease = db.session.get(InstructionLease, instruction.id)
    if lease is not None:
        db.session.delete(lease)
    declaration = db.session.get(Declaration, instruction.declaration_id)
    e_record_no = _move_declaration_on(declaration, inspection, prov)
    record_evidence(
        inspection,
        kind="completion",
        ref=instruction.id,
        content={
            "conclusion": inspection.conclusion,
            "disposition": disposition_view(inspection),
            "declaration_status": declaration.status,
        },
        prov=prov,
    )
    message = {
        "instruction_id": instruction.id,
        "declaration_id": declaration.id,
        "conclusion": inspection.conclusion,
        "declaration_status": declaration.status,
    }
    notify(enterprise_room(declaration.enterprise_id), "inspection.completed", message)
    notify(district_room(instruction.district_code), "inspection.completed", message)
    return {
        "version": instruction.version,
        "data": {
            "instruction_status": instruction.status,
            "declaration_status": declaration.status,
            "e_record_no": e_record_no,
        },
    }


def _move_declaration_on(declaration: Declaration, inspection: Inspection, prov: Provenance) -> str | None:
    events = declaration_workflow.Event
    if inspection.conclusion == "pass":
        declaration_workflow.apply(declaration, events.PASS_INSPECTION, actor=prov.actor)
        e_record = issue_e_record(declaration=declaration, actor=prov.actor)
        return getattr(e_record, "e_record_no", None)
    label = DISPOSITIONS[inspection.disposition]
    declaration_workflow.apply(
        declaration,
        events.FAIL_INSPECTION,
        actor=prov.actor,
        reason=f"{label[0]} {label[1]}",
        detail={"disposition": disposition_view(inspection), "instruction_id": inspection.instruction_id},
    )
    return None
