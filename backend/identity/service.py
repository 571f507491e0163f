"""Use cases of identity: password login with throttling, refresh, logout, who am I."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.enums import Assurance
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import scope, tokens
from backend.identity.models import LoginThrottle, User
from backend.identity.passwords import verify_password


def _throttle_row(name: str) -> LoginThrottle:
    query = db.select(LoginThrottle).where(LoginThrottle.username == name).with_for_update()
    row = db.session.execute(query).scalar_one_or_none()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            db.session.add(LoginThrottle(username=name, failures=0))
    except IntegrityError:  # created by a concurrent attempt
        pass
    return db.session.execute(query).scalar_one()


def _refuse_if_throttled(row: LoginThrottle) -> None:
    now = utcnow()
    cfg = current_app.config
    wait = 0.0
    if row.locked_until and row.locked_until > now:
        wait = (row.locked_until - now).total_seconds()
    elif row.failures >= cfg["LOGIN_SLOWDOWN_AFTER"] and row.last_failure_at:
        delay = 2 ** (row.failures - cfg["LOGIN_SLOWDOWN_AFTER"])
        wait = (row.last_failure_at + timedelta(seconds=delay) - now).total_seconds()
    if wait > 0:
        raise DomainError("auth.locked", headers={"Retry-After": str(math.ceil(wait))})


def login_with_password(*, username: str, password: str) -> dict:
    """账号登录: a password session (assurance `password`), or a refusal that reveals nothing."""
    name = username.strip().lower()
    throttle = _throttle_row(name)
    _refuse_if_throttled(throttle)
    user = db.session.execute(db.select(User).where(User.username == name)).scalar_one_or_none()
    valid = verify_password(user.password_hash if user else None, password)
    if not (valid and user.active):
        cfg = current_app.config
        throttle.failures += 1
        throttle.last_failure_at = utcnow()
        if throttle.failures >= cfg["LOGIN_MAX_FAILURES"]:
            throttle.locked_until = utcnow() + timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
        if user is not None:
            record_event(
                action="identity.login_failed", entity_type="user", entity_id=user.id, actor=None,
                after={"failures": throttle.failures, "locked": throttle.locked_until is not None},
                district_code=scope.owning_district(user),
            )
        db.session.commit()  # the failure counts even though the request is refused
        raise DomainError("auth.invalid_credentials")
    throttle.failures = 0
    throttle.locked_until = None
    body = tokens.issue_token_pair(user, Assurance.PASSWORD)
    record_event(
        action="identity.login", entity_type="user", entity_id=user.id, actor=None,
        after={"assurance": "password", "username": user.username},
        district_code=scope.owning_district(user),
    )
    db.session.commit()
    return body


def refresh_session(*, refresh_token: str) -> dict:
    """Exchange a refresh token for a new pair (rotation; reuse ends the session)."""
    try:
        _, body = tokens.rotate_refresh_token(refresh_token)
    except DomainError:
        db.session.commit()  # keep the revocation a reuse triggered
        raise
    db.session.commit()
    return body


def logout(*, actor: Actor) -> None:
    """Revoke the caller's session (access and refresh tokens)."""
    tokens.logout(actor)
    record_event(action="identity.logout", entity_type="user", entity_id=actor.user_id, actor=actor)
    db.session.commit()


def get_user(*, actor: Actor) -> User:
    return db.session.get(User, actor.user_id)
