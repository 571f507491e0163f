"""Security-key login for people (WebAuthn, the seed's IC card / Ikey), built on py_webauthn.

py_webauthn keeps no state: each ceremony's challenge is stored server-side (backend.identity.challenges),
used once, and the new signature counter is saved here. User verification (PIN or biometrics) is
requested and required on both ceremonies. A user's first key is registered with a one-time enrolment
code issued by an administrator (backend.identity.enrolment), from any session; further keys, and
removing keys, need a key session.
"""

from __future__ import annotations

from flask import current_app
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_client_data_json,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.enums import Assurance
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import challenges, enrolment, scope, tokens
from backend.identity.models import User, WebAuthnCredential

# ES256 for nearly every security key, EdDSA for newer ones.
ALGORITHMS = [COSEAlgorithmIdentifier.ECDSA_SHA_256, COSEAlgorithmIdentifier.EDDSA]
_TRANSPORTS = {t.value for t in AuthenticatorTransport}


def _rp() -> tuple[str, list[str]]:
    cfg = current_app.config
    return cfg["WEBAUTHN_RP_ID"], [origin.strip() for origin in cfg["WEBAUTHN_ORIGINS"] if origin.strip()]


def _user_handle(user: User) -> bytes:
    return f"chajian-user-{user.id}".encode()


def _descriptors(keys: list[WebAuthnCredential]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=key.credential_id,
            transports=[
                AuthenticatorTransport(t) for t in (key.transports or "").split(",") if t in _TRANSPORTS
            ],
        )
        for key in keys
    ]


def _keys_of(user_id: int) -> list[WebAuthnCredential]:
    query = db.select(WebAuthnCredential).where(WebAuthnCredential.user_id == user_id)
    return list(db.session.execute(query.order_by(WebAuthnCredential.id)).scalars())


def _challenge_in(credential: dict) -> str:
    """The challenge the browser signed, read from clientDataJSON (verified later by py_webauthn)."""
    try:
        client_data = parse_client_data_json(base64url_to_bytes(credential["response"]["clientDataJSON"]))
    except (WebAuthnException, KeyError, TypeError, ValueError) as exc:
        raise DomainError(
            "identity.webauthn_malformed",
            errors={"credential": ["response.clientDataJSON is missing or malformed"]},
        ) from exc
    return bytes_to_base64url(client_data.challenge)


def _refuse_key(exc: Exception) -> DomainError:
    """A verification failure, with py_webauthn's reason (origin, RP id, signature, counter…)."""
    return DomainError("auth.key_invalid", detail={"reason": str(exc)})


def _is_first_key(actor: Actor, enrolment_code: str | None) -> bool:
    """True for a first key (then `enrolment_code` must be live); a further key needs a key session."""
    if _keys_of(actor.user_id):
        if actor.assurance != Assurance.KEY:
            raise DomainError("auth.key_required")
        return False
    enrolment.check_enrolment_code(user_id=actor.user_id, code=enrolment_code)
    return True


def registration_options(*, actor: Actor, enrolment_code: str | None = None) -> dict:
    """Options for navigator.credentials.create(), with a stored single-use challenge."""
    _is_first_key(actor, enrolment_code)
    user = db.session.get(User, actor.user_id)
    rp_id, _ = _rp()
    row = challenges.new_challenge(purpose=challenges.WEBAUTHN_REGISTER, user_id=user.id)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=current_app.config["WEBAUTHN_RP_NAME"],
        user_name=user.username,
        user_id=_user_handle(user),
        user_display_name=user.display_name,
        challenge=base64url_to_bytes(row.challenge),
        timeout=current_app.config["CHALLENGE_TTL"] * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(_keys_of(user.id)),
        supported_pub_key_algs=ALGORITHMS,
    )
    db.session.commit()
    return {"options": options_to_json_dict(options), "expires_in": current_app.config["CHALLENGE_TTL"]}


