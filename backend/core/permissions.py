"""Object-level access, decided in one place: whose data may this actor touch?

Two questions, answered here only:
- *may it read?* (`can_read`, `ensure_can_read`, `visible_district_codes`, `district_clause`): a
  customs user reads its own district and, at a 直属海关, every subordinate 隶属海关 (recursively); a
  user of the national level (海关总署) reads everything.
- *may it act?* (`can_see`, `ensure_can_see`): writes stay with the district that owns the work.

The port of exit (口岸海关): customs users of a district that holds a port also read the e-records and
certificates declared to leave through it, whoever issued them. Callers opt in by passing the object's
port as `exit_port=` (`can_read`, `ensure_can_read`); nothing else (the application itself, its
receipts, acting on it) widens.

Core knows no districts or ports table: create_app() hands in identity's `districts_under(code)` (the
codes of a district and of every district under it), the national level's code, and catalogs'
`ports_held_by(codes)` (the port codes the districts hold) (init_app).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from backend.core.enums import Role
from backend.errors import DomainError, register_errors

if TYPE_CHECKING:
    from backend.core.auth import Actor

_DISTRICTS_UNDER = "chajian.districts_under"
_NATIONAL_CODE = "chajian.national_district_code"

DistrictsUnder = Callable[[str], frozenset[str]]  # code -> the codes under it, itself included
PortsHeldBy = Callable[[frozenset[str]], frozenset[str]]  # district codes -> the ports they hold
_PORTS_HELD_BY = "chajian.ports_held_by"

register_errors(
    {
        "scope.national_read_only": (
            403,
            "总署层级账号只能查看，不能办理业务。",
            "National-level (General Administration) accounts may read, not act.",
        ),
        "scope.read_only_district": (
            403,
            "该业务属于下级关区，只能查看，由所属关区办理。",
            "This work belongs to a subordinate district: you may read it; its own district acts on it.",
        ),
        "scope.district_outside": (
            403,
            "所选关区不在您的查看范围内。",
            "The chosen district is outside what you may see.",
        ),
    }
)


def init_app(
    app, *, districts_under: DistrictsUnder, national_code: str, ports_held_by: PortsHeldBy | None = None
) -> None:
    """Hand in identity's district tree (which codes lie under a district, the national level's code)
    and catalogs' port table (which ports the districts hold)."""
    app.extensions[_DISTRICTS_UNDER] = districts_under
    app.extensions[_NATIONAL_CODE] = national_code
    app.extensions[_PORTS_HELD_BY] = ports_held_by


def districts_under(district_code: str) -> frozenset[str]:
    """The code and every code under it in the district tree (cached for the request)."""
    # Cached on the request (not on g: tests run many requests inside one app context).
    cache = request.environ.setdefault("chajian.districts_under", {}) if has_request_context() else {}
    if district_code not in cache:
        resolver = current_app.extensions.get(_DISTRICTS_UNDER)
        cache[district_code] = resolver(district_code) if resolver else frozenset({district_code})
    return cache[district_code]


def _scope_of(district_code: str) -> frozenset[str] | None:
    if district_code == current_app.extensions.get(_NATIONAL_CODE):
        return None
    return districts_under(district_code)


def visible_district_codes(actor: Actor) -> frozenset[str] | None:
    """The districts whose work this actor may READ; None means every district (the national level).

    Customs users: their district and all its subordinates. System clients: None (each endpoint narrows
    what they may do). Enterprise users read by enterprise, not by district: the empty set.
    """
    if actor.role == Role.SYSTEM_CLIENT:
        return None
    if actor.role == Role.ENTERPRISE or actor.district_code is None:
        return frozenset()
    return _scope_of(actor.district_code)


