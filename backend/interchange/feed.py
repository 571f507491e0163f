"""The pull feed's order: positions given after commit, in a serialised publish step.

Ordering the feed by row id would lose messages on PostgreSQL: ids are drawn when a row is inserted,
rows become visible when their transaction commits, so a transaction committing late puts a row with
a small id behind a cursor already handed out. Here a message gets its feed position only once it is
committed and seen: publish() takes the counter row's lock (UPDATE … RETURNING, its own short
transaction), numbers the caller's committed messages that have no position yet, and commits. Publish
steps run one after another (the lock), each sees what the previous one wrote (READ COMMITTED: each
statement sees the commits before it), and a step's positions all lie above the previous step's: a
position, once readable, has every smaller position already readable. SQLite has one writer at a
time: the same holds there.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.extensions import db
from backend.interchange.models import FeedCounter, OutboxMessage

PUBLISH_BATCH = 5000  # at most this many per step; the rest get theirs on the next read
_COUNTER_ID = 1
_counter = FeedCounter.__table__


def _lock_counter() -> int:
    """Lock the counter row (UPDATE … RETURNING: held until the step commits); the last position given."""
    lock = (
        _counter.update()
        .where(_counter.c.id == _COUNTER_ID)
        .values(last_position=_counter.c.last_position)
        .returning(_counter.c.last_position)
    )
    last = db.session.execute(lock).scalar_one_or_none()
    if last is None:  # no counter yet (a database made by create_all): start after the positions given
        given = sa.select(sa.func.coalesce(sa.func.max(OutboxMessage.feed_position), 0))
        last = db.session.execute(given).scalar_one()
        try:
            with db.session.begin_nested():
                db.session.execute(_counter.insert().values(id=_COUNTER_ID, last_position=last))
        except sa.exc.IntegrityError:  # another step made it first: wait for its lock
            last = db.session.execute(lock).scalar_one()
    return last


def publish(recipient_id: int) -> int:
    """Give feed positions to the recipient's committed messages that have none; how many. Commits."""
    db.session.commit()  # its own transaction: nothing of the caller's rides on the counter's lock
    pending = sa.select(OutboxMessage.id).where(
        OutboxMessage.recipient_id == recipient_id, OutboxMessage.feed_position.is_(None)
    )
    if db.session.execute(pending.limit(1)).first() is None:
        return 0
    last = _lock_counter()
    # Seen under the lock: a row committed meanwhile waits for the next step (its position is larger).
    ids = list(db.session.execute(pending.order_by(OutboxMessage.id).limit(PUBLISH_BATCH)).scalars())
    table = OutboxMessage.__table__
    if ids:
        db.session.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")),
            [{"row_id": row_id, "feed_position": last + 1 + i} for i, row_id in enumerate(ids)],
        )
        db.session.execute(
            _counter.update().where(_counter.c.id == _COUNTER_ID).values(last_position=last + len(ids))
        )
    db.session.commit()
    return len(ids)