def register_key(
    *, actor: Actor, credential: dict, name: str | None = None, enrolment_code: str | None = None
) -> WebAuthnCredential:
    """Verify the authenticator's attestation and save the new key for the caller (a first key uses up
    its enrolment code)."""
    first_key = _is_first_key(actor, enrolment_code)
    challenge = challenges.live_challenge(
        value=_challenge_in(credential), purpose=challenges.WEBAUTHN_REGISTER
    )
    if challenge.user_id != actor.user_id:
        raise DomainError("auth.challenge_invalid", detail={"reason": "unknown"})
    rp_id, origins = _rp()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge.challenge),
            expected_rp_id=rp_id,
            expected_origin=origins,
            require_user_verification=True,
            supported_pub_key_algs=ALGORITHMS,
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as exc:
        raise _refuse_key(exc) from exc
    taken = db.session.execute(
        db.select(WebAuthnCredential.id).where(WebAuthnCredential.credential_id == verified.credential_id)
    ).first()
    if taken:
        raise DomainError("identity.key_exists")
    challenges.consume(challenge)
    if first_key:
        enrolment.consume_enrolment_code(actor=actor, code=enrolment_code)
    transports = credential.get("response", {}).get("transports") or []
    key = WebAuthnCredential(
        user_id=actor.user_id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(t for t in transports if t in _TRANSPORTS)[:200] or None,
        name=name,
    )
    db.session.add(key)
    db.session.flush()
    record_event(
        action="identity.security_key_registered",
        entity_type="user",
        entity_id=actor.user_id,
        actor=actor,
        after={"key_id": key.id, "name": name, "aaguid": verified.aaguid, "attestation": str(verified.fmt)},
    )
    db.session.commit()
    return key


def list_keys(*, actor: Actor) -> list[WebAuthnCredential]:
    """The caller's own security keys."""
    return _keys_of(actor.user_id)


def delete_key(*, actor: Actor, key_id: int) -> None:
    """Remove one of the caller's own keys (a key of anybody else is not found); the sessions it
    opened end with it, the caller's own current one too if that key opened it."""
    key = db.session.get(WebAuthnCredential, key_id)
    if key is None or key.user_id != actor.user_id:
        raise DomainError("resource.not_found")
    record_event(
        action="identity.security_key_removed",
        entity_type="user",
        entity_id=actor.user_id,
        actor=actor,
        before={"key_id": key.id, "name": key.name},
    )
    tokens.revoke_key_sessions(key.id)
    db.session.delete(key)
    db.session.commit()


def login_options(*, username: str) -> dict:
    """Options for navigator.credentials.get(); an unknown user gets options too (no enumeration)."""
    name = username.strip().lower()
    user = db.session.execute(db.select(User).where(User.username == name)).scalar_one_or_none()
    keys = _keys_of(user.id) if user is not None and user.active else []
    rp_id, _ = _rp()
    row = challenges.new_challenge(purpose=challenges.WEBAUTHN_LOGIN, user_id=user.id if user else None)
    options = generate_authentication_options(
        rp_id=rp_id,
        challenge=base64url_to_bytes(row.challenge),
        timeout=current_app.config["CHALLENGE_TTL"] * 1000,
        allow_credentials=_descriptors(keys),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    db.session.commit()
    return {"options": options_to_json_dict(options), "expires_in": current_app.config["CHALLENGE_TTL"]}


def login_with_key(*, credential: dict) -> dict:
    """卡介质登录: verify the assertion, save the counter, spend the challenge; a token pair (`key`)."""
    challenge = challenges.live_challenge(value=_challenge_in(credential), purpose=challenges.WEBAUTHN_LOGIN)
    try:
        raw_id = base64url_to_bytes(credential["rawId"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError("identity.webauthn_malformed", errors={"credential": ["rawId is missing"]}) from exc
    key = db.session.execute(
        db.select(WebAuthnCredential).where(WebAuthnCredential.credential_id == raw_id)
    ).scalar_one_or_none()
    if key is None or challenge.user_id != key.user_id:
        raise DomainError("auth.key_invalid", detail={"reason": "This key is not registered for this user"})
    user = db.session.get(User, key.user_id)
    if not user.active:
        raise DomainError("auth.key_invalid", detail={"reason": "The account is deactivated"})
    rp_id, origins = _rp()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge.challenge),
            expected_rp_id=rp_id,
            expected_origin=origins,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as exc:
        raise _refuse_key(exc) from exc
    challenges.consume(challenge)
    key.sign_count = verified.new_sign_count
    key.last_used_at = utcnow()
    body = tokens.issue_token_pair(user, Assurance.KEY, security_key_id=key.id)
    record_event(
        action="identity.login",
        entity_type="user",
        entity_id=user.id,
        actor=None,
        after={"assurance": "key", "username": user.username, "method": "webauthn", "key_id": key.id},
        district_code=scope.owning_district(user),
    )
    db.session.commit()
    return body
