"""Single Window intake (单一窗口): a system client submits an application on an enterprise's behalf.

Idempotent by the sender's message id: the first message with an id is validated, submitted and
accepted exactly like a web submission (source `single_window`, channel letter W in the inspection
number) and its result is stored with the id; a retry with the same id and the same body gets that
stored result back, a different body under the same id is refused (409). The message row is inserted
before anything else, so a concurrent retry waits on the unique (sender, message_id) index and then
replays instead of applying twice. A refused message (validation findings, unknown enterprise) stores
nothing, so the sender may correct it and send it again under the same id.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy.exc import IntegrityError

from backend.core.auth import Actor
from backend.declarations import errors  # noqa: F401  (registers the codes)
from backend.declarations.models import IntakeMessage
from backend.declarations.service import new_declaration, submit_in_transaction
from backend.declarations.workflow import STATUS_LABELS, Status
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import Enterprise


def body_fingerprint(message: dict) -> str:
    """SHA-256 of the loaded message in canonical JSON (decimals and dates as their strings)."""
    canonical = json.dumps(message, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def receive_declaration(*, actor: Actor, message: dict) -> tuple[dict, bool]:
    """Apply one intake message; returns (result, replayed)."""
    fingerprint = body_fingerprint(message)
    message_id = message["message_id"]
    earlier = stored_message(actor, message_id)
    if earlier is not None:
        return replay_message(earlier, fingerprint, message_id), True
    enterprise = sending_enterprise(message["enterprise_customs_code"])
    row = claim_message(actor, message_id, fingerprint)
    if isinstance(row, dict):
        return row, True
    try:
        declaration = new_declaration(
            actor=actor, enterprise=enterprise, data=message["application"], source="single_window"
        )
        submit_in_transaction(declaration, actor=actor)
    except DomainError:
        db.session.rollback()  # validation findings: nothing of this message is kept
        raise
    label_zh, label_en = STATUS_LABELS[Status(declaration.status)]
    row.declaration_id = declaration.id
    row.response = {
        "message_id": message_id,
        "declaration_id": declaration.id,
        "inspection_no": declaration.inspection_no,
        "status": declaration.status,
        "status_label_zh": label_zh,
        "status_label_en": label_en,
        "receipts": [
            {
                "code": r.code,
                "text_zh": r.text_zh,
                "text_en": r.text_en,
                "created_at": r.created_at.isoformat(),
            }
            for r in declaration.receipts
        ],
    }
    db.session.commit()
    return row.response, False


def sending_enterprise(customs_code: str) -> Enterprise:
    """The enterprise a message is sent for, by its customs code (intake.enterprise_unknown if none)."""
    enterprise = db.session.execute(
        db.select(Enterprise).where(Enterprise.customs_code == customs_code)
    ).scalar_one_or_none()
    if enterprise is None:
        raise DomainError("intake.enterprise_unknown", customs_code=customs_code)
    return enterprise


def claim_message(actor: Actor, message_id: str, fingerprint: str) -> IntakeMessage | dict:
    """Insert the message row first (the caller fills it in and commits); a concurrent twin waits on the
    unique index and gets the stored answer (a dict) instead."""
    row = IntakeMessage(sender_id=actor.user_id, message_id=message_id, body_sha256=fingerprint)
    db.session.add(row)
    try:
        db.session.flush()  # a concurrent twin waits here until we commit or roll back
    except IntegrityError:
        db.session.rollback()
        return replay_message(stored_message(actor, message_id), fingerprint, message_id)
    return row


def stored_message(actor: Actor, message_id: str) -> IntakeMessage | None:
    """The sender's earlier message with this id (any kind: applications, appointments), if any."""
    return db.session.execute(
        db.select(IntakeMessage).where(
            IntakeMessage.sender_id == actor.user_id, IntakeMessage.message_id == message_id
        )
    ).scalar_one_or_none()


def replay_message(row: IntakeMessage, fingerprint: str, message_id: str) -> dict:
    """The stored answer of a retry; a different body under the same id is refused (409)."""
    if row.body_sha256 != fingerprint:
        raise DomainError("intake.message_conflict", message_id=message_id)
    return row.response
