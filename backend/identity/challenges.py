"""Server-side, single-use challenges with an expiry (WebAuthn ceremonies and client-key nonces).

A challenge is looked up first (to verify the signature over it) and consumed last, with a
conditional UPDATE ... WHERE used_at IS NULL AND expires_at > now: of two requests presenting the
same challenge, exactly one sees a changed row. A failed verification leaves the challenge as it was.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app

from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import errors  # noqa: F401  (registers the identity error codes)
from backend.identity.models import AuthChallenge

WEBAUTHN_REGISTER = "webauthn.register"
WEBAUTHN_LOGIN = "webauthn.login"
CLIENT_KEY = "client_key"

# Expired challenges are deleted this long after expiry (kept a while so refusals can say "expired").
_PURGE_AFTER = timedelta(hours=1)


def new_challenge(
    *, purpose: str, user_id: int | None = None, audience: str | None = None, value: str | None = None
) -> AuthChallenge:
    """Add a fresh challenge to the session (the caller commits)."""
    now = utcnow()
    db.session.execute(db.delete(AuthChallenge).where(AuthChallenge.expires_at < now - _PURGE_AFTER))
    row = AuthChallenge(
        challenge=value or secrets.token_urlsafe(32),
        purpose=purpose,
        user_id=user_id,
        audience=audience,
        expires_at=now + timedelta(seconds=current_app.config["CHALLENGE_TTL"]),
    )
    db.session.add(row)
    return row


def live_challenge(*, value: str, purpose: str) -> AuthChallenge:
    """The unused, unexpired challenge `value` of `purpose`, or auth.challenge_invalid saying why."""
    row = db.session.execute(
        db.select(AuthChallenge).where(AuthChallenge.challenge == value, AuthChallenge.purpose == purpose)
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("auth.challenge_invalid", detail={"reason": "unknown"})
    if row.used_at is not None:
        raise DomainError("auth.challenge_invalid", detail={"reason": "used"})
    if row.expires_at <= utcnow():
        raise DomainError("auth.challenge_invalid", detail={"reason": "expired"})
    return row


def consume(challenge: AuthChallenge) -> None:
    """Mark the challenge used, atomically; a concurrent consumer that lost gets challenge_invalid."""
    now = utcnow()
    result = db.session.execute(
        db.update(AuthChallenge)
        .where(
            AuthChallenge.id == challenge.id,
            AuthChallenge.used_at.is_(None),
            AuthChallenge.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError("auth.challenge_invalid", detail={"reason": "used"})
