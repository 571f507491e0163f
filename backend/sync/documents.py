"""What a device receives per instruction: one whole document, so a page seen twice is harmless."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from backend.appointments.catalog import SLOTS
from backend.appointments.models import Appointment
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.inspections.catalog import CONCLUSIONS, DISPOSITIONS, ITEM_RESULTS, SAMPLE_UNITS
from backend.inspections.models import Inspection
from backend.inspections.views import inspection_view
from backend.instructions.catalog import INSPECTION_ITEMS
from backend.instructions.models import Instruction
from backend.sync.rules import OPERATION_SCHEMAS

CATALOGS = {
    "inspection_items": {
        code: {"zh": zh, "en": en, "evidence": ev} for code, (zh, en, ev) in INSPECTION_ITEMS.items()
    },
    "item_results": {code: {"zh": zh, "en": en} for code, (zh, en) in ITEM_RESULTS.items()},
    "conclusions": {code: {"zh": zh, "en": en} for code, (zh, en) in CONCLUSIONS.items()},
    "dispositions": {
        code: {"zh": zh, "en": en, "required": req} for code, (zh, en, req) in DISPOSITIONS.items()
    },
    "sample_units": {code: {"zh": zh, "en": en} for code, (zh, en) in SAMPLE_UNITS.items()},
    # op type -> JSON Schema of one operation of that type: the rules the phone checks before queuing
    "operation_schemas": OPERATION_SCHEMAS,
}
CATALOG_VERSION = hashlib.sha256(json.dumps(CATALOGS, sort_keys=True).encode()).hexdigest()[:16]


def jsonable(value):
    """Times as ISO 8601 and decimals as strings, all the way down (Flask would write RFC 822 dates)."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def as_json(value):
    """What jsonable() gives, through the C encoder and decoder (a page of documents in one pass;
    mapping keys come back as strings, as they go out)."""
    return json.loads(json.dumps(value, default=_plain, ensure_ascii=False))


def load_documents(instruction_ids: list[int]) -> tuple[dict, dict, dict, dict]:
    """Instructions (with items), their declarations (with goods), inspections and confirmed bookings
    (by declaration id), in a few queries."""
    instructions = {
        row.id: row
        for row in db.session.execute(
            sa.select(Instruction)
            .where(Instruction.id.in_(instruction_ids))
            .options(selectinload(Instruction.items))
        ).scalars()
    }
    declaration_ids = {row.declaration_id for row in instructions.values()}
    declarations = {
        row.id: row
        for row in db.session.execute(
            sa.select(Declaration)
            .where(Declaration.id.in_(declaration_ids))
            .options(selectinload(Declaration.goods))
        ).scalars()
    }
    inspections = {
        row.instruction_id: row
        for row in db.session.execute(
            sa.select(Inspection)
            .where(Inspection.instruction_id.in_(instruction_ids))
            .options(
                selectinload(Inspection.item_results),
                selectinload(Inspection.samples),
                selectinload(Inspection.photos),
            )
        ).scalars()
    }
    appointments = {
        row.declaration_id: row
        for row in db.session.execute(
            sa.select(Appointment).where(
                Appointment.declaration_id.in_(declaration_ids), Appointment.status == "confirmed"
            )
        ).scalars()
    }
    return instructions, declarations, inspections, appointments


def appointment_document(appointment: Appointment | None) -> dict | None:
    """The booking the enterprise and customs agreed on: when, where, whom to call (预约查检)."""
    if appointment is None:
        return None
    zh, en, start, end = SLOTS.get(appointment.confirmed_slot, (None, None, None, None))
    return {
        "id": appointment.id,
        "date": appointment.confirmed_date.isoformat(),
        "slot": appointment.confirmed_slot,
        "slot_zh": zh,
        "slot_en": en,
        "start": start,
        "end": end,
        "site_address": appointment.site_address,
        "contact_name": appointment.contact_name,
        "contact_phone": appointment.contact_phone,
        "note": appointment.note,
    }


def instruction_document(
    instruction: Instruction,
    declaration: Declaration,
    inspection: Inspection | None,
    lease: dict | None,
    appointment: Appointment | None = None,
) -> dict:
    return {
        "id": instruction.id,
        "version": instruction.version,
        "status": instruction.status,
        "priority": instruction.priority,
        "deadline": instruction.deadline,
        "site": {
            "address": instruction.site_address,
            "lat": instruction.site_lat,
            "lon": instruction.site_lon,
            "contact": instruction.site_contact,
        },
        "declaration": {
            "id": declaration.id,
            "inspection_no": declaration.inspection_no,
            "consignor_name_zh": declaration.consignor_name_zh,
            "destination_country": declaration.destination_country,
            "total_packages": declaration.total_packages,
            "package_kind": declaration.package_kind,
            "total_net_weight": declaration.total_net_weight,
            "goods": [
                {
                    "line_no": g.line_no,
                    "hs_code": g.hs_code,
                    "name_zh": g.name_zh,
                    "name_en": g.name_en,
                    "quantity": g.quantity,
                    "quantity_unit": g.quantity_unit,
                    "net_weight": g.net_weight,
                    "packing_kind": g.packing_kind,
                    "packing_count": g.packing_count,
                    "batch_no": g.batch_no,
                }
                for g in declaration.goods
            ],
        },
        "items": [
            {
                "id": item.id,
                "seq": item.seq,
                "code": item.code,
                "description_zh": item.description_zh,
                "description_en": item.description_en,
                "evidence": item.evidence,
            }
            for item in instruction.items
        ],
        "lease": lease,
        "appointment": appointment_document(appointment),
        "follows_instruction_id": instruction.follows_instruction_id,
        "inspection": inspection_view(inspection),
        "photos_pending": sum(1 for p in inspection.photos if p.photo_id is None) if inspection else 0,
    }
