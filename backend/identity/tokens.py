"""Issue, refresh and revoke opaque bearer tokens (stored hashed, so a leak of the table is useless)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from backend import realtime
from backend.audit.service import record_event
from backend.core.auth import Actor, hash_token
from backend.core.enums import Assurance, Role
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import scope
from backend.identity.models import AuthToken, Enterprise, User

# Built once: the token, its user and the district and customs code of the user's enterprise, in one query.
_TOKEN_QUERY = (
    sa.select(
        AuthToken.revoked_at,
        AuthToken.expires_at,
        AuthToken.assurance,
        AuthToken.session_id,
        User.id,
        User.username,
        User.role,
        User.active,
        User.enterprise_id,
        User.district_code,
        Enterprise.district_code,
        Enterprise.customs_code,
    )
    .join(User, User.id == AuthToken.user_id)
    .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
    .where(AuthToken.token_hash == sa.bindparam("token_hash"), AuthToken.kind == sa.bindparam("kind"))
)


def resolve_token(token: str, *, kind: str = "access") -> Actor:
    """Resolve a bearer token to its Actor, or raise auth.invalid_token (core.auth's token resolver)."""
    # On the session's connection (its transaction), not through Session.execute: a Core select needs
    # none of the ORM's execution steps, which cost more than the query on every request.
    row = (
        db.session.connection()
        .execute(_TOKEN_QUERY, {"token_hash": hash_token(token), "kind": kind})
        .one_or_none()
    )
    if row is None:
        raise _invalid_token()
    revoked_at, expires_at, assurance, session_id, user_id, username, role, active, enterprise_id, \
        district_code, enterprise_district_code, enterprise_customs_code = row
    if revoked_at is not None or expires_at <= utcnow() or not active:
        raise _invalid_token()
    return Actor(
        user_id=user_id,
        username=username,
        role=Role(role),
        assurance=Assurance(assurance),
        enterprise_id=enterprise_id,
        district_code=district_code,
        session_id=session_id,
        enterprise_district_code=enterprise_district_code if enterprise_id is not None else None,
        enterprise_customs_code=enterprise_customs_code if enterprise_id is not None else None,
    )


def _invalid_token() -> DomainError:
    return DomainError("auth.invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def issue_token_pair(
    user: User,
    assurance: Assurance,
    session_id: str | None = None,
    security_key_id: int | None = None,
    client_key_id: int | None = None,
    session_started_at=None,
) -> dict:
    """Create an access and a refresh token for `user`; returns the login response body.
    `security_key_id` / `client_key_id`: the WebAuthn key or system-client key a key login was made
    with (removing or revoking it ends the session). No token outlives the session's absolute end:
    SESSION_MAX_AGE after `session_started_at` (the login; now for a new session)."""
    now = utcnow()
    session_id = session_id or secrets.token_hex(16)
    session_end = (session_started_at or now) + timedelta(seconds=current_app.config["SESSION_MAX_AGE"])
    access, refresh = "cja_" + secrets.token_urlsafe(32), "cjr_" + secrets.token_urlsafe(32)
    access_ttl = current_app.config["ACCESS_TOKEN_TTL"]
    for kind, token, ttl in (
        ("access", access, access_ttl),
        ("refresh", refresh, current_app.config["REFRESH_TOKEN_TTL"]),
    ):
        db.session.add(
            AuthToken(
                token_hash=hash_token(token),
                kind=kind,
                user_id=user.id,
                assurance=str(assurance),
                session_id=session_id,
                security_key_id=security_key_id,
                client_key_id=client_key_id,
                issued_at=now,
                expires_at=min(now + timedelta(seconds=ttl), session_end),
            )
        )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": access_ttl,
        "assurance": str(assurance),
    }


def rotate_refresh_token(refresh_token: str) -> tuple[User, dict]:
    """Swap a refresh token for a new pair; the old refresh token is spent (single use)."""
    row = db.session.execute(
        db.select(AuthToken)
        .where(AuthToken.token_hash == hash_token(refresh_token), AuthToken.kind == "refresh")
        .with_for_update()
    ).scalar_one_or_none()
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        raise DomainError("auth.invalid_token")
    if row.revoked_at is not None:
        # A spent refresh token presented again means it leaked: end the whole session.
        revoke_session(row.session_id)
        record_event(
            action="identity.refresh_token_reused", entity_type="user", entity_id=row.user_id, actor=None,
            after={"session_id": row.session_id}, district_code=scope.owning_district(row.user),
        )
        raise DomainError("auth.invalid_token")
    started = session_start(row.session_id)
    if started + timedelta(seconds=current_app.config["SESSION_MAX_AGE"]) <= utcnow():
        raise DomainError("auth.invalid_token")  # the session's absolute lifetime is over: log in again
    row.revoked_at = utcnow()
    pair = issue_token_pair(
        row.user,
        Assurance(row.assurance),
        session_id=row.session_id,
        security_key_id=row.security_key_id,
        client_key_id=row.client_key_id,
        session_started_at=started,
    )
    return row.user, pair


def session_start(session_id: str):
    """When a session began: the issue time of its first token (tokens are never deleted)."""
    return db.session.execute(
        db.select(db.func.min(AuthToken.issued_at)).where(AuthToken.session_id == session_id)
    ).scalar_one()


def revoke_session(session_id: str) -> int:
    """Revoke every token of one login session; returns how many were still live."""
    result = db.session.execute(
        db.update(AuthToken)
        .where(AuthToken.session_id == session_id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    realtime.tokens_revoked()
    return result.rowcount


def revoke_key_sessions(security_key_id: int | None = None, *, client_key_id: int | None = None) -> int:
    """Revoke every token of the sessions a key opened (the key is removed, revoked or lost): a WebAuthn
    key (`security_key_id`) or a system-client key (`client_key_id`), exactly one of them."""
    if (security_key_id is None) == (client_key_id is None):
        raise ValueError("give exactly one of security_key_id, client_key_id")
    column, key_id = (
        (AuthToken.security_key_id, security_key_id)
        if security_key_id is not None
        else (AuthToken.client_key_id, client_key_id)
    )
    result = db.session.execute(
        db.update(AuthToken)
        .where(column == key_id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    realtime.tokens_revoked()
    return result.rowcount


def revoke_user_tokens(user_id: int, *, keep_session_id: str | None = None) -> int:
    """Revoke all of a user's tokens (deactivation, password change), except those of
    `keep_session_id` (the session a user changes their own password in)."""
    query = db.update(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
    if keep_session_id is not None:
        query = query.where(AuthToken.session_id != keep_session_id)
    result = db.session.execute(query.values(revoked_at=utcnow()))
    realtime.tokens_revoked()
    return result.rowcount


def logout(actor: Actor) -> None:
    revoke_session(actor.session_id)
