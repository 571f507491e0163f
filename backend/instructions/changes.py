"""The change feed: record_change() is the one way a write tells an inspector's devices to pull an
instruction again; the sync pull reads it with changes_after().

Called in the writer's transaction. The per-inspector counter row is updated first, so it stays locked
until commit: writers for one inspector commit in seq order and a pull cursor never skips a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from backend.core.transactions import TransactionList
from backend.extensions import db
from backend.instructions.models import SyncChange, SyncCounter


def _insert(model):
    """INSERT … ON CONFLICT of the session's dialect, on the table, not the mapped class: a Core statement
    skips the ORM's bulk-insert machinery, which a sync push would otherwise pay for every chunk."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model.__table__)


def next_seq(inspector_id: int, count: int = 1) -> int:
    """Take the next `count` change numbers of this inspector, the last of which is returned (locks
    the counter row until commit)."""
    counter = SyncCounter.__table__
    statement = (
        _insert(SyncCounter)
        .values(inspector_id=inspector_id, last_seq=count)
        .on_conflict_do_update(index_elements=["inspector_id"], set_={"last_seq": counter.c.last_seq + count})
        .returning(counter.c.last_seq)
    )
    return db.session.execute(statement).scalar_one()


def record_change(*, inspector_id: int | None, instruction_id: int) -> None:
    """Mark `instruction_id` changed for `inspector_id` (its current or previous inspector)."""
    if inspector_id is None:
        return
    deferred = _deferred.get(db.session)
    if deferred is not None:
        deferred.append((inspector_id, instruction_id))
        return
    _record_changes(inspector_id, [instruction_id])


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
            _insert(SyncCounter)
            .values(inspector_id=inspector_id, last_seq=0)
            .on_conflict_do_update(
                index_elements=["inspector_id"], set_={"last_seq": SyncCounter.__table__.c.last_seq}
            )
        )


_deferred = TransactionList("chajian_deferred_changes")


@contextmanager
def deferred_changes() -> Iterator[None]:
    """Collect record_change() calls in the block and write them at its end, one bump per instruction.

    A change recorded inside a savepoint that is rolled back is dropped with it (the write did not
    happen); nothing is written if the block raises (the caller rolls its transaction back).
    """
    _deferred.start(db.session)
    try:
        yield
    finally:
        pending = _deferred.take(db.session)
    by_inspector: dict[int, list[int]] = {}
    for inspector_id, instruction_id in sorted(set(pending)):
        by_inspector.setdefault(inspector_id, []).append(instruction_id)
    for inspector_id, instruction_ids in by_inspector.items():
        _record_changes(inspector_id, instruction_ids)


def _record_changes(inspector_id: int, instruction_ids: list[int]) -> None:
    """Mark these instructions changed for the inspector, in their order, in two statements: the numbers
    the counter would have given one by one are taken at once (a sync chunk touches a few instructions)."""
    last = next_seq(inspector_id, len(instruction_ids))
    first = last - len(instruction_ids) + 1
    rows = [
        {"inspector_id": inspector_id, "instruction_id": instruction_id, "seq": first + n}
        for n, instruction_id in enumerate(instruction_ids)
    ]
    statement = _insert(SyncChange).values(rows)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["inspector_id", "instruction_id"], set_={"seq": statement.excluded.seq}
        )
    )
