"""Socket.IO: authenticated connections, rooms per user/enterprise/district, messages after commit.

Messages only announce a change; REST stays the source of truth. With REDIS_URL set, Socket.IO uses
Redis as its message queue so several app processes and background jobs can all emit.
"""

from __future__ import annotations

import logging
import threading

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room

from backend.core import metrics
from backend.core.enums import Role
from backend.core.permissions import districts_under
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


# Connected sockets of this process and the access token each came with: re-checked on a timer and
# after every commit that revoked tokens, so a revoked or expired token's socket is closed.
_connections: dict[str, str] = {}
_connections_lock = threading.Lock()
_timer_started = False


def connected_sids() -> list[str]:
    with _connections_lock:
        return list(_connections)


def _forget(sid: str) -> None:
    with _connections_lock:
        if _connections.pop(sid, None) is not None:
            metrics.SOCKET_CONNECTIONS.dec()


def close_invalid_connections() -> int:
    """Disconnect this process's sockets whose token is no longer valid; returns how many closed.

    Needs an app context; uses a session of its own and leaves none open.
    """
    from backend.core.auth import actor_from_token

    with _connections_lock:
        connections = list(_connections.items())
    by_token: dict[str, list[str]] = {}
    for sid, token in connections:
        by_token.setdefault(token, []).append(sid)
    closed = 0
    try:
        # Each token once (a user's tabs and phones share it), and the loop yields between them: a
        # Socket.IO process holding thousands of sockets keeps delivering messages meanwhile.
        for token, sids in by_token.items():
            try:
                actor_from_token(token)
            except DomainError:
                for sid in sids:
                    _forget(sid)
                    socketio.server.disconnect(sid, namespace="/")
                closed += len(sids)
            finally:
                db.session.remove()
            socketio.sleep(0)
    finally:
        db.session.remove()
    return closed


def _recheck_in(app) -> None:
    with app.app_context():
        try:
            close_invalid_connections()
        except Exception:  # the next timer round tries again
            log.exception("could not re-check socket tokens")


def _after_revocation(pending: list) -> None:
    if not pending:
        return
    app = current_app._get_current_object()
    if connected_sids():
        socketio.start_background_task(_recheck_in, app)
    if app.config.get("REDIS_URL"):
        # The Socket.IO processes hold the sockets, not this one: tell them to check now.
        try:
            _redis(app).publish(_recheck_channel(app), "tokens revoked")
        except Exception:  # their timer still closes the sockets within REALTIME_TOKEN_CHECK_SECONDS
            log.exception("could not announce revoked tokens")


_revocations = TransactionList("chajian_pending_socket_rechecks", after_commit=_after_revocation)


def tokens_revoked() -> None:
    """Tokens were revoked in this transaction: after the commit, close the sockets they opened.

    The process that revoked them checks its own sockets at once, and tells every other process
    through Redis (when REDIS_URL is set) to check theirs; each also checks on a timer
    (REALTIME_TOKEN_CHECK_SECONDS), which closes expired tokens' sockets and catches a lost message.
    """
    _revocations.start(db.session).append(True)


def _recheck_channel(app) -> str:
    return f"{app.config['SOCKETIO_CHANNEL']}-token-recheck"


def _redis(app):
    client = app.extensions.get("chajian_realtime_redis")
    if client is None:
        import redis

        client = app.extensions["chajian_realtime_redis"] = redis.Redis.from_url(app.config["REDIS_URL"])
    return client


def _listen_for_revocations(app) -> None:
    while True:
        try:
            pubsub = _redis(app).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(_recheck_channel(app))
            for _message in pubsub.listen():
                if connected_sids():
                    _recheck_in(app)
        except Exception:  # Redis restarted: subscribe again
            log.exception("lost the revoked-tokens channel")
            socketio.sleep(5)


def _check_on_a_timer(app) -> None:
    interval = app.config["REALTIME_TOKEN_CHECK_SECONDS"]
    while True:
        socketio.sleep(interval)
        if connected_sids():
            _recheck_in(app)


def _start_timer(app) -> None:
    global _timer_started
    with _connections_lock:
        if _timer_started:
            return
        _timer_started = True
    socketio.start_background_task(_check_on_a_timer, app)
    if app.config.get("REDIS_URL"):
        socketio.start_background_task(_listen_for_revocations, app)


def allowed_origins(config) -> list[str]:
    """Origins a browser may open a socket from: the public address and the WebAuthn origins."""
    origins = [config["PUBLIC_BASE_URL"], *config["WEBAUTHN_ORIGINS"]]
    return sorted({origin.strip().rstrip("/") for origin in origins if origin.strip()})


def register_handlers() -> None:
    @socketio.on("connect")
    def connect(auth):
        from backend.core.auth import actor_from_token

        if "token" in request.args or "access_token" in request.args:
            # A token in the URL ends up in proxy and server logs: only the auth payload is read.
            raise ConnectionRefusedError("auth.token_in_query")
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
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
        if actor.role == Role.SUPERVISOR and actor.district_code is not None:
            # A 直属海关's (or the national level's) board hears its subordinates' changes too.
            try:
                for code in districts_under(actor.district_code):
                    join_room(district_room(code))
            finally:
                db.session.remove()
        with _connections_lock:
            if request.sid not in _connections:
                metrics.SOCKET_CONNECTIONS.inc()
            _connections[request.sid] = token
        _start_timer(current_app._get_current_object())
        return True

    @socketio.on("disconnect")
    def disconnect(*_reason):
        _forget(request.sid)
