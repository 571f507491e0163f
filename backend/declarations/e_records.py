"""电子底账: issuing e-records, and the clearance interface that verifies, consumes and voids them.

An e-record is `normal` when issued; it then becomes `used` (consumed once by an export customs
declaration), `voided` (by customs, with a reason) or `expired` (past valid_until, by the scheduled
job). Every change is a conditional UPDATE on the row (`WHERE status = 'normal'`), so concurrent
callers cannot both win: exactly one consumption, void or expiry applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_see
from backend.declarations.catalog_validity import validity_for_goods
from backend.declarations.models import Declaration, ERecord, Receipt
from backend.declarations.workflow import Event, Status, apply, can_apply
from backend.errors import DomainError, register_errors
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.realtime import district_room, enterprise_room, notify

register_errors(
    {
        "e_record.already_issued": (
            409,
            "该申请已有有效的电子底账 {e_record_no}。",
            "The application already has e-record {e_record_no}.",
        ),
        "e_record.not_issuable": (
            409,
            "当前状态（{status}）不能生成电子底账。",
            "An e-record cannot be issued in the current state ({status}).",
        ),
        "e_record.already_used": (
            409,
            "电子底账已被报关单 {reference} 使用。",
            "The e-record was already used by customs declaration {reference}.",
        ),
        "e_record.not_usable": (409, "电子底账不可用：{reasons}", "The e-record cannot be used: {reasons}"),
        "e_record.not_voidable": (
            409,
            "电子底账状态为 {status}，不能作废。",
            "An e-record in status {status} cannot be voided.",
        ),
    }
)


class ERecordStatus:
    NORMAL = "normal"
    USED = "used"
    VOIDED = "voided"
    EXPIRED = "expired"


# Why an e-record cannot be used: code -> (中文, English).
UNUSABLE_REASONS = {
    "used": ("电子底账已使用", "already used"),
    "voided": ("电子底账已作废", "voided"),
    "expired": ("电子底账已过有效期", "expired"),
    "enterprise_mismatch": ("企业海关编码与申请不符", "enterprise customs code does not match"),
    "goods_mismatch": ("商品编码与申请货物不符", "HS codes do not match the declared goods"),
}


def issue_e_record(*, declaration: Declaration, actor: Actor | None) -> ERecord:
    """Issue the application's e-record and move it to `e_record_issued`; the caller commits.

    Two paths lead here:
    - document review approves without an inspection: the application is `accepted` or
      `under_review`, and this applies Event.APPROVE;
    - an on-site inspection passed: the caller has already applied Event.PASS_INSPECTION, the
      application is `passed`, and this applies Event.ISSUE_E_RECORD.
    The number is the inspection number plus a 3-digit suffix (`001`, the next one after a voided
    e-record); validity comes from the goods-category catalog (the shortest among the goods lines).
    """
    status = Status(declaration.status)
    event = Event.ISSUE_E_RECORD if status == Status.PASSED else Event.APPROVE
    if not can_apply(declaration, event) or not declaration.inspection_no:
        raise DomainError("e_record.not_issuable", status=status.value)
    current = declaration.e_record
    if current is not None:  # one e-record row per application (e_record.declaration_id is unique)
        raise DomainError("e_record.already_issued", e_record_no=current.e_record_no)
    category, days = validity_for_goods(declaration.goods)
    now = utcnow()
    number = f"{declaration.inspection_no}{_next_suffix(declaration.inspection_no):03d}"
    record = ERecord(
        declaration_id=declaration.id,
        e_record_no=number,
        status=ERecordStatus.NORMAL,
        goods_category=category,
        issued_at=now,
        valid_until=now + timedelta(days=days),
    )
    db.session.add(record)
    declaration.e_record = record
    db.session.flush()
    apply(
        declaration,
        event,
        actor=actor,
        detail={"e_record_no": number, "valid_until": record.valid_until.isoformat()},
    )
    record_event(
        action="e_record.issued",
        entity_type="e_record",
        entity_id=number,
        actor=actor,
        after={
            "status": record.status,
            "goods_category": category,
            "valid_until": record.valid_until.isoformat(),
        },
    )
    return record


def _next_suffix(inspection_no: str) -> int:
    numbers = db.session.execute(
        sa.select(ERecord.e_record_no).where(ERecord.e_record_no.like(f"{inspection_no}%"))
    ).scalars()
    return max((int(n[len(inspection_no) :]) for n in numbers), default=0) + 1


def get_e_record(*, actor: Actor, e_record_no: str) -> ERecord:
    """One e-record, if the actor's enterprise owns it or it belongs to the actor's district."""
    record = _find(e_record_no)
    ensure_can_see(actor, record.declaration)
    return record


def _find(e_record_no: str) -> ERecord:
    record = db.session.execute(
        sa.select(ERecord).where(ERecord.e_record_no == e_record_no)
    ).scalar_one_or_none()
    if record is None:
        raise DomainError("resource.not_found")
    return record


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
    return _check(_find(e_record_no), customs_code=customs_code, hs_codes=hs_codes, now=utcnow())


def consume_e_record(
    *, actor: Actor, e_record_no: str, customs_code: str, hs_codes: list[str], customs_declaration_no: str
) -> tuple[ERecord, bool]:
    """Mark the e-record `used` by one customs declaration, exactly once; returns (e-record, replayed).

    A retry with the same customs declaration number returns the original result (replayed=True);
    another declaration gets e_record.already_used (409).
    """
    record = _find(e_record_no)
    now = utcnow()
    if record.status == ERecordStatus.USED:
        return _replay_or_refuse(record, customs_declaration_no)
    verification = _check(record, customs_code=customs_code, hs_codes=hs_codes, now=now)
    if not verification.usable:
        raise _not_usable(verification)
    won = db.session.execute(
        sa.update(ERecord)
        .where(ERecord.id == record.id, ERecord.status == ERecordStatus.NORMAL, ERecord.valid_until > now)
        .values(
            status=ERecordStatus.USED,
            used_at=now,
            used_by_reference=customs_declaration_no,
            version=ERecord.version + 1,
            updated_at=now,
        )
    ).rowcount
    if not won:  # someone else changed it between our read and our update
        db.session.rollback()
        record = _find(e_record_no)
        db.session.refresh(record)
        if record.status == ERecordStatus.USED:
            return _replay_or_refuse(record, customs_declaration_no)
        raise _not_usable(_check(record, customs_code=customs_code, hs_codes=hs_codes, now=now))
    _receipt(
        record.declaration,
        "E_RECORD_USED",
        f"电子底账已被报关单 {customs_declaration_no} 使用。",
        f"E-record used by customs declaration {customs_declaration_no}.",
        actor,
    )
    record_event(
        action="e_record.used",
        entity_type="e_record",
        entity_id=e_record_no,
        actor=actor,
        before={"status": ERecordStatus.NORMAL},
        after={"status": ERecordStatus.USED, "customs_declaration_no": customs_declaration_no},
    )
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
    record = _find(e_record_no)
    ensure_can_see(actor, record.declaration)
    if expected_version is not None and expected_version != record.version:
        raise DomainError("declaration.version_conflict", detail={"current_version": record.version})
    now = utcnow()
    won = db.session.execute(
        sa.update(ERecord)
        .where(ERecord.id == record.id, ERecord.status == ERecordStatus.NORMAL)
        .values(
            status=ERecordStatus.VOIDED, voided_reason=reason, version=ERecord.version + 1, updated_at=now
        )
    ).rowcount
    if not won:
        db.session.refresh(record)
        raise DomainError("e_record.not_voidable", status=record.status)
    _receipt(
        record.declaration,
        "E_RECORD_VOIDED",
        f"电子底账已作废：{reason}",
        f"E-record voided: {reason}",
        actor,
    )
    record_event(
        action="e_record.voided",
        entity_type="e_record",
        entity_id=e_record_no,
        actor=actor,
        before={"status": ERecordStatus.NORMAL},
        after={"status": ERecordStatus.VOIDED, "reason": reason},
    )
    db.session.commit()
    db.session.refresh(record)
    return record


def expire_due_e_records(*, now: datetime | None = None) -> int:
    """Mark `normal` e-records past valid_until as `expired`, one small transaction each; returns how many.

    Safe to run often and concurrently: the conditional update lets only one run expire a row.
    """
    now = now or utcnow()
    ids = list(
        db.session.execute(
            sa.select(ERecord.id)
            .where(ERecord.status == ERecordStatus.NORMAL, ERecord.valid_until <= now)
            .order_by(ERecord.id)
        ).scalars()
    )
    db.session.rollback()
    expired = 0
    for record_id in ids:
        won = db.session.execute(
            sa.update(ERecord)
            .where(
                ERecord.id == record_id, ERecord.status == ERecordStatus.NORMAL, ERecord.valid_until <= now
            )
            .values(status=ERecordStatus.EXPIRED, version=ERecord.version + 1, updated_at=now)
        ).rowcount
        if not won:
            db.session.rollback()
            continue
        record = db.session.get(ERecord, record_id, populate_existing=True)
        _receipt(
            record.declaration, "E_RECORD_EXPIRED", "电子底账已过有效期。", "The e-record has expired.", None
        )
        record_event(
            action="e_record.expired",
            entity_type="e_record",
            entity_id=record.e_record_no,
            actor=None,
            before={"status": ERecordStatus.NORMAL},
            after={"status": ERecordStatus.EXPIRED},
        )
        db.session.commit()
        expired += 1
    return expired


def _receipt(declaration: Declaration, code: str, text_zh: str, text_en: str, actor: Actor | None) -> None:
    """A receipt about the e-record; the application's own status does not change."""
    label = (
        "系统 system"
        if actor is None
        else f"{'海关 customs' if actor.is_customs else '系统'} ({actor.username})"
    )
    declaration.receipts.append(
        Receipt(
            code=code,
            status=declaration.status,
            text_zh=text_zh,
            text_en=text_en,
            actor_label=label,
            created_at=utcnow(),
        )
    )
    payload = {
        "declaration_id": declaration.id,
        "status": declaration.status,
        "receipt": {"code": code, "text_zh": text_zh, "text_en": text_en},
    }
    notify(enterprise_room(declaration.enterprise_id), "declaration.receipt", payload)
    notify(
        district_room(declaration.district_code),
        "e_record.changed",
        {"declaration_id": declaration.id, "code": code},
    )
