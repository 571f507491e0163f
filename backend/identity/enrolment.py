"""Enrolling a person's first security key needs a one-time enrolment code, the way an e-port card is
issued: proof from outside the password that the key is the person's.

An administrator issues the code for a user of their district (POST /api/v1/admin/users/{id}/
enrolment-code, key session) or, for the first administrator, the server's `flask identity
enrolment-code USERNAME`. The code is shown once, stored only as its SHA-256, bound to the user, valid
ENROLMENT_CODE_TTL seconds (24 h by default) and used once; a new code replaces the user's unused one.
Issue and use are audited. Further keys need a key session (backend.identity.webauthn).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.errors import DomainError, register_errors
from backend.extensions import db
from backend.identity import scope
from backend.identity.enrolment_models import EnrolmentCode
from backend.identity.models import User

# No 0/O or 1/I/L: read aloud or copied from a letter without mistakes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DEFAULT_TTL = 24 * 3600

register_errors(
    {
        "identity.enrolment_code_required": (
            403,
            "注册第一把安全密钥需要管理员（海关）签发的一次性注册码。",
            "Enrolling your first security key needs the one-time enrolment code your administrator "
            "(customs) issued.",
        ),
        "identity.enrolment_code_invalid": (
            403,
            "注册码无效、已使用或已过期，请向管理员重新申领。",
            "The enrolment code is wrong, already used or expired; ask your administrator for a new one.",
        ),
        "identity.enrolment_not_for_system_client": (
            409,
            "系统客户端使用客户端密钥登录，不注册安全密钥。",
            "System clients sign in with client keys; they do not enrol security keys.",
        ),
    }
)


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _ttl() -> int:
    return int(current_app.config.get("ENROLMENT_CODE_TTL", DEFAULT_TTL))


def _issue(user: User, *, actor: Actor | None, via: str) -> dict:
    if user.role == Role.SYSTEM_CLIENT:
        raise DomainError("identity.enrolment_not_for_system_client")
    now = utcnow()
    db.session.execute(  # a new code replaces the user's unused ones
        db.update(EnrolmentCode)
        .where(
            EnrolmentCode.user_id == user.id, EnrolmentCode.used_at.is_(None), EnrolmentCode.expires_at > now
        )
        .values(expires_at=now)
    )
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    row = EnrolmentCode(
        code_hash=_hash(code),
        user_id=user.id,
        issued_by_id=actor.user_id if actor else None,
        issued_at=now,
        expires_at=now + timedelta(seconds=_ttl()),
    )
    db.session.add(row)
    db.session.flush()
    record_event(
        action="identity.enrolment_code_issued",
        entity_type="user",
        entity_id=user.id,
        actor=actor,
        after={"enrolment_code_id": row.id, "expires_at": row.expires_at.isoformat(), "via": via},
    )
    db.session.commit()
    return {"user_id": user.id, "username": user.username, "code": code, "expires_at": row.expires_at}


def issue_enrolment_code(*, actor: Actor, user_id: int) -> dict:
    """An administrator issues a code for a person of their district (shown once, in this answer)."""
    return _issue(scope.managed_user(actor, user_id), actor=actor, via="admin")


def issue_enrolment_code_on_server(*, username: str) -> dict:
    """The server command's code (the first administrator's: no one holds a key yet)."""
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise DomainError("resource.not_found")
    return _issue(user, actor=None, via="server_command")


def _live(user_id: int, code: str | None):
    if not code:
        raise DomainError("identity.enrolment_code_required", errors={"enrolment_code": ["required / 必填"]})
    return (
        EnrolmentCode.user_id == user_id,
        EnrolmentCode.code_hash == _hash(code),
        EnrolmentCode.used_at.is_(None),
        EnrolmentCode.expires_at > utcnow(),
    )


def check_enrolment_code(*, user_id: int, code: str | None) -> None:
    """Refuse unless `code` is a live code of this user (not consumed: the ceremony has not finished)."""
    found = db.session.execute(db.select(EnrolmentCode.id).where(*_live(user_id, code))).first()
    if found is None:
        raise DomainError("identity.enrolment_code_invalid", errors={"enrolment_code": ["invalid / 无效"]})


def consume_enrolment_code(*, actor: Actor, code: str | None) -> None:
    """Use the code once, atomically (two ceremonies racing on one code: one wins); no commit."""
    used = db.session.execute(
        db.update(EnrolmentCode).where(*_live(actor.user_id, code)).values(used_at=utcnow())
    )
    if used.rowcount != 1:
        raise DomainError("identity.enrolment_code_invalid", errors={"enrolment_code": ["invalid / 无效"]})
    record_event(
        action="identity.enrolment_code_used",
        entity_type="user",
        entity_id=actor.user_id,
        actor=actor,
        after={"code_sha256_prefix": _hash(code)[:8]},
    )
