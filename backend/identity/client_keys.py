"""Ed25519 challenge–response login for system clients and devices (no browser, no password).

1. POST /api/v1/auth/key/challenge {key_id, audience}: audience must be this server's PUBLIC_BASE_URL
   (without a trailing slash); the answer holds a single-use nonce valid for CHALLENGE_TTL seconds.
2. The client signs `signed_message(key_id, nonce, audience)`: the UTF-8 bytes of the canonical JSON
   {"aud": audience, "key_id": key_id, "nonce": nonce, "purpose": "chajian-key-login-v1"}
   (keys sorted, separators "," and ":", no spaces), with its Ed25519 private key.
3. POST /api/v1/auth/key/login {key_id, nonce, signature (base64url)}: a token pair with assurance `key`.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.enums import Assurance, Role
from backend.core.models import utcnow
from backend.core.pagination import keyset_page
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import challenges, scope, tokens
from backend.identity.models import ClientKey, User

SIGNING_PURPOSE = "chajian-key-login-v1"


def expected_audience() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def signed_message(*, key_id: str, nonce: str, audience: str) -> bytes:
    """The exact bytes a client signs to log in."""
    payload = {"aud": audience, "key_id": key_id, "nonce": nonce, "purpose": SIGNING_PURPOSE}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_bytes(text: str) -> bytes:
    """Raw 32-byte Ed25519 key from PEM (SubjectPublicKeyInfo) or base64url; else a field error."""
    try:
        if text.lstrip().startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.strip().encode())
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError("not an Ed25519 key")
            return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        raw = _b64url_decode(text.strip())
        Ed25519PublicKey.from_public_bytes(raw)
        return raw
    except (ValueError, TypeError, binascii.Error) as exc:
        raise DomainError("identity.public_key_invalid", errors={"public_key": [str(exc)]}) from exc


def _usable_key(key_id: str) -> ClientKey:
    key = db.session.execute(db.select(ClientKey).where(ClientKey.key_id == key_id)).scalar_one_or_none()
    if key is None or key.revoked_at is not None:
        raise DomainError("auth.key_invalid", detail={"reason": "unknown or revoked key"})
    user = db.session.get(User, key.user_id)
    if not user.active:
        raise DomainError("auth.key_invalid", detail={"reason": "the key's account is deactivated"})
    if user.role != Role.SYSTEM_CLIENT:  # a key attached to a person before the rule existed
        raise DomainError("auth.key_invalid", detail={"reason": "client keys are for system clients only"})
    return key


def issue_challenge(*, key_id: str, audience: str) -> dict:
    """A fresh nonce for this key and audience."""
    if audience.rstrip("/") != expected_audience():
        raise DomainError(
            "identity.audience_invalid", errors={"audience": [f"must be {expected_audience()}"]}
        )
    key = _usable_key(key_id)
    row = challenges.new_challenge(
        purpose=challenges.CLIENT_KEY, user_id=key.user_id, audience=expected_audience()
    )
    body = {"key_id": key_id, "nonce": row.challenge, "audience": row.audience, "expires_at": row.expires_at}
    db.session.commit()
    return body


def login(*, key_id: str, nonce: str, signature: str) -> dict:
    """Verify the signature over (key_id, nonce, audience), spend the nonce; a token pair (`key`)."""
    key = _usable_key(key_id)
    challenge = challenges.live_challenge(value=nonce, purpose=challenges.CLIENT_KEY)
    if challenge.user_id != key.user_id:
        raise DomainError("auth.challenge_invalid", detail={"reason": "unknown"})
    message = signed_message(key_id=key_id, nonce=nonce, audience=challenge.audience)
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(_b64url_decode(signature), message)
    except (InvalidSignature, ValueError, binascii.Error) as exc:
        raise DomainError("auth.key_invalid", detail={"reason": "signature does not verify"}) from exc
    challenges.consume(challenge)
    user = db.session.get(User, key.user_id)
    body = tokens.issue_token_pair(user, Assurance.KEY, client_key_id=key.id)
    record_event(
        action="identity.login",
        entity_type="user",
        entity_id=user.id,
        actor=None,
        after={"assurance": "key", "username": user.username, "method": "client_key", "key_id": key_id},
        district_code=scope.owning_district(user),
    )
    db.session.commit()
    return body


def register_client_key(
    *, actor: Actor, user_id: int, public_key: str, key_id: str | None = None
) -> ClientKey:
    """An administrator registers a public key for a system client of their district.

    Only system-client accounts hold client keys: a key the administrator attaches to a person would be
    a credential the administrator holds for that person (and could log in with, at key assurance).
    """
    user = scope.managed_user(actor, user_id)
    if user.role != Role.SYSTEM_CLIENT:
        raise DomainError(
            "identity.client_key_for_person",
            errors={"user_id": [f"role {user.role} is not system_client / 不是系统客户端账户"]},
        )
    key = ClientKey(
        key_id=key_id or f"ck_{secrets.token_hex(8)}",
        user_id=user.id,
        public_key=public_key_bytes(public_key),
    )
    db.session.add(key)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DomainError("identity.key_exists", errors={"key_id": ["already registered"]}) from exc
    record_event(
        action="identity.client_key_registered",
        entity_type="client_key",
        entity_id=key.id,
        actor=actor,
        after={"key_id": key.key_id, "user_id": user.id},
    )
    db.session.commit()
    return key


def _managed_key(actor: Actor, client_key_id: int) -> ClientKey:
    key = db.session.get(ClientKey, client_key_id)
    if key is None:
        raise DomainError("resource.not_found")
    scope.managed_user(actor, key.user_id)
    return key


def revoke_client_key(*, actor: Actor, client_key_id: int) -> ClientKey:
    """Revoke a key (kept for the record); nonces already issued for it stop working too, and the
    sessions it opened end (their access and refresh tokens are revoked)."""
    key = _managed_key(actor, client_key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        tokens.revoke_key_sessions(client_key_id=key.id)
        record_event(
            action="identity.client_key_revoked",
            entity_type="client_key",
            entity_id=key.id,
            actor=actor,
            before={"revoked": False},
            after={"revoked": True, "key_id": key.key_id},
        )
    db.session.commit()
    return key


def list_client_keys(
    *, actor: Actor, user_id: int | None = None, limit: int = 50, after_id: int | None = None
) -> list[ClientKey]:
    """Keys of the users this administrator manages."""
    managed = db.select(User.id).where(scope.managed_users_clause(actor))
    query = db.select(ClientKey).where(ClientKey.user_id.in_(managed))
    if user_id is not None:
        query = query.where(ClientKey.user_id == user_id)
    return keyset_page(query, id_column=ClientKey.id, limit=limit, cursor=after_id, descending=False)[0]
