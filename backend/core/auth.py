"""Who is calling: bearer tokens, the current actor, and the `requires` decorator.

Every endpoint declares the roles and the assurance it needs. The declaration is also written into
the OpenAPI document (`security`, `x-roles`, `x-assurance`) so tests can check every operation.
Core knows no users table: create_app() hands in identity's token resolver (init_app).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, current_app, g, request
from flask.sessions import SessionInterface

from backend.core import permissions
from backend.core.enums import CUSTOMS_ROLES, Assurance, Role
from backend.errors import DomainError

_RESOLVER = "chajian.token_resolver"


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
    enterprise_district_code: str | None = None  # an enterprise user's: the district of their enterprise
    enterprise_customs_code: str | None = None  # an enterprise user's: their enterprise's customs code

    @property
    def home_district_code(self) -> str | None:
        """The district the actor works in: an enterprise user's enterprise's, anybody else's own."""
        return self.enterprise_district_code if self.enterprise_id is not None else self.district_code

    @property
    def is_customs(self) -> bool:
        return self.role in CUSTOMS_ROLES

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TokenResolver = Callable[..., Actor]  # resolver(token, *, kind) -> Actor, or raises auth.invalid_token


class NoCookieSession(SessionInterface):
    """No cookie session: callers are known by their bearer token only. Every request gets Flask's null
    session (empty, refusing writes) and no cookie is set; opening the signed cookie session built a
    signing serializer on every request for nothing."""

    def open_session(self, app, request):
        return None  # Flask then hands out its null session

    def save_session(self, app, session, response) -> None:
        return None


def init_app(app: Flask, *, token_resolver: TokenResolver) -> None:
    """Hand in the function that turns a bearer token into its Actor (identity's); no cookie session."""
    app.extensions[_RESOLVER] = token_resolver
    app.session_interface = NoCookieSession()


def actor_from_token(token: str, *, kind: str = "access") -> Actor:
    """Resolve a bearer token to its Actor, or raise auth.invalid_token."""
    return current_app.extensions[_RESOLVER](token, kind=kind)


def _request_actor(token: str) -> Actor:
    """The request's access token resolved once, however many checks ask for it."""
    # Cached on the request (not on g: tests run many requests inside one app context).
    cache = request.environ.setdefault("chajian.actors", {})
    if token not in cache:
        cache[token] = actor_from_token(token)
    return cache[token]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_actor() -> Actor | None:
    return g.get("actor")


_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def requires(*roles: Role, assurance: Assurance = Assurance.PASSWORD, national_may_write: bool = False):
    """Refuse the call unless a valid token of one of `roles` with at least `assurance` is presented.

    The national level (海关总署) reads only: its writes are refused (403 scope.national_read_only),
    except where `national_may_write` says so: calls touching nothing but the caller's own account (log
    out, password, keys) and the national catalogs the national level keeps (time limits, calendar).
    """
    allowed = frozenset(roles)

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            token = bearer_token()
            if token is None:
                raise DomainError("auth.required", headers={"WWW-Authenticate": "Bearer"})
            actor = _request_actor(token)
            g.actor = actor
            if actor.role not in allowed:
                raise DomainError("auth.forbidden")
            if not actor.assurance.satisfies(assurance):
                raise DomainError("auth.key_required")
            if request.method not in _READS and not national_may_write and permissions.is_national(actor):
                raise DomainError("scope.national_read_only")
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
        if national_may_write:
            manual["x-national-writes"] = True
        manual["responses"] = {
            **manual.get("responses", {}),
            "401": {"$ref": "#/components/responses/UNAUTHORIZED"},
            "403": {"$ref": "#/components/responses/FORBIDDEN"},
        }
        apidoc["manual_doc"] = manual
        wrapper._apidoc = apidoc
        wrapper._chajian_requires = (allowed, assurance)
        wrapper._chajian_national_may_write = national_may_write
        return wrapper

    return decorator


ANY_CUSTOMS = tuple(CUSTOMS_ROLES)
EVERYONE = tuple(Role)
