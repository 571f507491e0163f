"""Object-level access, decided in one place: whose data may this actor touch?"""

from __future__ import annotations

from backend.core.auth import Actor
from backend.core.enums import Role
from backend.errors import DomainError


def can_see(
    actor: Actor,
    *,
    enterprise_id: int | None = None,
    principal_enterprise_id: int | None = None,
    district_code: str | None = None,
    inspector_id: int | None = None,
) -> bool:
    """True when the object owned by this enterprise / district / inspector is within the actor's scope."""
    if actor.role == Role.ENTERPRISE:
        # An agent-declared application (代理报检) is seen by the agent and by its principal.
        return actor.enterprise_id is not None and actor.enterprise_id in (
            enterprise_id,
            principal_enterprise_id,
        )
    if actor.role == Role.SYSTEM_CLIENT:
        return True  # system clients act across enterprises; each endpoint narrows what they may do
    if actor.role == Role.INSPECTOR and inspector_id is not None:
        return inspector_id == actor.user_id and district_code in (None, actor.district_code)
    return district_code is not None and district_code == actor.district_code


def ensure_can_see(actor: Actor, obj=None, **owner) -> None:
    """Raise resource.not_found (404) unless the actor may see the object.

    Pass either the object (its enterprise_id / district_code / inspector_id attributes are read) or the
    owner keywords directly.
    """
    if obj is None and not owner:
        raise DomainError("resource.not_found")
    if obj is not None:
        owner = {
            key: getattr(obj, key)
            for key in ("enterprise_id", "principal_enterprise_id", "district_code", "inspector_id")
            if hasattr(obj, key)
        } | owner
    if not can_see(actor, **owner):
        raise DomainError("resource.not_found")
