"""The password policy, applied wherever a password is set (administration, a user's own change):

- 10 to 256 characters;
- not one of the common passwords bundled in common_passwords.txt (case-insensitive; Django's list);
- not the user name, nor containing it (case-insensitive);
- not all of one character class (only digits, only lower-case or only upper-case ASCII letters).

And a user's own password change: needs the current password, ends the user's other sessions, audited.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import scope, tokens
from backend.identity.models import User
from backend.identity.passwords import hash_password, verify_password

MIN_LENGTH, MAX_LENGTH = 10, 256
_LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def weakness(password: str, *, username: str | None) -> str | None:
    """Which rule `password` breaks ("length", "common", "username", "one_class"), or None."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return "length"
    folded = password.casefold()
    if folded in common_passwords():
        return "common"
    if username and username.casefold() in folded:
        return "username"
    letters_only = password.isascii() and password.isalpha()
    one_kind_of_letter = letters_only and (password.islower() or password.isupper())
    if password.isdigit() or one_kind_of_letter:
        return "one_class"
    return None


def check_password(password: str, *, username: str | None, field: str = "password") -> None:
    """Refuse a weak password with identity.password_weak (422), naming the rule it breaks."""
    rule = weakness(password, username=username)
    if rule is not None:
        raise DomainError("identity.password_weak", errors={field: [_MESSAGES[rule]]}, detail={"rule": rule})


_MESSAGES = {
    "length": f"密码长度须为 {MIN_LENGTH}–{MAX_LENGTH} / a password has {MIN_LENGTH} to {MAX_LENGTH} "
    "characters",
    "common": "这是常见密码，请换一个 / this is a common password, choose another",
    "username": "密码不得包含用户名 / a password must not contain the user name",
    "one_class": "密码不得只由数字或同一种字母组成 / a password needs more than digits or one kind of letter",
}


def change_own_password(*, actor: Actor, current_password: str, new_password: str) -> None:
    """A user changes their own password: the current one is needed, the new one meets the policy,
    and every other session of the user ends (this one goes on)."""
    user = db.session.get(User, actor.user_id)
    if user is None or not verify_password(user.password_hash, current_password):
        raise DomainError(
            "identity.current_password_wrong",
            errors={"current_password": ["当前密码不正确 / the current password is wrong"]},
        )
    check_password(new_password, username=user.username, field="new_password")
    if verify_password(user.password_hash, new_password):
        raise DomainError(
            "identity.password_weak",
            errors={"new_password": ["新密码须与当前密码不同 / the new password must differ from the old"]},
            detail={"rule": "unchanged"},
        )
    user.password_hash = hash_password(new_password)
    revoked = tokens.revoke_user_tokens(user.id, keep_session_id=actor.session_id)
    record_event(
        action="identity.password_changed",
        entity_type="user",
        entity_id=user.id,
        actor=actor,
        after={"other_sessions_ended": revoked},
        district_code=scope.owning_district(user),
    )
    db.session.commit()
