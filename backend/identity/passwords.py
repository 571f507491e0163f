"""Argon2id password hashing, at the cost Config.PASSWORD_HASH_PROFILE names (RFC 9106's by default)."""

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from backend.config import Config


def _hasher_for(profile: str) -> PasswordHasher:
    parameters = getattr(profiles, profile, None) if profile.isupper() else None
    if parameters is None:
        raise ValueError(f"PASSWORD_HASH_PROFILE={profile!r} is not one of argon2-cffi's profiles")
    return PasswordHasher.from_parameters(parameters)


_hasher = _hasher_for(Config.PASSWORD_HASH_PROFILE)
# Verified against when the user name is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("chajian-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check: always runs one Argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
