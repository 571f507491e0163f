"""Use cases of identity: password login with throttling, refresh, logout, who am I."""

from __future__ import annotations

from contextlib import contextmanager

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.enums import Assurance
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import scope, throttle, tokens
from backend.identity.models import User
from backend.identity.passwords import verify_password


@contextmanager
def failed_login_audited(action: str, *, subject: str):
    """Run a key login; a refusal is recorded in the audit trail (then raised as it was)."""
    try:
        yield
    except DomainError as exc:
        db.session.rollback()  # a refused login changed nothing; only its audit row is kept
        record_event(
            action=action, entity_type="login", entity_id=str(subject)[:64], actor=None,
            after={"error": exc.error, "reason": (exc.detail or {}).get("reason")},
        )
        db.session.commit()
        raise


def login_with_password(*, username: str, password: str) -> dict:
    """账号登录: a password session (assurance `password`), or a refusal that reveals nothing."""
    name = username.strip().lower()
    throttle.refuse_login_if_throttled(name)
    user = db.session.execute(db.select(User).where(User.username == name)).scalar_one_or_none()
    valid = verify_password(user.password_hash if user else None, password)
    if not (valid and user.active):
        used_up = throttle.count_login_failure(name)
        if user is not None:
            record_event(
                action="identity.login_failed", entity_type="user", entity_id=user.id, actor=None,
                after={"username": user.username, "throttled_next": used_up},
                district_code=scope.owning_district(user),
            )
        else:  # a name nobody has: kept for whoever audits the database (no district sees it)
            record_event(
                action="identity.login_failed", entity_type="login", entity_id=name[:64], actor=None,
                after={"username": name[:80], "unknown_user": True, "throttled_next": used_up},
            )
        db.session.commit()
        raise DomainError("auth.invalid_credentials")
    throttle.clear_login_failures(name)
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
