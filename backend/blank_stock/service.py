"""空白证书申请: blank security paper. The enterprise asks for N sheets of a type, a certificate officer
allocates a serial range, the enterprise confirms receipt; sheets are printed once or registered spoiled.

Serial ranges never overlap: they come from one counter row per type, locked for the allocating
transaction (like certificate numbers, see numbering.py), and every sheet is a row unique by
(type, serial). Customs' own counter stock is allocated the same way, with no enterprise.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.blank_stock import errors  # noqa: F401  (error codes registered)
from backend.blank_stock.models import BlankSerialCounter, BlankSheet, BlankStock
from backend.blank_stock.workflow import SHEET, STOCK
from backend.certificates.catalog import type_spec
from backend.certificates.listing import requests_visible_to
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_see
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.realtime import enterprise_room, notify

MAX_SERIAL = 9_999_999_999


def _locked_counter(type_code: str) -> BlankSerialCounter | None:
    query = db.select(BlankSerialCounter).where(BlankSerialCounter.type_code == type_code).with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def allocate_range(type_code: str, quantity: int) -> tuple[int, int]:
    """The next `quantity` serials of the type, inside the caller's transaction."""
    counter = _locked_counter(type_code)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(BlankSerialCounter(type_code=type_code, last_serial=0))
        except IntegrityError:  # created concurrently; wait for its lock
            pass
        counter = _locked_counter(type_code)
    first, last = counter.last_serial + 1, counter.last_serial + quantity
    if last > MAX_SERIAL:
        raise DomainError("blank_stock.exhausted")
    counter.last_serial = last
    return first, last


def _load(actor: Actor, stock_id: int) -> BlankStock:
    stock = db.session.execute(
        db.select(BlankStock).where(BlankStock.id == stock_id).with_for_update()
    ).scalar_one_or_none()
    if stock is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, stock)
    return stock


def _audit(stock: BlankStock, action: str, actor: Actor, **after) -> None:
    record_event(
        action=f"blank_stock.{action}",
        entity_type="blank_stock",
        entity_id=stock.id,
        actor=actor,
        after={"status": stock.status, **after},
        district_code=stock.district_code,
    )
    if stock.enterprise_id is not None:
        notify(
            enterprise_room(stock.enterprise_id),
            "blank_stock.status",
            {"stock_id": stock.id, "status": stock.status, "version": stock.version},
        )


def request_stock(*, actor: Actor, type_code: str, quantity: int) -> BlankStock:
    """The enterprise asks its district for `quantity` blank sheets of a type."""
    type_spec(type_code)
    enterprise = db.session.get(Enterprise, actor.enterprise_id)
    stock = STOCK.new(
        BlankStock,
        enterprise_id=enterprise.id,
        district_code=enterprise.district_code,
        type_code=type_code,
        quantity=quantity,
        requested_by_id=actor.user_id,
    )
    db.session.add(stock)
    db.session.flush()
    _audit(stock, "requested", actor, type_code=type_code, quantity=quantity)
    db.session.commit()
    return stock


def _create_sheets(stock: BlankStock, actor: Actor) -> None:
    first, last = allocate_range(stock.type_code, stock.quantity)
    stock.serial_first, stock.serial_last = first, last
    stock.allocated_by_id, stock.allocated_at = actor.user_id, utcnow()
    db.session.flush()
    db.session.execute(
        db.insert(BlankSheet),
        [
            {"stock_id": stock.id, "type_code": stock.type_code, "serial": s, "status": SHEET.initial[0]}
            for s in range(first, last + 1)
        ],
    )


def allocate_stock(*, actor: Actor, stock_id: int) -> BlankStock:
    """The officer allocates the next serial range of the type to an enterprise's request."""
    stock = _load(actor, stock_id)
    STOCK.apply(stock, "allocate", actor=actor)
    _create_sheets(stock, actor)
    _audit(stock, "allocated", actor, serial_first=stock.serial_first, serial_last=stock.serial_last)
    db.session.commit()
    return stock


def refuse_stock(*, actor: Actor, stock_id: int, reason: str) -> BlankStock:
    """The officer refuses a request for blank paper."""
    stock = _load(actor, stock_id)
    STOCK.apply(stock, "refuse", actor=actor)
    stock.reason = reason
    _audit(stock, "refused", actor, reason=reason)
    db.session.commit()
    return stock


def confirm_receipt(*, actor: Actor, stock_id: int) -> BlankStock:
    """The enterprise confirms it received the allocated sheets; only then can it print on them."""
    stock = _load(actor, stock_id)
    STOCK.apply(stock, "receive", actor=actor)
    stock.received_at = utcnow()
    _audit(stock, "received", actor)
    db.session.commit()
    return stock


def allocate_customs_stock(*, actor: Actor, type_code: str, quantity: int) -> BlankStock:
    """Sheets for the district's own counter (现场缮制), received at once."""
    type_spec(type_code)
    stock = STOCK.new(
        BlankStock,
        status="received",
        enterprise_id=None,
        district_code=actor.district_code,
        type_code=type_code,
        quantity=quantity,
        received_at=utcnow(),
    )
    db.session.add(stock)
    db.session.flush()
    _create_sheets(stock, actor)
    _audit(stock, "allocated", actor, serial_first=stock.serial_first, serial_last=stock.serial_last)
    db.session.commit()
    return stock


def holder_filter(actor: Actor):
    """SQL condition: the received stock the actor prints on (own enterprise, or the district's counter)."""
    if actor.is_enterprise:
        return (BlankStock.enterprise_id == actor.enterprise_id) & (BlankStock.status == "received")
    return (
        (BlankStock.enterprise_id.is_(None))
        & (BlankStock.district_code == actor.district_code)
        & (BlankStock.status == "received")
    )


def held_sheet(actor: Actor, type_code: str, serial: int) -> BlankSheet:
    """One sheet of the actor's received stock, locked; 409 blank_stock.sheet_unavailable otherwise."""
    query = (
        db.select(BlankSheet)
        .join(BlankStock, BlankStock.id == BlankSheet.stock_id)
        .where(BlankSheet.type_code == type_code, BlankSheet.serial == serial, holder_filter(actor))
        .with_for_update(of=BlankSheet)
    )
    sheet = db.session.execute(query).scalar_one_or_none()
    if sheet is None:
        raise DomainError("blank_stock.sheet_unavailable", detail={"type_code": type_code, "serial": serial})
    return sheet


def spoil_sheet(*, actor: Actor, type_code: str, serial: int, reason: str) -> BlankSheet:
    """Register a sheet void (作废): unused, or printed and spoiled; it is never printed on again."""
    sheet = held_sheet(actor, type_code, serial)
    before = SHEET.apply(sheet, "spoil", actor=actor).before
    sheet.spoiled_reason = reason
    sheet.spoiled_by_id, sheet.spoiled_at = actor.user_id, utcnow()
    record_event(
        action="blank_sheet.spoiled",
        entity_type="blank_sheet",
        entity_id=f"{type_code}-{serial}",
        actor=actor,
        before={"status": before},
        after={"status": "spoiled", "reason": reason},
    )
    db.session.commit()
    return sheet


def list_stock(
    *, actor: Actor, status: str | None = None, limit: int = 50, cursor: int | None = None
) -> list[BlankStock]:
    """Blank-paper requests the actor may see (own enterprise / own district), newest first."""
    return requests_visible_to(BlankStock, actor=actor, status=status, limit=limit, cursor=cursor)
