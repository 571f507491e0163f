"""电子底账: issuing and expiring e-records (the clearance interface is in e_records_clearance.py).

An e-record is `normal` when issued; it then becomes `used`, `voided` or `expired`: see
e_record_workflow.py, the only code that changes its status (conditional UPDATEs: exactly one
consumption, void or expiry applies).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_read, ensure_can_see
from backend.declarations.catalog_validity import validity_for_goods
from backend.declarations.e_record_consumption import balance_of, consumptions_of
from backend.declarations.e_record_workflow import ERecordStatus, Event, change, new_e_record
from backend.declarations.models import Declaration, ERecord
from backend.declarations.workflow import Event as DeclarationEvent
from backend.declarations.workflow import Status, apply, can_apply
from backend.errors import DomainError, register_errors
from backend.extensions import db

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
        "e_record.consumption_conflict": (
            409,
            "报关单 {reference} 的表体已按不同内容核销过。",
            "Lines of customs declaration {reference} were already consumed differently.",
        ),
        "e_record.not_reissuable": (
            409,
            "只有申请当前的电子底账作废后才能重新生成（{e_record_no} 状态为 {status}）。",
            "An e-record is issued again only once the application's current one is voided "
            "({e_record_no} is {status}).",
        ),
        "e_record.not_voidable": (
            409,
            "电子底账状态为 {status}，不能作废。",
            "An e-record in status {status} cannot be voided.",
        ),
    }
)


# The event that issues the e-record, by the application's status (any other: document review's APPROVE).
_ISSUING_EVENT = {
    Status.PASSED: DeclarationEvent.ISSUE_E_RECORD,
    Status.INSPECTION_NOTICE: DeclarationEvent.RELEASE,
    Status.INSPECTING: DeclarationEvent.RELEASE,
}


def issue_e_record(*, declaration: Declaration, actor: Actor | None, reason: str | None = None) -> ERecord:
    """Issue the application's e-record and move it to `e_record_issued`; the caller commits.

    Two paths lead here:
    - document review approves without an inspection: the application is `accepted` or
      `under_review`, and this applies Event.APPROVE;
    - an on-site inspection passed: the caller has already applied Event.PASS_INSPECTION, the
      application is `passed`, and this applies Event.ISSUE_E_RECORD.
    The number is the inspection number plus a 3-digit suffix: `001`, or the next free one when
    numbers of this inspection number exist (see reissue_e_record). Validity comes from the
    goods-category catalog (the shortest among the goods lines). Refuses with e_record.not_issuable
    (409) in any other state.
    """
    status = Status(declaration.status)
    event = _ISSUING_EVENT.get(status, DeclarationEvent.APPROVE)
    if not can_apply(declaration, event) or not declaration.inspection_no:
        raise DomainError("e_record.not_issuable", status=status.value)
    current = declaration.e_record
    if current is not None:  # a later e-record only replaces a voided one: reissue_e_record
        raise DomainError("e_record.already_issued", e_record_no=current.e_record_no)
    return _issue(declaration, event, actor, reason=reason)


def reissue_e_record(*, actor: Actor, e_record_no: str) -> ERecord:
    """Customs issues a corrected e-record on the application whose current e-record it voided: the
    inspection number with the next suffix (…002), fresh validity; the enterprise gets a receipt."""
    record = find_e_record(e_record_no)
    declaration = db.session.execute(
        sa.select(Declaration).where(Declaration.id == record.declaration_id).with_for_update()
    ).scalar_one()
    ensure_can_see(actor, declaration, exit_port=declaration.departure_port)  # 403 to the port of exit
    db.session.refresh(declaration, ["e_records"])
    current = declaration.e_record
    if current.id != record.id or record.status != ERecordStatus.VOIDED:
        raise DomainError("e_record.not_reissuable", e_record_no=current.e_record_no, status=current.status)
    new = _issue(declaration, DeclarationEvent.REISSUE_E_RECORD, actor, replaces=record.e_record_no)
    db.session.commit()
    return new


def _issue(
    declaration: Declaration,
    event: DeclarationEvent,
    actor: Actor | None,
    *,
    reason: str | None = None,
    **audit,
) -> ERecord:
    category, days = validity_for_goods(declaration.goods)
    now = utcnow()
    number = f"{declaration.inspection_no}{_next_suffix(declaration.inspection_no):03d}"
    record = new_e_record(
        declaration_id=declaration.id,
        district_code=declaration.district_code,
        e_record_no=number,
        goods_category=category,
        issued_at=now,
        valid_until=now + timedelta(days=days),
    )
    db.session.add(record)
    declaration.e_records.append(record)
    db.session.flush()
    apply(
        declaration,
        event,
        actor=actor,
        reason=reason,
        detail={"e_record_no": number, "valid_until": record.valid_until.isoformat(), **audit},
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
            **audit,
        },
        district_code=declaration.district_code,
    )
    return record


def _next_suffix(inspection_no: str) -> int:
    numbers = db.session.execute(
        sa.select(ERecord.e_record_no).where(ERecord.e_record_no.like(f"{inspection_no}%"))
    ).scalars()
    return max((int(n[len(inspection_no) :]) for n in numbers), default=0) + 1


def get_e_record(*, actor: Actor, e_record_no: str) -> ERecord:
    """One e-record with its balance (核销), if the actor's enterprise owns it, it belongs to the actor's
    district, or it is declared to leave through a port of the actor's district (口岸海关)."""
    record = find_e_record(e_record_no, with_declaration=True)
    declaration = record.declaration
    ensure_can_read(actor, declaration, exit_port=declaration.departure_port)
    record.consumptions = consumptions_of(record)
    record.balance = balance_of(record, record.consumptions)
    return record


def find_e_record(e_record_no: str, *, with_declaration: bool = False) -> ERecord:
    """The e-record of that number (404 if none); `with_declaration`: its declaration in the same query."""
    query = sa.select(ERecord).where(ERecord.e_record_no == e_record_no)
    if with_declaration:
        query = query.options(joinedload(ERecord.declaration))
    record = db.session.execute(query).scalar_one_or_none()
    if record is None:
        raise DomainError("resource.not_found")
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
        record = change(record_id, Event.EXPIRE, ERecord.valid_until <= now, actor=None, now=now)
        if record is None:
            db.session.rollback()
            continue
        db.session.commit()
        expired += 1
    return expired
