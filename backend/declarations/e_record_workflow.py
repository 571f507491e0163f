"""The e-record's lifecycle (电子底账): the only code that changes an e-record's status.

normal → used (consumed once by an export customs declaration) | voided (by customs, with a reason) |
expired (past valid_until, by the scheduled job). Every change is a conditional UPDATE whose WHERE
clause comes from the table (`status IN sources(event)`), so of concurrent callers exactly one wins;
the winner then writes the receipt on the application and the audit row, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.receipts import write_receipt
from backend.core.statemachine import StateMachine, Transition
from backend.declarations.models import ERecord
from backend.extensions import db
from backend.realtime import district_room, enterprise_room, notify


class ERecordStatus(StrEnum):
    NORMAL = "normal"
    USED = "used"
    VOIDED = "voided"
    EXPIRED = "expired"


class Event(StrEnum):
    USE = "use"
    VOID = "void"
    EXPIRE = "expire"


S, E = ERecordStatus, Event
MACHINE = StateMachine(
    "e_record",
    {(S.NORMAL, E.USE): S.USED, (S.NORMAL, E.VOID): S.VOIDED, (S.NORMAL, E.EXPIRE): S.EXPIRED},
    initial=S.NORMAL,
    version_error="declaration.version_conflict",  # the e-record is part of the application
)

# Receipt on the application per event: (code, 中文, English); {reference} and {reason} are filled in.
RECEIPTS: dict[Event, tuple[str, str, str]] = {
    E.USE: (
        "E_RECORD_USED",
        "电子底账已被报关单 {reference} 使用。",
        "E-record used by customs declaration {reference}.",
    ),
    E.VOID: ("E_RECORD_VOIDED", "电子底账已作废：{reason}", "E-record voided: {reason}"),
    E.EXPIRE: ("E_RECORD_EXPIRED", "电子底账已过有效期。", "The e-record has expired."),
}
# What the audit row adds to the status, per event: (audit key, data key).
_AUDITED = {E.USE: ("customs_declaration_no", "reference"), E.VOID: ("reason", "reason")}


def new_e_record(**columns) -> ERecord:
    """A `normal` e-record (issuing it is the application's transition, see e_records.py)."""
    return MACHINE.new(ERecord, **columns)


def change(
    record_id: int,
    event: Event,
    *where,
    actor: Actor | None,
    now: datetime,
    values: dict | None = None,
    **data,
) -> ERecord | None:
    """Apply `event` to the e-record if it is still in a source status (and `where` holds); None if not.

    `data` fills the receipt text (reference, reason); the caller commits, or rolls back on None.
    """
    won = MACHINE.update(
        ERecord,
        event,
        ERecord.id == record_id,
        *where,
        session=db.session,
        values={"updated_at": now, **(values or {})},
    )
    if not won:
        return None
    record = db.session.get(ERecord, record_id, populate_existing=True)
    MACHINE.run_hooks(record, event, before=S.NORMAL, actor=actor, **data)
    return record


@MACHINE.on_transition
def _receipt_and_audit(change: Transition) -> None:
    record, event = change.entity, Event(change.event)
    declaration = record.declaration
    code, zh, en = RECEIPTS[event]
    values = {"reference": change.data.get("reference", ""), "reason": change.data.get("reason", "")}
    receipt = write_receipt(
        declaration, code=code, text_zh=zh.format(**values), text_en=en.format(**values), actor=change.actor
    )
    notify(
        enterprise_room(declaration.enterprise_id),
        "declaration.receipt",
        {
            "declaration_id": declaration.id,
            "status": declaration.status,
            "receipt": {"code": code, "text_zh": receipt.text_zh, "text_en": receipt.text_en},
        },
    )
    notify(
        district_room(declaration.district_code),
        "e_record.changed",
        {"declaration_id": declaration.id, "code": code},
    )
    extra = {key: change.data[name] for key, name in [_AUDITED.get(event, (None, None))] if key}
    record_event(
        action=f"e_record.{change.after}",
        entity_type="e_record",
        entity_id=record.e_record_no,
        actor=change.actor,
        before={"status": change.before},
        after={"status": change.after, **extra},
        district_code=declaration.district_code,
    )
