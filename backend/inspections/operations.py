"""Inspection writes shared by the sync push and the REST API. The caller commits (and locks the instruction).

Each finding target has a version that starts at 0 and goes up by one per change; a write based on
another version raises inspection.version_conflict carrying the server's and the caller's versions.
"""

from __future__ import annotations

import base64
import binascii

import sqlalchemy as sa
from marshmallow import Schema, ValidationError

from backend.core.enums import Role
from backend.core.models import utcnow
from backend.core.schemas import CleanedText, load_cleaned
from backend.errors import DomainError
from backend.extensions import db
from backend.inspections import (
    errors,  # noqa: F401
    grouping,
)
from backend.inspections.custody import Provenance, record_evidence, sha256_hex
from backend.inspections.models import Inspection, InspectionItemResult, InspectionSample
from backend.inspections.schemas import (
    ConclusionBody,
    DispositionBody,
    ItemResultBody,
    SampleBody,
    SignatureBody,
)
from backend.inspections.views import disposition_view, item_result_view
from backend.instructions.changes import record_change
from backend.instructions.models import Instruction, InstructionItem
from backend.instructions.workflow import Status

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


_SCHEMAS: dict[type[Schema], Schema] = {}


def load_body(schema: type[Schema], body: dict) -> dict:
    instance = _SCHEMAS.get(schema) or _SCHEMAS.setdefault(schema, schema())  # building one costs ~1 ms
    if type(body) is CleanedText:  # a sync operation's body: loaded field by field when it can be
        try:
            return load_cleaned(instance, body)
        except ValidationError:
            pass  # refused, or not plainly loadable: the schema's own load gives the verdict
    try:
        return instance.load(body)
    except ValidationError as exc:
        raise DomainError("inspection.invalid_body", errors=exc.messages) from None


def inspection_of(instruction: Instruction) -> Inspection | None:
    group = grouping.current()
    if group is not None and instruction.id in group.inspections:
        return group.inspections[instruction.id]
    inspection = db.session.execute(
        sa.select(Inspection).where(Inspection.instruction_id == instruction.id)
    ).scalar_one_or_none()
    if group is not None and inspection is not None:
        group.inspections[instruction.id] = inspection
    return inspection


def check_version(expected: int | None, current: int, server: dict, body: dict | None, error: str) -> None:
    if expected is not None and expected != current:
        raise DomainError(
            error, detail={"server": server, "device": {"base_version": expected, "body": body}}
        )


def ensure_assignee_or_officer(instruction: Instruction, prov: Provenance) -> None:
    if prov.actor.role == Role.INSPECTOR and instruction.inspector_id != prov.actor.user_id:
        raise DomainError("instruction.not_assigned_to_you")


def open_inspection_of(instruction: Instruction, prov: Provenance) -> Inspection:
    ensure_assignee_or_officer(instruction, prov)
    inspection = inspection_of(instruction)
    if inspection is None or instruction.status != Status.IN_PROGRESS:
        raise DomainError("inspection.not_open", detail={"instruction_status": instruction.status})
    return inspection


def _item(instruction: Instruction, item_id: int | None) -> InstructionItem | None:
    if item_id is None:
        return None
    if grouping.current() is not None:  # the instruction's items, loaded once and kept with it
        item = next((item for item in instruction.items if item.id == item_id), None)
    else:
        item = db.session.get(InstructionItem, item_id)
    if item is None or item.instruction_id != instruction.id:
        raise DomainError("resource.not_found", errors={"item_id": ["not an item of this instruction"]})
    return item


def _changed(instruction: Instruction) -> None:
    record_change(inspector_id=instruction.inspector_id, instruction_id=instruction.id)


def set_item_result(
    instruction: Instruction, *, prov: Provenance, item_id: int, base_version: int | None, body: dict
) -> dict:
    inspection = open_inspection_of(instruction, prov)
    _item(instruction, item_id)
    values = load_body(ItemResultBody, body)
    group = grouping.current()
    if group is not None:
        row = group.item_result(inspection, item_id)
    else:
        row = db.session.execute(
            sa.select(InspectionItemResult).where(InspectionItemResult.instruction_item_id == item_id)
        ).scalar_one_or_none()
    check_version(
        base_version,
        row.version if row else 0,
        item_result_view(row, item_id=item_id),
        body,
        "inspection.version_conflict",
    )
    if row is None:
        row = InspectionItemResult(inspection_id=inspection.id, instruction_item_id=item_id, version=0)
        db.session.add(row)
        if group is not None:
            group.added_item_result(inspection, row)
    row.result, row.notes, row.measurements = (
        values["result"],
        values["notes"],
        body.get("measurements") or {},
    )
    row.version += 1
    row.updated_by_id, row.updated_by, row.updated_at = prov.actor.user_id, prov.actor.username, utcnow()
    record_evidence(
        inspection,
        kind="item_result",
        ref=item_id,
        content={
            "item_id": item_id,
            "version": row.version,
            "result": row.result,
            "notes": row.notes,
            "measurements": row.measurements,
        },
        prov=prov,
    )
    _changed(instruction)
    return {"version": row.version, "data": {"item_id": item_id, "result": row.result}}


