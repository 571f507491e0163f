"""The clearance interface of e-records: verify, consume (whole, or in parts by customs declaration
lines: 核销, see e_record_consumption.py), and customs void.

Consumption and voiding are conditional UPDATEs from the e-record's transition table
(e_record_workflow.py), so of concurrent callers exactly one wins; a retried consumption with the same
customs declaration number (and lines) replays the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_see
from backend.declarations import e_record_consumption as parts
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
    balance: list = field(default_factory=list)


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


def _check_declaration(record: ERecord, *, customs_code: str, now: datetime, **declared) -> Verification:
    """_check, plus the customs declaration's lines, port and destination against the balance."""
    lines = declared["lines"]
    verification = _check(record, customs_code=customs_code, hs_codes=[], now=now)
    reasons, _ = parts.check_lines(
        record,
        lines=lines,
        port_of_exit=declared["port_of_exit"],
        destination_country=declared["destination_country"],
    )
    verification.reasons += reasons
    verification.usable = not verification.reasons
    verification.balance = parts.balance_of(record)
    return verification


def verify_e_record(
    *,
    actor: Actor,
    e_record_no: str,
    customs_code: str,
    hs_codes: list[str] | None = None,
    **declared,
) -> Verification:
    """Clearance asks: may this enterprise declare these goods against this e-record now, and if not, why.

    With `lines` (and port_of_exit, destination_country) the customs declaration's lines are checked
    against what remains of the e-record (三单一致); with `hs_codes` only the HS codes are.
    """
    record, now = find_e_record(e_record_no), utcnow()
    if declared.get("lines"):
        return _check_declaration(record, customs_code=customs_code, now=now, **declared)
    verification = _check(record, customs_code=customs_code, hs_codes=hs_codes or [], now=now)
    verification.balance = parts.balance_of(record)
    return verification


def consume_e_record(
    *,
    actor: Actor,
    e_record_no: str,
    customs_code: str,
    customs_declaration_no: str,
    hs_codes: list[str] | None = None,
    **declared,
) -> tuple[ERecord, bool]:
    """Consume the e-record for one customs declaration; returns (e-record, replayed).

    With `lines`: 核销 in parts (consume_lines). With `hs_codes` only (the first clearance interface):
    the e-record is used whole, exactly once; a retry with the same customs declaration number returns
    the original result (replayed=True), another declaration gets e_record.already_used (409).
    """
    if declared.get("lines"):
        return consume_lines(
            actor=actor,
            e_record_no=e_record_no,
            customs_code=customs_code,
            customs_declaration_no=customs_declaration_no,
            **declared,
        )
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
    return _with_balance(record), False


def consume_lines(
    *,
    actor: Actor,
    e_record_no: str,
    customs_code: str,
    customs_declaration_no: str,
    lines: list[dict],
    port_of_exit: str,
    destination_country: str,
) -> tuple[ERecord, bool]:
    """核销: the customs declaration's lines draw on what remains of the e-record; each (declaration,
    line) once. Refused whole, with the reasons (e_record.not_usable, 409), when any line does not fit."""
    declared = {"lines": lines, "port_of_exit": port_of_exit, "destination_country": destination_country}
    record = find_e_record(e_record_no)
    if parts.earlier_consumption(record, customs_declaration_no, lines):
        return _with_balance(record), True
    if not parts.take_row(record.id):  # used, voided or expired: nothing is held, say why
        db.session.rollback()
        record = find_e_record(e_record_no)
        db.session.refresh(record)
        if parts.earlier_consumption(record, customs_declaration_no, lines):
            return _with_balance(record), True
        raise _not_usable(_check_declaration(record, customs_code=customs_code, now=utcnow(), **declared))
    # We hold the row now: what we read below cannot change before we commit.
    db.session.refresh(record)
    if parts.earlier_consumption(record, customs_declaration_no, lines):
        db.session.rollback()
        return _with_balance(find_e_record(e_record_no)), True
    verification = _check_declaration(record, customs_code=customs_code, now=utcnow(), **declared)
    if not verification.usable:
        db.session.rollback()
        raise _not_usable(verification)
    _, drawn = parts.check_lines(record, **declared)
    parts.record_consumption(
        record, actor=actor, customs_declaration_no=customs_declaration_no, drawn=drawn, **declared
    )
    db.session.commit()
    db.session.refresh(record)
    return _with_balance(record), False


def _with_balance(record: ERecord) -> ERecord:
    record.consumptions = parts.consumptions_of(record)
    record.balance = parts.balance_of(record, record.consumptions)
    return record


def _replay_or_refuse(record: ERecord, customs_declaration_no: str) -> tuple[ERecord, bool]:
    if record.used_by_reference == customs_declaration_no:
        return _with_balance(record), True
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
    # The port of exit reads the e-record: it is told it may not act (403), not that there is none.
    ensure_can_see(actor, record.declaration, exit_port=record.declaration.departure_port)
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
