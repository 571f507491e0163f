"""Use cases of instructions. Creating one for a declaration is called by document review."""

from __future__ import annotations

from datetime import datetime

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.declarations.models import Declaration
from backend.errors import DomainError, register_errors
from backend.extensions import db
from backend.instructions.catalog import INSPECTION_ITEMS
from backend.instructions.models import Instruction, InstructionItem
from backend.realtime import district_room, notify

register_errors(
    {
        "instruction.unknown_item": (422, "未知的查检要求：{code}", "Unknown inspection item: {code}"),
    }
)


def create_instruction_for_declaration(
    *,
    declaration: Declaration,
    item_codes: list[str],
    source: str,
    reason: dict | None,
    actor: Actor | None,
    priority: int = 3,
    deadline: datetime | None = None,
) -> Instruction:
    """Create a `pending` instruction with its items for `declaration`. The caller commits."""
    unknown = [code for code in item_codes if code not in INSPECTION_ITEMS]
    if unknown:
        raise DomainError("instruction.unknown_item", code=", ".join(unknown))
    instruction = Instruction(
        declaration_id=declaration.id,
        enterprise_id=declaration.enterprise_id,
        district_code=declaration.district_code,
        status="pending",
        source=source,
        reason=reason,
        priority=priority,
        deadline=deadline,
        site_address=declaration.storage_place,
        created_by_id=actor.user_id if actor else None,
    )
    for seq, code in enumerate(dict.fromkeys(item_codes), start=1):
        zh, en, evidence = INSPECTION_ITEMS[code]
        instruction.items.append(
            InstructionItem(seq=seq, code=code, description_zh=zh, description_en=en, evidence=evidence)
        )
    db.session.add(instruction)
    db.session.flush()
    record_event(
        action="instruction.created", entity_type="instruction", entity_id=instruction.id, actor=actor,
        after={"status": "pending", "declaration_id": declaration.id, "items": list(dict.fromkeys(item_codes))},
    )
    notify(district_room(declaration.district_code), "instruction.created", {"instruction_id": instruction.id})
    return instruction
