"""record_change(): the one way a write tells an inspector's devices to pull an instruction again.

Called in the writer's transaction. The per-inspector counter row is updated first, so it stays locked
until commit: writers for one inspector commit in seq order and a pull cursor never skips a change.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from backend.extensions import db
from backend.sync.models import SyncChange, SyncCounter


def _upsert(model, values: dict, keys: list[str], updates: dict):
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    return insert(model).values(**values).on_conflict_do_update(index_elements=keys, set_=updates)


def next_seq(inspector_id: int) -> int:
    """Take the next change number of this inspector (locks the counter row until commit)."""
    statement = _upsert(
        SyncCounter,
        {"inspector_id": inspector_id, "last_seq": 1},
        ["inspector_id"],
        {"last_seq": SyncCounter.last_seq + 1},
    ).returning(SyncCounter.last_seq)
    return db.session.execute(statement).scalar_one()


def record_change(*, inspector_id: int | None, instruction_id: int) -> None:
    """Mark `instruction_id` changed for `inspector_id` (its current or previous inspector)."""
    if inspector_id is None:
        return
    deferred = db.session.info.get(_DEFERRED)
    if deferred is not None:
        deferred.add((inspector_id, instruction_id))
        return
    seq = next_seq(inspector_id)
    db.session.execute(
        _upsert(
            SyncChange,
            {"inspector_id": inspector_id, "instruction_id": instruction_id, "seq": seq},
            ["inspector_id", "instruction_id"],
            {"seq": seq},
        )
    )


def changes_after(*, inspector_id: int, cursor: int, limit: int) -> list[tuple[int, int]]:
    """(seq, instruction_id) of this inspector after `cursor`, oldest first."""
    rows = db.session.execute(
        sa.select(SyncChange.seq, SyncChange.instruction_id)
        .where(SyncChange.inspector_id == inspector_id, SyncChange.seq > cursor)
        .order_by(SyncChange.seq)
        .limit(limit)
    )
    return [(seq, instruction_id) for seq, instruction_id in rows]


def lock_inspectors(inspector_ids) -> None:
    """Take the counter rows of these inspectors first (sorted), so every writer locks in one order."""
    for inspector_id in sorted({i for i in inspector_ids if i is not None}):
        db.session.execute(
            _upsert(
                SyncCounter,
                {"inspector_id": inspector_id, "last_seq": 0},
                ["inspector_id"],
                {"last_seq": SyncCounter.last_seq},
            )
        )


_DEFERRED = "chajian_sync_deferred_changes"


def defer_changes() -> None:
    """Collect record_change() calls until flush_deferred_changes(): one bump per instruction per chunk."""
    db.session.info[_DEFERRED] = set()


def flush_deferred_changes() -> None:
    """Write the collected changes (a change of an operation rolled back since only costs a spare re-pull)."""
    pending = db.session.info.pop(_DEFERRED, None) or set()
    for inspector_id, instruction_id in sorted(pending):
        record_change(inspector_id=inspector_id, instruction_id=instruction_id)
