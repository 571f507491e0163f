"""Which users and enterprises an administrator manages: those of the administrator's own district.

An enterprise belongs to the district in its `district_code` (its 主管海关); an enterprise user to its
enterprise's district; customs users and system clients to their `district_code`. Objects of another
district are refused as not found (their existence is not revealed); creating one there is forbidden.
"""

from __future__ import annotations

from backend.core.auth import Actor
from backend.core.permissions import can_see
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import errors  # noqa: F401
from backend.identity.models import District, Enterprise, User


def owning_district(user: User) -> str | None:
    if user.enterprise_id is not None:
        return user.enterprise.district_code
    return user.district_code


def ensure_may_create_in(actor: Actor, district_code: str | None) -> None:
    """403 unless `district_code` is the administrator's own district."""
    if district_code is None or district_code != actor.district_code:
        raise DomainError(
            "identity.district_forbidden", errors={"district_code": [f"must be {actor.district_code}"]}
        )


def managed_enterprise(actor: Actor, enterprise_id: int) -> Enterprise:
    """The enterprise, if in the administrator's district; otherwise resource.not_found."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise DomainError("resource.not_found")
    if not can_see(actor, district_code=enterprise.district_code):
        raise DomainError("resource.not_found")  # not even a parent district's: administration is local
    return enterprise


def managed_user(actor: Actor, user_id: int) -> User:
    """The user, if in the administrator's district; otherwise resource.not_found."""
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError("resource.not_found")
    if not can_see(actor, district_code=owning_district(user)):
        raise DomainError("resource.not_found")
    return user


def managed_users_clause(actor: Actor):
    """A WHERE clause selecting the users this administrator manages."""
    in_district_enterprises = db.select(Enterprise.id).where(Enterprise.district_code == actor.district_code)
    return db.or_(
        db.and_(User.enterprise_id.is_(None), User.district_code == actor.district_code),
        User.enterprise_id.in_(in_district_enterprises),
    )


NATIONAL_DISTRICT_CODE = "0000"  # 海关总署: the root of the district tree


def districts_under(district_code: str) -> frozenset[str]:
    """The code of a district and of every district under it, recursively (海关总署: all of them).

    Handed to core.permissions by create_app: core knows no districts table. The tree is a few hundred
    rows at most, read once per request that asks.
    """
    children: dict[str, list[str]] = {}
    for code, parent in db.session.execute(db.select(District.code, District.parent_code)):
        if parent is not None:
            children.setdefault(parent, []).append(code)
    seen, todo = {district_code}, [district_code]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return frozenset(seen)
