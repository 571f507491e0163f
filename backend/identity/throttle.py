"""Throttles for logins and key endpoints (backend.extensions.Throttles: Redis when configured, else memory).

Password failures count per client address *and* user name, so failures from one address never lock
the name for someone logging in from another; a second counter per address caps guessing over many
names. Key endpoints count every request per address. A counter ends with its window: the failure
count resets when the lock ends, and nothing is left to purge.
"""

from __future__ import annotations

import functools
import math
import time

from flask import current_app, request
from limits import parse

from backend.audit.service import record_event
from backend.errors import DomainError
from backend.extensions import db, limiter


def client_address() -> str:
    return request.remote_addr or "unknown"


def _limit(setting: str):
    return parse(current_app.config[setting])


def _refuse(limit, *identifiers: str, error: str, subject: str) -> None:
    stats = limiter.limiter.get_window_stats(limit, *identifiers)
    wait = max(1, math.ceil(stats.reset_time - time.time()))
    db.session.rollback()
    record_event(
        action="identity.throttled", entity_type="login", entity_id=subject[:64], actor=None,
        after={"error": error, "limit": str(limit), "retry_after": wait},
    )
    db.session.commit()
    raise DomainError(error, headers={"Retry-After": str(wait)})


def _login_keys(name: str) -> list[tuple]:
    address = client_address()
    return [
        (_limit("LOGIN_RATE_LIMIT"), "login", address, name),
        (_limit("LOGIN_ADDRESS_RATE_LIMIT"), "login-address", address),
    ]


def refuse_login_if_throttled(name: str) -> None:
    """429 `auth.locked` when this address has failed too often for this name (or for any names)."""
    for limit, *identifiers in _login_keys(name):
        if not limiter.limiter.test(limit, *identifiers):
            _refuse(limit, *identifiers, error="auth.locked", subject=name)


def count_login_failure(name: str) -> bool:
    """Count a failed login; True when this failure used up the allowance (the next is refused)."""
    used_up = False
    for limit, *identifiers in _login_keys(name):
        limiter.limiter.hit(limit, *identifiers)
        used_up |= not limiter.limiter.test(limit, *identifiers)
    return used_up


def clear_login_failures(name: str) -> None:
    """A successful login from this address forgets its failures for this name."""
    limit, *identifiers = _login_keys(name)[0]
    limiter.limiter.clear(limit, *identifiers)


def hit_key_endpoint(endpoint: str) -> None:
    """Count a request to a key endpoint; 429 `auth.throttled` past the allowance of this address."""
    limit = _limit("KEY_RATE_LIMIT")
    if not limiter.limiter.hit(limit, "key", client_address()):
        _refuse(limit, "key", client_address(), error="auth.throttled", subject=endpoint)


def key_endpoint(view):
    """Decorate a key endpoint's view: each request counts against the address's allowance."""

    @functools.wraps(view)
    def throttled(*args, **kwargs):
        hit_key_endpoint(request.path)
        return view(*args, **kwargs)

    return throttled