def add_sample(instruction: Instruction, *, prov: Provenance, sample_id: str, body: dict) -> dict:
    inspection = open_inspection_of(instruction, prov)
    values = load_body(SampleBody, body)
    _item(instruction, values["item_id"])
    # In a write group the unique sample_uid decides: the group is then redone one operation at a time.
    group = grouping.current()
    if (
        group is None
        and db.session.execute(
            sa.select(InspectionSample.id).where(InspectionSample.sample_uid == sample_id)
        ).first()
    ):
        raise DomainError("inspection.sample_exists")
    sample = {
        "inspection_id": inspection.id,
        "sample_uid": sample_id,
        "instruction_item_id": values["item_id"],
        "sample_no": values["sample_no"],
        "quantity": values["quantity"],
        "unit": values["unit"],
        "laboratory": values["laboratory"],
        "tests": values["tests"],
    }
    if group is not None:
        group.add(InspectionSample, sample)
    else:
        db.session.add(InspectionSample(**sample))
    record_evidence(
        inspection, kind="sample", ref=sample_id, content={"sample_id": sample_id, **values}, prov=prov
    )
    _changed(instruction)
    return {"version": 1, "data": {"sample_id": sample_id, "sample_no": values["sample_no"]}}


def set_conclusion(
    instruction: Instruction, *, prov: Provenance, base_version: int | None, body: dict
) -> dict:
    inspection = open_inspection_of(instruction, prov)
    values = load_body(ConclusionBody, body)
    server = {
        "version": inspection.conclusion_version,
        "conclusion": inspection.conclusion,
        "notes": inspection.conclusion_notes,
    }
    check_version(base_version, inspection.conclusion_version, server, body, "inspection.version_conflict")
    inspection.conclusion, inspection.conclusion_notes = values["conclusion"], values["notes"]
    inspection.conclusion_version += 1
    record_evidence(
        inspection,
        kind="conclusion",
        ref=instruction.id,
        content={**values, "version": inspection.conclusion_version},
        prov=prov,
    )
    _changed(instruction)
    return {"version": inspection.conclusion_version, "data": {"conclusion": inspection.conclusion}}


def set_disposition(
    instruction: Instruction, *, prov: Provenance, base_version: int | None, body: dict
) -> dict:
    inspection = open_inspection_of(instruction, prov)
    values = load_body(DispositionBody, body)
    server = {"version": inspection.disposition_version, "disposition": disposition_view(inspection)}
    check_version(base_version, inspection.disposition_version, server, body, "inspection.version_conflict")
    kind = values.pop("kind")
    inspection.disposition, inspection.disposition_fields = kind, values
    inspection.disposition_version += 1
    record_evidence(
        inspection,
        kind="disposition",
        ref=instruction.id,
        content={"kind": kind, **values, "version": inspection.disposition_version},
        prov=prov,
    )
    _changed(instruction)
    return {"version": inspection.disposition_version, "data": {"kind": kind}}


def set_signature(
    instruction: Instruction, *, prov: Provenance, base_version: int | None, body: dict
) -> dict:
    inspection = open_inspection_of(instruction, prov)
    values = load_body(SignatureBody, body)
    try:
        png = base64.b64decode(values["png_base64"], validate=True)
    except (binascii.Error, ValueError):
        png = b""
    if not png.startswith(PNG_MAGIC):
        raise DomainError("inspection.invalid_body", errors={"png_base64": ["not a base64 PNG image"]})
    server = {"version": inspection.signature_version, "signature_sha256": inspection.signature_sha256}
    check_version(
        base_version,
        inspection.signature_version,
        server,
        {"sha256": sha256_hex(png)},
        "inspection.version_conflict",
    )
    inspection.signature_png, inspection.signature_sha256 = png, sha256_hex(png)
    inspection.signature_version += 1
    record_evidence(
        inspection,
        kind="signature",
        ref=instruction.id,
        content={"sha256": inspection.signature_sha256, "version": inspection.signature_version},
        prov=prov,
    )
    _changed(instruction)
    return {
        "version": inspection.signature_version,
        "data": {"signature_sha256": inspection.signature_sha256},
    }
