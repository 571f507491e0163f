"""The one receipt (回执) writer and the one way to name who acted.

A receipt is what the enterprise reads about its case: code, text in Chinese and English, time, who.
Every aggregate with receipts (declarations and their e-records, certificate applications) keeps them
in a `receipts` relationship to a model with the columns code, status, text_zh, text_en, detail,
actor_label, created_at; write_receipt() appends one there, in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.orm import object_session

from backend.core.auth import Actor
from backend.core.enums import Role
from backend.core.models import utcnow

SYSTEM_LABEL = "系统 system"


def actor_label(actor: Actor | None) -> str:
    """Who acted, as a receipt shows it: the system, a customs officer, a system client or the user."""
    if actor is None:
        return SYSTEM_LABEL
    if actor.is_customs:
        return f"海关 customs ({actor.username})"
    if actor.role == Role.SYSTEM_CLIENT:
        return f"{SYSTEM_LABEL} ({actor.username})"
    return actor.username


def write_receipt(
    owner,
    *,
    code: str,
    text_zh: str,
    text_en: str,
    actor: Actor | None,
    status: str | None = None,
    detail: dict | None = None,
    at: datetime | None = None,
):
    """Append a receipt to `owner.receipts` (status: the owner's, unless given); returns it."""
    receipt_model = type(owner).receipts.property.mapper.class_
    receipt = receipt_model(
        code=code,
        status=status or owner.status,
        text_zh=text_zh,
        text_en=text_en,
        detail=detail,
        actor_label=actor_label(actor),
        created_at=at or utcnow(),
    )
    relation = type(owner).receipts.property
    session = object_session(owner)
    if session is None or "receipts" not in inspect(owner).unloaded or inspect(owner).pending:
        owner.receipts.append(receipt)
        return receipt
    # The receipts were not read in this transaction: add the new one without reading them all first
    # (a later read of owner.receipts flushes it and finds it there).
    for local, remote in relation.local_remote_pairs:
        setattr(receipt, remote.key, getattr(owner, local.key))
    session.add(receipt)
    return receipt
