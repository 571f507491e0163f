"""The clearance interface of e-records: verify, consume exactly once, and customs void.

Consumption and voiding are conditional UPDATEs from the e-record's transition table
(e_record_workflow.py), so of concurrent callers exactly one wins; a retried consumption with the same
customs declaration number replays the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_see
from backend.declarations.e_record_workflow import MACHINE, ERecordStatus, Event, change
from backend.declarations.e_records import find_e_record
from backend.declarations.models import ERecord
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import Enterprise

# Why an e-record cannot be used: code -> (中文, English).
UNUSABLE_REASONS = {
    "used": ("电子底账已使用", "already used"),
    "voided": ("电子底账已作废", "voided"),
    "expired": ("电子底账已过有效期", "expired"),
    "enterprise_mismatch": ("企业海关编码与申请不符", "enterprise customs code does not match"),
    "goods_mismatch": ("商品编码与申请货物不符", "HS codes do not match the declared goods"),
}


@dataclass
class Verification:
    e_record: ERecord
    usable: bool
    reasons: list[dict] = field(default_factory=list)


def _check(record: ERecord, *, customs_code: str, hs_codes: list[str], now: datetime) -> Verification:
    codes = []
    if record.status != ERecordStatus.NORMAL:
        codes.append(record.status)
    elif record.valid_until <= now:
        codes.append("expired")
    declaration = record.declaration
    enterprise = db.session.get(Enterprise, declaration.enterprise_id)
    if customs_code not in {enterprise.customs_code, declaration.consignor_code}:
        codes.append("enterprise_mismatch")
    declared = [line.hs_code or "" for line in declaration.goods]
    if not all(any(code.startswith(given) for code in declared) for given in hs_codes):
        codes.append("goods_mismatch")
    reasons = [
        {"code": c, "text_zh": UNUSABLE_REASONS[c][0], "text_en": UNUSABLE_REASONS[c][1]} for c in codes
    ]
    return Verification(e_record=record, usable=not codes, reasons=reasons)


def verify_e_record(
    *, actor: Actor, e_record_no: str, customs_code: str, hs_codes: list[str]
) -> Verification:
    """Clearance asks: may this enterprise declare these goods against this e-record now, and if not, why."""
    return _check(find_e_record(e_record_no), customs_code=customs_code, hs_codes=hs_codes, now=utcnow())


def consume_e_record(
    *, actor: Actor, e_record_no: str, customs_code: str, hs_codes: list[str], customs_declaration_no: str
) -> tuple[ERecord, bool]:
    """Mark the e-record `used` by one customs declaration, exactly once; returns (e-record, replayed).

    A retry with the same customs declaration number returns the original result (replayed=True);
    another declaration gets e_record.already_used (409).
    """
    record = find_e_record(e_record_no)
    now = utcnow()
    if record.status == ERecordStatus.USED:
        return _replay_or_refuse(record, customs_declaration_no)
    verification = _check(record, customs_code=customs_code, hs_codes=hs_codes, now=now)
    if not verification.usable:
        raise _not_usable(verification)
    won = change(
        record.id,
        Event.USE,
        ERecord.valid_until > now,
        actor=actor,
        now=now,
        values={"used_at": now, "used_by_reference": customs_declaration_no},
        reference=customs_declaration_no,
    )
    if won is None:  # someone else changed it between our read and our update
        db.session.rollback()
        record = find_e_record(e_record_no)
        db.session.refresh(record)
        if record.status == ERecordStatus.USED:
            return _replay_or_refuse(record, customs_declaration_no)
        raise _not_usable(_check(record, customs_code=customs_code, hs_codes=hs_codes, now=now))
    db.session.commit()
    db.session.refresh(record)
    return record, False


def _replay_or_refuse(record: ERecord, customs_declaration_no: str) -> tuple[ERecord, bool]:
    if record.used_by_reference == customs_declaration_no:
        return record, True
    raise DomainError("e_record.already_used", reference=record.used_by_reference)


def _not_usable(verification: Verification) -> DomainError:
    return DomainError(
        "e_record.not_usable",
        reasons="；".join(r["text_zh"] for r in verification.reasons),
        detail={"reasons": verification.reasons},
    )


def void_e_record(
    *, actor: Actor, e_record_no: str, reason: str, expected_version: int | None = None
) -> ERecord:
    """Customs voids a `normal` e-record with a reason; the enterprise gets a receipt."""
    record = find_e_record(e_record_no)
    ensure_can_see(actor, record.declaration)
    MACHINE.check_version(record, expected_version)
    won = change(
        record.id, Event.VOID, actor=actor, now=utcnow(), values={"voided_reason": reason}, reason=reason
    )
    if won is None:
        db.session.refresh(record)
        raise DomainError("e_record.not_voidable", status=record.status)
    db.session.commit()
    db.session.refresh(record)
    return record
