"""Who is calling: bearer tokens, the current actor, and the `requires` decorator.

Every endpoint declares the roles and the assurance it needs. The declaration is also written into
the OpenAPI document (`security`, `x-roles`, `x-assurance`) so tests can check every operation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import wraps

from flask import g, request

from backend.core.enums import CUSTOMS_ROLES, Assurance, Role
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db


@dataclass(frozen=True)
class Actor:
    """The authenticated caller of one request."""

    user_id: int
    username: str
    role: Role
    assurance: Assurance
    enterprise_id: int | None
    district_code: str | None
    session_id: str

    @property
    def is_customs(self) -> bool:
        return self.role in CUSTOMS_ROLES

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_from_token(token: str, *, kind: str = "access") -> Actor:
    """Resolve a bearer token to its Actor, or raise auth.invalid_token."""
    from backend.identity.models import AuthToken

    row = db.session.execute(
        db.select(AuthToken).where(AuthToken.token_hash == hash_token(token), AuthToken.kind == kind)
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        raise DomainError("auth.invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    user = row.user
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        assurance=Assurance(row.assurance),
        enterprise_id=user.enterprise_id,
        district_code=user.district_code,
        session_id=row.session_id,
    )


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_actor() -> Actor | None:
    return g.get("actor")


def requires(*roles: Role, assurance: Assurance = Assurance.PASSWORD):
    """Refuse the call unless a valid token of one of `roles` with at least `assurance` is presented."""
    allowed = frozenset(roles)

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            token = bearer_token()
            if token is None:
                raise DomainError("auth.required", headers={"WWW-Authenticate": "Bearer"})
            actor = actor_from_token(token)
            g.actor = actor
            if actor.role not in allowed:
                raise DomainError("auth.forbidden")
            if not actor.assurance.satisfies(assurance):
                raise DomainError("auth.key_required")
            return func(*args, **kwargs)

        apidoc = dict(getattr(wrapper, "_apidoc", {}))
        manual = dict(apidoc.get("manual_doc", {}))
        manual.update(
            {
                "security": [{"bearerAuth": []}],
                "x-roles": sorted(allowed),
                "x-assurance": str(assurance),
            }
        )
        manual["responses"] = {
            **manual.get("responses", {}),
            "401": {"$ref": "#/components/responses/UNAUTHORIZED"},
            "403": {"$ref": "#/components/responses/FORBIDDEN"},
        }
        apidoc["manual_doc"] = manual
        wrapper._apidoc = apidoc
        wrapper._chajian_requires = (allowed, assurance)
        return wrapper

    return decorator


ANY_CUSTOMS = tuple(CUSTOMS_ROLES)
EVERYONE = tuple(Role)
