"""Lists of an enterprise's requests to the certificate officers (blank paper, reprints, amendments)."""

from __future__ import annotations

from backend.core.auth import Actor
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause
from backend.extensions import db


def requests_visible_to(
    model, *, actor: Actor, status: str | None = None, limit: int = 50, cursor: int | None = None
) -> list:
    """Rows of `model` (with enterprise_id, district_code, status) of the actor's enterprise, or of
    the officer's district; newest first, `cursor` being the last id of the previous page."""
    query = db.select(model)
    if actor.is_enterprise:
        query = query.where(model.enterprise_id == actor.enterprise_id)
    else:
        query = query.where(district_clause(actor, model.district_code))
    if status is not None:
        query = query.where(model.status == status)
    return keyset_page(query, id_column=model.id, limit=limit, cursor=cursor)[0]
