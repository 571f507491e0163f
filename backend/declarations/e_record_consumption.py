"""核销: an e-record consumed in parts by the lines of export customs declarations (三单一致).

Each line of a customs declaration names HS code, quantity and unit (optionally net weight and
packages); the declaration names its port of exit and the consignee's country. A line draws on the
application's goods line with that HS code and unit. The e-record stays `normal` until every goods
line's quantity is used up, then it becomes `used` (e_record_workflow.py).

Concurrency: the consumer first takes the e-record's row with a conditional UPDATE (status normal,
unexpired): PostgreSQL then holds the row lock and SQLite the write lock (BEGIN IMMEDIATE) until
commit, so the balance read afterwards cannot change before our rows are in. Idempotency: a
(customs declaration number, line) consumes once (a unique constraint); a retry replays the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.receipts import actor_label, write_receipt
from backend.declarations.e_record_workflow import ERecordStatus, Event, change
from backend.declarations.models import ERecord, ERecordConsumption
from backend.errors import DomainError
from backend.extensions import db

ZERO = Decimal("0")

# Why a customs declaration line cannot draw on the e-record: code -> (中文, English); {line} is filled in.
LINE_REASONS = {
    "goods_mismatch": (
        "第{line}项商品编码与申请货物不符",
        "line {line}: HS code not among the declared goods",
    ),
    "unit_mismatch": ("第{line}项计量单位与申请不符", "line {line}: unit differs from the application"),
    "over_consumption": (
        "第{line}项数量超出电子底账剩余数量",
        "line {line}: quantity exceeds what remains on the e-record",
    ),
    "weight_exceeds": ("第{line}项净重超出剩余净重", "line {line}: net weight exceeds what remains"),
    "packages_exceed": ("第{line}项件数超出剩余件数", "line {line}: packages exceed what remain"),
}
DECLARATION_REASONS = {
    "port_mismatch": ("离境口岸与申请不符", "port of exit differs from the application"),
    "destination_mismatch": ("运抵国与申请不符", "consignee country differs from the application"),
}


@dataclass
class GoodsBalance:
    """What one goods line of the application declared, and what customs declarations have used of it."""

    line_no: int
    hs_code: str
    quantity_unit: str | None
    quantity: Decimal
    consumed: Decimal
    net_weight: Decimal | None
    net_weight_consumed: Decimal
    packages: int | None
    packages_consumed: int

    @property
    def remaining(self) -> Decimal:
        return max(self.quantity - self.consumed, ZERO)

    @property
    def net_weight_remaining(self) -> Decimal | None:
        return None if self.net_weight is None else max(self.net_weight - self.net_weight_consumed, ZERO)

    @property
    def packages_remaining(self) -> int | None:
        return None if self.packages is None else max(self.packages - self.packages_consumed, 0)


def balance_of(record: ERecord, consumptions: list[ERecordConsumption] | None = None) -> list[GoodsBalance]:
    """Per goods line: declared, consumed and remaining (an e-record used whole has nothing left). Given
    the e-record's consumptions already read (a page shows them), they are summed here instead of asked
    for again."""
    if consumptions is None:
        used = {
            row.goods_line_no: row
            for row in db.session.execute(
                sa.select(
                    ERecordConsumption.goods_line_no,
                    sa.func.sum(ERecordConsumption.quantity).label("quantity"),
                    sa.func.sum(ERecordConsumption.net_weight).label("net_weight"),
                    sa.func.sum(ERecordConsumption.packages).label("packages"),
                )
                .where(ERecordConsumption.e_record_id == record.id)
                .group_by(ERecordConsumption.goods_line_no)
            )
        }
    else:
        used = _summed(consumptions)
    used_whole = record.status == ERecordStatus.USED and not used
    out = []
    for goods in sorted(record.declaration.goods, key=lambda g: g.line_no):
        row = used.get(goods.line_no)
        quantity = goods.quantity or ZERO
        if used_whole:
            consumed, weight, packages = quantity, goods.net_weight or ZERO, goods.packing_count or 0
        else:
            consumed = Decimal(row.quantity) if row else ZERO
            weight = Decimal(row.net_weight) if row and row.net_weight is not None else ZERO
            packages = int(row.packages) if row and row.packages is not None else 0
        out.append(
            GoodsBalance(
                line_no=goods.line_no,
                hs_code=goods.hs_code or "",
                quantity_unit=goods.quantity_unit,
                quantity=quantity,
                consumed=consumed,
                net_weight=goods.net_weight,
                net_weight_consumed=weight,
                packages=goods.packing_count,
                packages_consumed=packages,
            )
        )
    return out


def _reason(code: str, line: int | None = None) -> dict:
    zh, en = LINE_REASONS[code] if line is not None else DECLARATION_REASONS[code]
    reason = {"code": code, "text_zh": zh.format(line=line), "text_en": en.format(line=line)}
    return reason | ({"line_no": line} if line is not None else {})


def _pick(goods: list[GoodsBalance], line: dict, taken: dict[int, Decimal]) -> GoodsBalance | None:
    """The goods line a customs declaration line draws on: same HS code (prefix) and unit, with room first."""
    same_hs = [g for g in goods if g.hs_code.startswith(line["hs_code"])]
    same_unit = [g for g in same_hs if g.quantity_unit == line["quantity_unit"]]
    with_room = [g for g in same_unit if g.remaining - taken.get(g.line_no, ZERO) >= line["quantity"]]
    return (with_room or same_unit or same_hs or [None])[0]


def check_lines(
    record: ERecord, *, lines: list[dict], port_of_exit: str, destination_country: str
) -> tuple[list[dict], dict[int, GoodsBalance]]:
    """(reasons, {customs line_no: goods line drawn on}) of a customs declaration against the e-record."""
    declaration = record.declaration
    reasons = []
    if declaration.departure_port and port_of_exit != declaration.departure_port:
        reasons.append(_reason("port_mismatch"))
    if declaration.destination_country and destination_country != declaration.destination_country:
        reasons.append(_reason("destination_mismatch"))
    goods = balance_of(record)
    taken: dict[int, Decimal] = {}
    weights: dict[int, Decimal] = {}
    packages: dict[int, int] = {}
    drawn: dict[int, GoodsBalance] = {}
    for line in lines:
        no = line["line_no"]
        target = _pick(goods, line, taken)
        if target is None:
            reasons.append(_reason("goods_mismatch", no))
            continue
        if target.quantity_unit != line["quantity_unit"]:
            reasons.append(_reason("unit_mismatch", no))
            continue
        drawn[no] = target
        taken[target.line_no] = taken.get(target.line_no, ZERO) + line["quantity"]
        if taken[target.line_no] > target.remaining:
            reasons.append(_reason("over_consumption", no))
        if line.get("net_weight") is not None and target.net_weight_remaining is not None:
            weights[target.line_no] = weights.get(target.line_no, ZERO) + line["net_weight"]
            if weights[target.line_no] > target.net_weight_remaining:
                reasons.append(_reason("weight_exceeds", no))
        if line.get("packages") is not None and target.packages_remaining is not None:
            packages[target.line_no] = packages.get(target.line_no, 0) + line["packages"]
            if packages[target.line_no] > target.packages_remaining:
                reasons.append(_reason("packages_exceed", no))
    return reasons, drawn


def earlier_consumption(record: ERecord, customs_declaration_no: str, lines: list[dict]) -> bool:
    """True when these lines were consumed from this e-record already (a retry): replay it.

    Lines of this declaration recorded differently (another e-record, another quantity, only some of
    them) are refused with e_record.consumption_conflict (409).
    """
    numbers = [line["line_no"] for line in lines]
    stored = {
        row.line_no: row
        for row in db.session.execute(
            sa.select(ERecordConsumption).where(
                ERecordConsumption.customs_declaration_no == customs_declaration_no,
                ERecordConsumption.line_no.in_(numbers),
            )
        ).scalars()
    }
    if not stored:
        return False
    same = len(stored) == len(lines) and all(
        (row := stored.get(line["line_no"])) is not None
        and row.e_record_id == record.id
        and row.quantity == line["quantity"]
        and row.quantity_unit == line["quantity_unit"]
        for line in lines
    )
    if not same:
        raise DomainError(
            "e_record.consumption_conflict",
            reference=customs_declaration_no,
            errors={"lines": ["already consumed differently"]},
        )
    return True


def take_row(record_id: int) -> bool:
    """Lock the e-record for this transaction if it is still `normal` and unexpired (see the docstring)."""
    now = utcnow()
    taken = db.session.execute(
        sa.update(ERecord)
        .where(
            ERecord.id == record_id,
            ERecord.status == ERecordStatus.NORMAL,
            ERecord.valid_until > now,
        )
        .values(updated_at=now)
    ).rowcount
    return bool(taken)


def record_consumption(
    record: ERecord,
    *,
    actor: Actor,
    customs_declaration_no: str,
    lines: list[dict],
    drawn: dict[int, GoodsBalance],
    port_of_exit: str,
    destination_country: str,
) -> None:
    """Insert the consumed lines, write the receipt and audit row, and use up the e-record when nothing
    is left; the caller holds the row (take_row) and commits."""
    now, label = utcnow(), actor_label(actor)
    for line in lines:
        db.session.add(
            ERecordConsumption(
                e_record_id=record.id,
                customs_declaration_no=customs_declaration_no,
                line_no=line["line_no"],
                goods_line_no=drawn[line["line_no"]].line_no,
                hs_code=line["hs_code"],
                quantity=line["quantity"],
                quantity_unit=line["quantity_unit"],
                net_weight=line.get("net_weight"),
                packages=line.get("packages"),
                port_of_exit=port_of_exit,
                destination_country=destination_country,
                consumed_by=label,
                consumed_at=now,
            )
        )
    try:
        db.session.flush()
    except IntegrityError:  # the same declaration line, on another e-record, at the same moment
        db.session.rollback()
        raise DomainError(
            "e_record.consumption_conflict",
            reference=customs_declaration_no,
            errors={"lines": ["already consumed differently"]},
        ) from None
    balance = balance_of(record)
    left = "；".join(
        f"{g.line_no}: {g.remaining.normalize():f} {g.quantity_unit or ''}".strip() for g in balance
    )
    declaration = record.declaration
    write_receipt(
        declaration,
        code="E_RECORD_CONSUMED",
        text_zh=f"报关单 {customs_declaration_no} 核销电子底账 {record.e_record_no}，剩余 {left}。",
        text_en=f"Customs declaration {customs_declaration_no} drew on e-record {record.e_record_no}; "
        f"remaining {left}.",
        actor=actor,
        detail={
            "e_record_no": record.e_record_no,
            "customs_declaration_no": customs_declaration_no,
            "lines": [{"line_no": line["line_no"], "quantity": str(line["quantity"])} for line in lines],
        },
    )
    record_event(
        action="e_record.consumed",
        entity_type="e_record",
        entity_id=record.e_record_no,
        actor=actor,
        after={
            "customs_declaration_no": customs_declaration_no,
            "lines": [
                {
                    "line_no": line["line_no"],
                    "goods_line_no": drawn[line["line_no"]].line_no,
                    "quantity": str(line["quantity"]),
                    "quantity_unit": line["quantity_unit"],
                }
                for line in lines
            ],
        },
        district_code=declaration.district_code,
    )
    if all(g.remaining == ZERO for g in balance):
        change(
            record.id,
            Event.USE,
            actor=actor,
            now=now,
            values={"used_at": now, "used_by_reference": customs_declaration_no},
            reference=customs_declaration_no,
        )


def _summed(consumptions: list[ERecordConsumption]) -> dict:
    """The consumptions summed per goods line, shaped like the SUM query's rows."""
    used: dict = {}
    for part in consumptions:
        row = used.setdefault(
            part.goods_line_no, SimpleNamespace(quantity=ZERO, net_weight=None, packages=None)
        )
        row.quantity += part.quantity or ZERO
        if part.net_weight is not None:
            row.net_weight = (row.net_weight or ZERO) + part.net_weight
        if part.packages is not None:
            row.packages = (row.packages or 0) + part.packages
    return used


def consumptions_of(record: ERecord) -> list[ERecordConsumption]:
    """The customs declaration lines that drew on the e-record, oldest first."""
    return list(
        db.session.execute(
            sa.select(ERecordConsumption)
            .where(ERecordConsumption.e_record_id == record.id)
            .order_by(ERecordConsumption.id)
        ).scalars()
    )
