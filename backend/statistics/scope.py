"""Which districts a caller's statistics count: the asked district with its subordinates, within scope.

The visible set comes from the one scope helper (h4's `visible_district_codes`) once it lands; until
then `_visible` resolves it here from District.parent_code: a district's users see it and its
subordinates (直属海关 → 隶属海关).
"""

from __future__ import annotations

from backend.core.auth import Actor
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import District
from backend.statistics import errors  # noqa: F401


def _district_tree() -> dict[str, str | None]:
    return dict(db.session.execute(db.select(District.code, District.parent_code)).all())


def _with_subordinates(code: str, tree: dict[str, str | None]) -> set[str]:
    found, frontier = {code}, {code}
    while frontier:
        frontier = {child for child, parent in tree.items() if parent in frontier and child not in found}
        found |= frontier
    return found


def _visible(actor: Actor, tree: dict[str, str | None]) -> set[str] | None:
    if actor.district_code is None:
        return set()
    return _with_subordinates(actor.district_code, tree)


def counted_districts(actor: Actor, district: str | None) -> list[str] | None:
    """The district codes to count (None: all); 403 when `district` lies outside the caller's scope."""
    tree = _district_tree()
    visible = _visible(actor, tree)
    if district is None:
        return None if visible is None else sorted(visible)
    if district not in tree or (visible is not None and district not in visible):
        raise DomainError("statistics.district_out_of_scope", district=district)
    return sorted(_with_subordinates(district, tree))
