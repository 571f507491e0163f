"""The transactional outbox's writer: a receipt of a Single Window application gets its outbox row in
the same flush, on the same connection, so both are committed or neither (nothing to reconcile later).

Declarations know nothing of this: it listens to their Receipt rows (as media.references lets owners
register), so every receipt writer (the declaration's and the e-record's workflow, the scheduled
housekeeping) is covered without a call of its own. After the commit the delivery job is woken for the
applications concerned (wake_after_commit); a lost wake-up is harmless: the sweep finds the row.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from backend.core.models import utcnow
from backend.declarations.models import Declaration, Receipt
from backend.interchange.models import OutboxMessage

SOURCE = "single_window"
_WOKEN = "interchange.woken"  # Session.info: applications with new outbox rows in this transaction

_declarations = Declaration.__table__
_outbox = OutboxMessage.__table__


_FIELDS = ("source", "district_code", "created_by_id")


def _application(connection, receipt: Receipt):
    """The application's source, district and creator: from the session when the receipt's writer holds
    the application loaded (the usual case: no extra statement per receipt), else from the table."""
    session = sa.orm.object_session(receipt)
    if session is not None:
        key = sa.inspect(Declaration).identity_key_from_primary_key([receipt.declaration_id])
        loaded = session.identity_map.get(key)
        if loaded is not None and not (sa.inspect(loaded).unloaded & set(_FIELDS)):
            return SimpleNamespace(**{name: getattr(loaded, name) for name in _FIELDS})
    columns = [_declarations.c[name] for name in _FIELDS]
    query = sa.select(*columns).where(_declarations.c.id == receipt.declaration_id)
    return connection.execute(query).one_or_none()


@event.listens_for(Receipt, "after_insert")
def _receipt_inserted(mapper, connection, receipt: Receipt) -> None:
    row = _application(connection, receipt)
    if row is None or row.source != SOURCE:
        return
    sequence = connection.execute(
        sa.select(sa.func.coalesce(sa.func.max(_outbox.c.sequence), 0) + 1).where(
            _outbox.c.declaration_id == receipt.declaration_id
        )
    ).scalar_one()
    connection.execute(
        _outbox.insert().values(
            message_id=str(uuid.uuid4()),
            declaration_id=receipt.declaration_id,
            receipt_id=receipt.id,
            sequence=sequence,
            district_code=row.district_code,
            recipient_id=row.created_by_id,
            # status: the column's default, pending (interchange/workflow.py's initial status)
            attempts=0,
            created_at=utcnow(),
        )
    )
    session = sa.orm.object_session(receipt)
    if session is not None:
        session.info.setdefault(_WOKEN, set()).add(receipt.declaration_id)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    woken = session.info.pop(_WOKEN, None)
    if woken:
        from backend.interchange import wake

        wake.after_commit(sorted(woken))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_WOKEN, None)
