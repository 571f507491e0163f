"""What a device receives per instruction: one whole document, so a page seen twice is harmless."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from backend.appointments.catalog import SLOTS
from backend.appointments.models import Appointment
from backend.declarations.models import Declaration, DeclarationGoods
from backend.extensions import db
from backend.inspections.catalog import CONCLUSIONS, DISPOSITIONS, ITEM_RESULTS, SAMPLE_UNITS
from backend.inspections.models import Inspection
from backend.inspections.views import inspection_view
from backend.instructions.catalog import INSPECTION_ITEMS
from backend.instructions.models import Instruction, InstructionItem
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


def _by(rows, key: str) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(getattr(row, key), []).append(row)
    return out


def load_documents(instruction_ids: list[int]) -> Documents:
    """Instructions, their items, declarations, goods and confirmed bookings as plain rows (Core
    selects: no ORM object is built, tracked or expired at commit), and inspections (ORM, for their
    view), in one query per relation."""
    instruction, item = Instruction.__table__, InstructionItem.__table__
    declaration, goods, appointment = Declaration.__table__, DeclarationGoods.__table__, Appointment.__table__
    instructions = {
        row.id: row
        for row in db.session.execute(sa.select(instruction).where(instruction.c.id.in_(instruction_ids)))
    }
    items = _by(
        db.session.execute(
            sa.select(item)
            .where(item.c.instruction_id.in_(instruction_ids))
            .order_by(item.c.instruction_id, item.c.seq, item.c.id)
        ),
        "instruction_id",
    )
    declaration_ids = {row.declaration_id for row in instructions.values()}
    declarations = {
        row.id: row
        for row in db.session.execute(sa.select(declaration).where(declaration.c.id.in_(declaration_ids)))
    }
    goods_by_declaration = _by(
        db.session.execute(
            sa.select(goods)
            .where(goods.c.declaration_id.in_(declaration_ids))
            .order_by(goods.c.declaration_id, goods.c.line_no, goods.c.id)
        ),
        "declaration_id",
    )
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
            sa.select(appointment).where(
                appointment.c.declaration_id.in_(declaration_ids), appointment.c.status == "confirmed"
            )
        )
    }
    return Documents(instructions, items, declarations, goods_by_declaration, inspections, appointments)


@dataclass
class Documents:
    """What load_documents() read: rows by id (items by instruction, goods by declaration, inspections
    by instruction, confirmed bookings by declaration)."""

    instructions: dict[int, sa.Row]
    items: dict[int, list[sa.Row]]
    declarations: dict[int, sa.Row]
    goods: dict[int, list[sa.Row]]
    inspections: dict[int, Inspection]
    appointments: dict[int, sa.Row]

    def document(self, instruction: sa.Row, lease: dict | None) -> dict:
        return instruction_document(
            instruction,
            self.declarations[instruction.declaration_id],
            self.inspections.get(instruction.id),
            lease,
            self.appointments.get(instruction.declaration_id),
            items=self.items.get(instruction.id, []),
            goods=self.goods.get(instruction.declaration_id, []),
        )


def appointment_document(appointment: Appointment | sa.Row | None) -> dict | None:
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
    instruction: Instruction | sa.Row,
    declaration: Declaration | sa.Row,
    inspection: Inspection | None,
    lease: dict | None,
    appointment: Appointment | sa.Row | None = None,
    *,
    items: list | None = None,
    goods: list | None = None,
) -> dict:
    """One instruction's document; `items` and `goods` default to the ORM objects' relationships."""
    items = instruction.items if items is None else items
    goods = declaration.goods if goods is None else goods
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
                for g in goods
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
            for item in items
        ],
        "lease": lease,
        "appointment": appointment_document(appointment),
        "follows_instruction_id": instruction.follows_instruction_id,
        "inspection": inspection_view(inspection),
        "photos_pending": sum(1 for p in inspection.photos if p.photo_id is None) if inspection else 0,
    }
