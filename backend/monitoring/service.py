"""业务监控 use cases: the board's counts per district with roll-ups, a tile's list, the field."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.pagination import keyset_page
from backend.core.permissions import narrowed_districts
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import District, User
from backend.inspections.models import EvidenceRecord, Inspection, InspectionPhoto
from backend.instructions.models import Instruction, InstructionLease
from backend.media.models import Upload
from backend.monitoring.tiles import CLOSED_INSTRUCTION, TILES
from backend.sync.models import SyncOperation

FIELD_LIMIT = 500  # inspectors on one board; a national board narrows by district first


def scope_of(actor: Actor, district: str | None) -> frozenset[str] | None:
    """The districts to count: the actor's scope, narrowed to `district` (403 outside it)."""
    if district is not None and db.session.get(District, district) is None:
        raise DomainError("scope.district_outside", errors={"district": ["unknown district"]})
    return narrowed_districts(actor, district)


def _in(column, codes: frozenset[str] | None):
    return sa.true() if codes is None else column.in_(sorted(codes))


def _districts(codes: frozenset[str] | None) -> list[District]:
    query = sa.select(District).where(_in(District.code, codes)).order_by(District.code)
    return list(db.session.execute(query).scalars())


def _rollup(own: dict[str, int], districts: list[District]) -> dict[str, int]:
    """Each shown district's count with every district under it (a 直属海关's subtotal)."""
    children: dict[str | None, list[str]] = {}
    for district in districts:
        children.setdefault(district.parent_code, []).append(district.code)

    totals: dict[str, int] = {}

    def total(code: str) -> int:
        if code not in totals:
            totals[code] = own.get(code, 0) + sum(total(child) for child in children.get(code, ()))
        return totals[code]

    for district in districts:
        total(district.code)
    return totals


def board(*, actor: Actor, district: str | None = None, now: datetime | None = None) -> dict:
    """Every tile's count per district (SQL COUNT … GROUP BY), with roll-ups for parent districts."""
    now = now or utcnow()
    codes = scope_of(actor, district)
    districts = _districts(codes)
    # One statement: each tile's COUNT … GROUP BY district over its own table, on its index.
    counts = [
        tile.counted(now)
        .where(_in(tile.district, codes))
        .add_columns(sa.literal(tile.key).label("tile"), sa.func.count())
        .group_by(tile.district)
        for tile in TILES.values()
    ]
    own: dict[str, dict[str, int]] = {key: {} for key in TILES}
    for code, key, count in db.session.execute(sa.union_all(*counts)).all():
        own[key][code] = count
    tiles = [
        {
            "key": tile.key,
            "name_zh": tile.name_zh,
            "name_en": tile.name_en,
            "kind": tile.kind,
            "total": sum(own[tile.key].values()),
            "by_district": own[tile.key],
            "rollup": _rollup(own[tile.key], districts),
        }
        for tile in TILES.values()
    ]
    return {"district": district, "now": now, "districts": districts, "tiles": tiles}


def tile_items(
    *,
    actor: Actor,
    tile: str,
    district: str | None = None,
    limit: int = 50,
    before_id: int | None = None,
    now: datetime | None = None,
) -> dict:
    """The rows behind one tile (newest first, `before_id` pages), with the same district filter."""
    spec = TILES[tile]
    codes = scope_of(actor, district)
    query = spec.rows(now or utcnow()).where(_in(spec.district, codes))
    rows, next_cursor = keyset_page(query, id_column=spec.id_column, limit=limit, cursor=before_id)
    items = [dict(zip(("id", "district_code", "ref", "status", "at"), row, strict=True)) for row in rows]
    return {"tile": tile, "kind": spec.kind, "items": items, "next_before_id": next_cursor}


def field(*, actor: Actor, district: str | None = None) -> list[dict]:
    """The inspectors of the districts in view: what they hold, last sync, last position, what is unsent.

    A fixed number of queries whatever the number of inspectors (one per kind of fact, grouped).
    """
    codes = scope_of(actor, district)
    inspectors = db.session.execute(
        sa.select(User.id, User.display_name, User.district_code)
        .where(User.role == "inspector", User.active.is_(True), _in(User.district_code, codes))
        .order_by(User.district_code, User.display_name, User.id)
        .limit(FIELD_LIMIT)
    ).all()
    ids = [row.id for row in inspectors]
    people = {
        row.id: {
            "inspector_id": row.id,
            "name": row.display_name,
            "district_code": row.district_code,
            "instructions": [],
            "last_sync_at": None,
            "last_position": None,
            "photos_pending": 0,
            "uploads_unfinished": 0,
        }
        for row in inspectors
    }
    if not ids:
        return []
    held = db.session.execute(
        sa.select(
            Instruction.inspector_id,
            Instruction.id,
            Instruction.status,
            Instruction.deadline,
            InstructionLease.device_id,
            InstructionLease.expires_at,
        )
        .outerjoin(InstructionLease, InstructionLease.instruction_id == Instruction.id)
        .where(Instruction.inspector_id.in_(ids), Instruction.status.not_in(CLOSED_INSTRUCTION))
        .order_by(Instruction.id)
    )
    for inspector_id, instruction_id, status, deadline, device_id, expires_at in held:
        people[inspector_id]["instructions"].append(
            {
                "id": instruction_id,
                "status": status,
                "deadline": deadline,
                "device_id": device_id,
                "lease_expires_at": expires_at,
            }
        )
    last_sync = sa.select(SyncOperation.user_id, sa.func.max(SyncOperation.processed_at)).where(
        SyncOperation.user_id.in_(ids)
    )
    for user_id, at in db.session.execute(last_sync.group_by(SyncOperation.user_id)):
        people[user_id]["last_sync_at"] = at
    _last_positions(people, ids)
    pending = (
        sa.select(Instruction.inspector_id, sa.func.count(InspectionPhoto.id))
        .join(Inspection, Inspection.id == InspectionPhoto.inspection_id)
        .join(Instruction, Instruction.id == Inspection.instruction_id)
        .where(InspectionPhoto.photo_id.is_(None), Instruction.inspector_id.in_(ids))
        .group_by(Instruction.inspector_id)
    )
    for inspector_id, count in db.session.execute(pending):
        people[inspector_id]["photos_pending"] = count
    unfinished = (
        sa.select(Upload.uploaded_by_id, sa.func.count(Upload.id))
        .where(Upload.status == "receiving", Upload.uploaded_by_id.in_(ids))
        .group_by(Upload.uploaded_by_id)
    )
    for user_id, count in db.session.execute(unfinished):
        people[user_id]["uploads_unfinished"] = count
    return list(people.values())


def _last_positions(people: dict, ids: list[int]) -> None:
    """The newest located custody record of each inspector (the phone sends its position with findings)."""
    newest = (
        sa.select(sa.func.max(EvidenceRecord.id))
        .where(EvidenceRecord.actor_user_id.in_(ids), EvidenceRecord.latitude.is_not(None))
        .group_by(EvidenceRecord.actor_user_id)
    )
    rows = db.session.execute(
        sa.select(
            EvidenceRecord.actor_user_id,
            EvidenceRecord.latitude,
            EvidenceRecord.longitude,
            EvidenceRecord.accuracy_m,
            EvidenceRecord.device_time,
            EvidenceRecord.server_time,
        ).where(EvidenceRecord.id.in_(newest))
    )
    for user_id, lat, lon, accuracy, device_time, server_time in rows:
        people[user_id]["last_position"] = {
            "lat": float(lat),
            "lon": float(lon),
            "accuracy_m": float(accuracy) if accuracy is not None else None,
            "at": device_time or server_time,
        }
