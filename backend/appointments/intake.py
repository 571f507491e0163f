"""海关事务联系单: the Single Window books an inspection appointment on an enterprise's behalf.

Idempotent by the sender's message id, as application intake (declarations/intake.py, the same
message table): the first message is booked exactly like the enterprise's own booking and its answer
stored with the id; a retry with the same body gets the stored answer, another body under the same id
is refused (409). A refused message (unknown enterprise or application, a state or date that cannot
be booked) stores nothing. The answer carries the booking's receipt; the later ones (confirmed,
proposed, declined, cancelled) are receipts of the application, which the Single Window hears as it
hears the application's.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.appointments.service import book_in_transaction
from backend.core.auth import Actor
from backend.declarations.intake import (
    body_fingerprint,
    claim_message,
    replay_message,
    sending_enterprise,
    stored_message,
)
from backend.declarations.models import Declaration
from backend.errors import DomainError
from backend.extensions import db


def receive_appointment(*, actor: Actor, message: dict) -> tuple[dict, bool]:
    """Book one appointment request of the Single Window; returns (answer, replayed)."""
    fingerprint = body_fingerprint(message)
    message_id = message["message_id"]
    earlier = stored_message(actor, message_id)
    if earlier is not None:
        return replay_message(earlier, fingerprint, message_id), True
    enterprise = sending_enterprise(message["enterprise_customs_code"])
    declaration = db.session.execute(
        sa.select(Declaration).where(
            Declaration.inspection_no == message["inspection_no"],
            sa.or_(
                Declaration.enterprise_id == enterprise.id,
                Declaration.principal_enterprise_id == enterprise.id,
            ),
        )
    ).scalar_one_or_none()
    if declaration is None:
        raise DomainError(
            "intake.application_unknown",
            inspection_no=message["inspection_no"],
            errors={"inspection_no": ["no application of this enterprise has this number"]},
        )
    row = claim_message(actor, message_id, fingerprint)
    if isinstance(row, dict):
        return row, True
    try:
        appointment = book_in_transaction(
            actor=actor,
            declaration=declaration,
            date=message["date"],
            slot=message["slot"],
            site_address=message["site_address"],
            contact_name=message["contact_name"],
            contact_phone=message["contact_phone"],
            note=message.get("note"),
        )
    except DomainError:
        db.session.rollback()  # nothing of this message is kept: the sender may correct and resend it
        raise
    receipt = declaration.receipts[-1]
    row.declaration_id = declaration.id
    row.response = {
        "message_id": message_id,
        "appointment_id": appointment.id,
        "declaration_id": declaration.id,
        "inspection_no": declaration.inspection_no,
        "status": appointment.status,
        "receipts": [
            {
                "code": receipt.code,
                "text_zh": receipt.text_zh,
                "text_en": receipt.text_en,
                "created_at": receipt.created_at.isoformat(),
            }
        ],
    }
    db.session.commit()
    return row.response, False
