"""电子底账申请单查询: the enterprise's own applications, a customs district's, and exact lookups.

Dates in filters are China dates (UTC+8), inclusive, as the enterprise reads them on its receipts.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from backend.core.auth import Actor
from backend.core.enums import Role
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause
from backend.declarations import errors  # noqa: F401  (registers the codes)
from backend.declarations.detail_rows import declaration_detail
from backend.declarations.models import Declaration, ERecord, Receipt
from backend.declarations.numbers import CHINA_TIME
from backend.errors import DomainError
from backend.extensions import db


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA_TIME)


def _scope(query: sa.Select, actor: Actor) -> sa.Select:
    if actor.role == Role.ENTERPRISE:
        return query.where(
            sa.or_(
                Declaration.enterprise_id == actor.enterprise_id,
                Declaration.principal_enterprise_id == actor.enterprise_id,
            )
        )
    return query.where(district_clause(actor, Declaration.district_code))


def filtered_declarations(
    actor: Actor,
    *,
    status: list[str] | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    accepted_from: date | None = None,
    accepted_to: date | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    inspection_no: str | None = None,
    e_record_no: str | None = None,
    order: str = "created",
) -> sa.Select:
    """The actor's declarations narrowed by the list's filters (unordered, unpaginated)."""
    query = _scope(db.select(Declaration), actor)
    if status:
        query = query.where(Declaration.status.in_(status))
    ranges = (
        (Declaration.created_at, created_from, created_to),
        (Declaration.accepted_at, accepted_from, accepted_to),
    )
    for column, first, last in ranges:
        if first is not None:
            query = query.where(column >= _start(first))
        if last is not None:
            query = query.where(column < _start(last + timedelta(days=1)))
    if inspection_no is not None:
        query = query.where(Declaration.inspection_no == inspection_no)
    if e_record_no is not None or issued_from is not None or issued_to is not None:
        query = query.join(ERecord, ERecord.declaration_id == Declaration.id)
        if e_record_no is not None:
            query = query.where(ERecord.e_record_no == e_record_no)
        if issued_from is not None:
            query = query.where(ERecord.issued_at >= _start(issued_from))
        if issued_to is not None:
            query = query.where(ERecord.issued_at < _start(issued_to + timedelta(days=1)))
    if order == "accepted":
        query = query.where(Declaration.accepted_at.is_not(None))
    return query.options(selectinload(Declaration.e_records))


def list_declarations(
    *, actor: Actor, order: str = "created", limit: int = 50, cursor: str | None = None, **filters
) -> dict:
    """One page, newest first, each item with its status labels, e-record and latest receipt."""
    sort_column = Declaration.accepted_at if order == "accepted" else Declaration.created_at
    rows, next_cursor = keyset_page(
        filtered_declarations(actor, order=order, **filters),
        sort_column=sort_column,
        id_column=Declaration.id,
        order=order,
        limit=limit,
        cursor=cursor,
        session=db.session,
    )
    _attach_latest_receipts(rows)
    return {"items": rows, "next_cursor": next_cursor}


def _attach_latest_receipts(rows: list[Declaration]) -> None:
    """One query for the newest receipt of every row on the page (no N+1)."""
    if not rows:
        return
    latest_ids = (
        db.select(sa.func.max(Receipt.id))
        .where(Receipt.declaration_id.in_([d.id for d in rows]))
        .group_by(Receipt.declaration_id)
    )
    receipts = db.session.execute(db.select(Receipt).where(Receipt.id.in_(latest_ids))).scalars()
    by_declaration = {r.declaration_id: r for r in receipts}
    for declaration in rows:
        declaration.latest_receipt = by_declaration.get(declaration.id)


def lookup(*, actor: Actor, inspection_no: str | None = None, e_record_no: str | None = None):
    """Exact lookup by 检验检疫编号 or 电子底账数据号 (one of them), within the actor's scope: the detail as
    plain rows (detail_rows), dumped by DeclarationSchema like the object."""
    if (inspection_no is None) == (e_record_no is None):
        raise DomainError("declaration.lookup_criteria")
    if inspection_no is not None:
        return declaration_detail(actor, by="inspection_no", key=inspection_no)
    return declaration_detail(actor, by="e_record_no", key=e_record_no)
