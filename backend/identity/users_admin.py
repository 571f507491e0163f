"""Administration of users: create with a role and scope, edit, set a password, (de)activate, and
list or revoke their security keys.

Scope rules: an enterprise user belongs to an enterprise (and no district); customs users and system
clients belong to a district (the administrator's own, by default and by rule). Deactivation and a new
password revoke every token of the user.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.enums import Role
from backend.core.pagination import keyset_page
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import password_policy, scope, tokens
from backend.identity.admin_service import snapshot
from backend.identity.models import User, WebAuthnCredential
from backend.identity.passwords import hash_password

USER_FIELDS = (
    "username",
    "display_name",
    "role",
    "enterprise_id",
    "district_code",
    "active",
    "email",
    "phone",
)


def create_user(
    *,
    actor: Actor,
    username: str,
    display_name: str,
    role: str,
    enterprise_id: int | None = None,
    district_code: str | None = None,
    password: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> User:
    """A new user of `role`, scoped to an enterprise (enterprise role) or a district (all others)."""
    if password:
        password_policy.check_password(password, username=username)
    if Role(role) == Role.ENTERPRISE:
        if enterprise_id is None or district_code is not None:
            raise DomainError(
                "identity.scope_invalid",
                errors={
                    "enterprise_id": ["企业用户须指定企业 / an enterprise user needs enterprise_id"],
                    **({"district_code": ["must be empty for an enterprise user"]} if district_code else {}),
                },
            )
        scope.managed_enterprise(actor, enterprise_id)
    else:
        if enterprise_id is not None:
            raise DomainError(
                "identity.scope_invalid",
                errors={
                    "enterprise_id": ["只有企业用户属于企业 / only enterprise users belong to an enterprise"]
                },
            )
        district_code = district_code or actor.district_code
        scope.ensure_may_create_in(actor, district_code)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        enterprise_id=enterprise_id,
        district_code=district_code,
        email=email,
        phone=phone,
        active=True,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DomainError("identity.username_taken", errors={"username": ["already taken"]}) from exc
    record_event(
        action="identity.user_created",
        entity_type="user",
        entity_id=user.id,
        actor=actor,
        after={**snapshot(user, USER_FIELDS), "password_set": password is not None},
    )
    db.session.commit()
    return user


def list_users(
    *,
    actor: Actor,
    role: str | None = None,
    enterprise_id: int | None = None,
    active: bool | None = None,
    q: str | None = None,
    limit: int = 50,
    after_id: int | None = None,
) -> list[User]:
    """Users this administrator manages, by id; `q` searches user names and display names."""
    query = db.select(User).where(scope.managed_users_clause(actor))
    if q:
        query = query.where(
            db.or_(
                User.username.icontains(q, autoescape=True), User.display_name.icontains(q, autoescape=True)
            )
        )
    for column, value in ((User.role, role), (User.enterprise_id, enterprise_id), (User.active, active)):
        if value is not None:
            query = query.where(column == value)
    return keyset_page(query, id_column=User.id, limit=limit, cursor=after_id, descending=False)[0]


def get_user(*, actor: Actor, user_id: int) -> User:
    return scope.managed_user(actor, user_id)


def update_user(*, actor: Actor, user_id: int, **changes) -> User:
    """Change display name, e-mail or phone."""
    user = scope.managed_user(actor, user_id)
    before = snapshot(user, USER_FIELDS)
    for name, value in changes.items():
        setattr(user, name, value)
    record_event(
        action="identity.user_updated",
        entity_type="user",
        entity_id=user.id,
        actor=actor,
        before=before,
        after=snapshot(user, USER_FIELDS),
    )
    db.session.commit()
    return user


def _not_self(actor: Actor, user: User) -> None:
    if user.id == actor.user_id:
        raise DomainError("identity.self_change_refused")


def set_password(*, actor: Actor, user_id: int, password: str) -> User:
    """Set a new password; the user's sessions end."""
    user = scope.managed_user(actor, user_id)
    _not_self(actor, user)
    password_policy.check_password(password, username=user.username)
    had_password = user.password_hash is not None
    user.password_hash = hash_password(password)
    revoked = tokens.revoke_user_tokens(user.id)
    record_event(
        action="identity.password_set",
        entity_type="user",
        entity_id=user.id,
        actor=actor,
        before={"password_set": had_password},
        after={"password_set": True, "tokens_revoked": revoked},
    )
    db.session.commit()
    return user


def set_active(*, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (every token revoked at once) or reactivate a user."""
    user = scope.managed_user(actor, user_id)
    _not_self(actor, user)
    before = snapshot(user, USER_FIELDS)
    user.active = active
    revoked = 0 if active else tokens.revoke_user_tokens(user.id)
    record_event(
        action="identity.user_reactivated" if active else "identity.user_deactivated",
        entity_type="user",
        entity_id=user.id,
        actor=actor,
        before=before,
        after={**snapshot(user, USER_FIELDS), "tokens_revoked": revoked},
    )
    db.session.commit()
    return user


def list_security_keys(*, actor: Actor, user_id: int) -> list[WebAuthnCredential]:
    """A managed user's security keys (WebAuthn), by id."""
    user = scope.managed_user(actor, user_id)
    query = db.select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
    return list(db.session.execute(query.order_by(WebAuthnCredential.id)).scalars())


def revoke_security_key(*, actor: Actor, user_id: int, security_key_id: int) -> None:
    """Remove a managed user's security key (lost or stolen): it can no longer log in.

    A key of another user, or one already removed, is not found. The sessions opened with the key
    end with it. With no key left the user enrols a new one from a password session
    (backend.identity.webauthn).
    """
    user = scope.managed_user(actor, user_id)
    key = db.session.get(WebAuthnCredential, security_key_id)
    if key is None or key.user_id != user.id:
        raise DomainError("resource.not_found")
    before = {"key_id": key.id, "name": key.name, "last_used_at": _iso(key.last_used_at)}
    # A bulk delete counts the rows it removed: of two concurrent revocations the second is a 404.
    removed = db.session.execute(
        db.delete(WebAuthnCredential)
        .where(WebAuthnCredential.id == key.id, WebAuthnCredential.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed != 1:
        db.session.rollback()
        raise DomainError("resource.not_found")
    db.session.expunge(key)
    tokens.revoke_key_sessions(key.id)
    record_event(
        action="identity.security_key_revoked",
        entity_type="user",
        entity_id=user.id,
        actor=actor,
        before=before,
        after={"keys_left": _key_count(user.id)},
    )
    db.session.commit()


def _key_count(user_id: int) -> int:
    query = db.select(db.func.count(WebAuthnCredential.id)).where(WebAuthnCredential.user_id == user_id)
    return db.session.execute(query).scalar_one()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