def exit_ports(actor: Actor) -> frozenset[str] | None:
    """The ports of exit whose e-records and certificates this customs user reads (口岸海关): those held
    by the districts it reads; None means every port (the national level). Others: the empty set."""
    if not actor.is_customs or actor.district_code is None:
        return frozenset()
    codes = visible_district_codes(actor)
    if codes is None:
        return None
    resolver = current_app.extensions.get(_PORTS_HELD_BY)
    if resolver is None or not codes:
        return frozenset()
    cache = request.environ.setdefault("chajian.exit_ports", {}) if has_request_context() else {}
    key = tuple(sorted(codes))
    if key not in cache:
        cache[key] = resolver(codes)
    return cache[key]


def is_national(actor: Actor) -> bool:
    """A customs user of the national level (海关总署): reads everything, acts on nothing."""
    return (
        actor.is_customs
        and actor.district_code is not None
        and actor.district_code == current_app.extensions.get(_NATIONAL_CODE)
    )


def district_clause(actor: Actor, column) -> sa.ColumnElement[bool]:
    """A WHERE clause keeping the rows whose `column` (a district code) the actor may read."""
    codes = visible_district_codes(actor)
    if codes is None:
        return sa.true()
    if len(codes) == 1:
        return column == next(iter(codes))
    return column.in_(sorted(codes))


def narrowed_districts(actor: Actor, district_code: str | None) -> frozenset[str] | None:
    """The readable districts, narrowed to `district_code` and its subordinates when one is asked for.

    A district outside the actor's scope is refused (403 scope.district_outside).
    """
    visible = visible_district_codes(actor)
    if district_code is None:
        return visible
    if visible is not None and district_code not in visible:
        raise DomainError("scope.district_outside", errors={"district": ["outside your scope"]})
    wanted = _scope_of(district_code)
    return wanted if wanted is not None else visible


def can_see(
    actor: Actor,
    *,
    enterprise_id: int | None = None,
    principal_enterprise_id: int | None = None,
    district_code: str | None = None,
    inspector_id: int | None = None,
) -> bool:
    """True when the object owned by this enterprise / district / inspector is the actor's to act on."""
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


def can_read(actor: Actor, *, exit_port: str | None = None, **owner) -> bool:
    """True when the actor may read the object: as `can_see`, widened to the districts under its own
    and, where the caller names the object's port of exit, to the customs of that port (口岸海关)."""
    if can_see(actor, **owner):
        return True
    if not actor.is_customs or (actor.role == Role.INSPECTOR and owner.get("inspector_id") is not None):
        return False
    district_code = owner.get("district_code")
    if district_code is None:
        return False
    codes = visible_district_codes(actor)
    if codes is None or district_code in codes:
        return True
    if exit_port is None:
        return False
    ports = exit_ports(actor)
    return ports is None or exit_port in ports


def _owner(obj, owner: dict) -> dict:
    if obj is None:
        return owner
    return {
        key: getattr(obj, key)
        for key in ("enterprise_id", "principal_enterprise_id", "district_code", "inspector_id")
        if hasattr(obj, key)
    } | owner


def ensure_can_see(actor: Actor, obj=None, **owner) -> None:
    """Raise unless the actor may act on the object: 404 resource.not_found when it may not even read it,
    403 when it only reads it (a parent district's, or the national level's, view of another's work).

    Pass either the object (its enterprise_id / district_code / inspector_id attributes are read) or the
    owner keywords directly.
    """
    if obj is None and not owner:
        raise DomainError("resource.not_found")
    owner = _owner(obj, owner)
    exit_port = owner.pop("exit_port", None)
    if can_see(actor, **owner):
        return
    if can_read(actor, exit_port=exit_port, **owner):
        raise DomainError("scope.national_read_only" if is_national(actor) else "scope.read_only_district")
    raise DomainError("resource.not_found")


def ensure_can_read(actor: Actor, obj=None, **owner) -> None:
    """Raise resource.not_found (404) unless the actor may read the object (see `can_read`)."""
    if obj is None and not owner:
        raise DomainError("resource.not_found")
    if not can_read(actor, **_owner(obj, owner)):
        raise DomainError("resource.not_found")
