"""Socket.IO: authenticated connections, rooms per user/enterprise/district, messages after commit.

Messages only announce a change; REST stays the source of truth. With REDIS_URL set, Socket.IO uses
Redis as its message queue so several app processes and background jobs can all emit.
"""

from __future__ import annotations

import logging

from flask import request
from flask_socketio import ConnectionRefusedError, join_room

from backend.core.transactions import TransactionList
from backend.errors import DomainError
from backend.extensions import db, socketio

log = logging.getLogger("chajian.realtime")

def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def enterprise_room(enterprise_id: int) -> str:
    return f"enterprise:{enterprise_id}"


def district_room(district_code: str) -> str:
    return f"district:{district_code}"


def notify(room: str, event_name: str, data: dict) -> None:
    """Queue a message for `room`; it is sent only if the transaction commits.

    Queued inside a savepoint that is rolled back, it is dropped with it.
    """
    _pending.start(db.session).append((room, event_name, data))


def _send(pending: list) -> None:
    for room, event_name, data in pending:
        try:
            socketio.emit(event_name, data, to=room)
        except Exception:  # a lost announcement must never undo a committed change
            log.exception("could not emit %s to %s", event_name, room)


_pending = TransactionList("chajian_pending_messages", after_commit=_send)


def register_handlers() -> None:
    @socketio.on("connect")
    def connect(auth):
        from backend.core.auth import actor_from_token

        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        token = token or request.args.get("token")
        if not token:
            raise ConnectionRefusedError("auth.required")
        try:
            actor = actor_from_token(token)
        except DomainError as exc:
            raise ConnectionRefusedError(exc.error) from None
        finally:
            db.session.remove()
        join_room(user_room(actor.user_id))
        if actor.enterprise_id is not None:
            join_room(enterprise_room(actor.enterprise_id))
        if actor.district_code is not None and actor.is_customs:
            join_room(district_room(actor.district_code))
        return True
