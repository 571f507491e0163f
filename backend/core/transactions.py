"""TransactionList: what a transaction announces for later, kept in its session until the outermost commit.

A savepoint rolled back takes back what was added inside it (the operation did not happen); the
whole transaction rolled back takes back everything. Messages sent after commit (backend.realtime)
and changes written at the end of a batch (backend.instructions.changes) are kept this way, so a
caller only opens and rolls back savepoints and never touches another module's session keys.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import after_this_request, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction


class TransactionList:
    """A list in `session.info[key]` that forgets what rolled-back savepoints added."""

    def __init__(self, key: str, *, after_commit: Callable[[list], None] | None = None) -> None:
        self._key = key
        self._marks = f"{key}.savepoints"
        self._after_commit = after_commit
        event.listen(Session, "after_transaction_create", self._savepoint_begun)
        event.listen(Session, "after_soft_rollback", self._rolled_back)
        event.listen(Session, "after_transaction_end", self._ended)
        if after_commit is not None:
            event.listen(Session, "after_commit", self._committed)

    def get(self, session: Session) -> list | None:
        """The list, or None when nothing was started in this transaction."""
        return session.info.get(self._key)

    def start(self, session: Session) -> list:
        """The list, created empty if needed."""
        return session.info.setdefault(self._key, [])

    def take(self, session: Session) -> list:
        """Remove the list from the session and return it (empty if none)."""
        session.info.pop(self._marks, None)
        return session.info.pop(self._key, None) or []

    def _savepoint_begun(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            session.info.setdefault(self._marks, {})[transaction] = len(session.info.get(self._key, ()))

    def _rolled_back(self, session: Session, previous: SessionTransaction) -> None:
        marks = session.info.get(self._marks, {})
        if previous.nested:
            mark = marks.pop(previous, None)
        else:
            mark = 0
            marks.clear()
        items = session.info.get(self._key)
        if items is not None and mark is not None:
            del items[mark:]

    def _ended(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # the outermost transaction: its savepoints' marks are done with
            session.info.pop(self._marks, None)

    def _committed(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: the transaction may still roll back
        self._after_commit(self.take(session))


def commit_keeping_loaded(session: Session) -> None:
    """Commit without expiring what the session holds: the answer is serialised from the objects just
    written (their values are the committed ones: defaults and version bumps are set in Python) instead
    of being read back in a second transaction."""
    real = session() if callable(session) and not isinstance(session, Session) else session
    real.expire_on_commit = False
    try:
        real.commit()
    finally:
        real.expire_on_commit = True
    if has_request_context():
        # Once the answer is built they expire as after any commit: a later request served by the same
        # session (tests run many in one app context) reads them afresh.
        @after_this_request
        def _expire(response):
            real.expire_all()
            return response
