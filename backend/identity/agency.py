"""代理报检授权: the principal lists, grants and revokes; the agent lists what it holds.

An agent enterprise may name another enterprise as applicant or consignor only while that enterprise's
authorisation for the scope is live (granted, not revoked, today within valid_from..valid_to, China
dates). Granting and revoking are audited; a revoked authorisation is kept for the record.
"""

from __future__ import annotations

from datetime import date, timedelta, timezone

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import errors  # noqa: F401  (registers the codes)
from backend.identity.agency_models import SCOPES, AgencyAuthorisation
from backend.identity.models import Enterprise

CHINA_TIME = timezone(timedelta(hours=8), "CST")
MAX_PERIOD_DAYS = 3 * 366  # a broker's mandate is renewed, not open-ended


def china_today() -> date:
    return utcnow().astimezone(CHINA_TIME).date()


def _audit(action: str, row: AgencyAuthorisation, actor: Actor, **after) -> None:
    record_event(
        action=action,
        entity_type="agency_authorisation",
        entity_id=row.id,
        actor=actor,
        after={
            "principal_enterprise_id": row.principal_enterprise_id,
            "agent_enterprise_id": row.agent_enterprise_id,
            "scopes": row.scope_list,
            "valid_from": row.valid_from.isoformat(),
            "valid_to": row.valid_to.isoformat(),
            **after,
        },
    )


def list_authorisations(*, actor: Actor, side: str = "granted", include_revoked: bool = True) -> list:
    """As principal (`granted`: what my enterprise authorised) or as agent (`held`: what I may do)."""
    column = (
        AgencyAuthorisation.principal_enterprise_id
        if side == "granted"
        else AgencyAuthorisation.agent_enterprise_id
    )
    query = db.select(AgencyAuthorisation).where(column == actor.enterprise_id)
    if not include_revoked:
        query = query.where(AgencyAuthorisation.revoked_at.is_(None))
    return list(db.session.execute(query.order_by(AgencyAuthorisation.id.desc())).scalars())


def grant_authorisation(
    *,
    actor: Actor,
    agent_customs_code: str,
    scopes: list[str],
    valid_from: date,
    valid_to: date,
    reason: str | None = None,
) -> AgencyAuthorisation:
    """The caller's enterprise authorises the agent (by its customs code) for `scopes` over the period."""
    agent = db.session.execute(
        db.select(Enterprise).where(Enterprise.customs_code == agent_customs_code)
    ).scalar_one_or_none()
    if agent is None:
        raise DomainError("agency.agent_unknown", errors={"agent_customs_code": [agent_customs_code]})
    if agent.id == actor.enterprise_id:
        raise DomainError("agency.self", errors={"agent_customs_code": ["is your own enterprise / 本企业"]})
    if valid_to < valid_from or valid_to < china_today() or (valid_to - valid_from).days > MAX_PERIOD_DAYS:
        raise DomainError(
            "agency.invalid_period",
            errors={"valid_to": [f"{valid_from}..{valid_to}, max {MAX_PERIOD_DAYS} d"]},
        )
    row = AgencyAuthorisation(
        principal_enterprise_id=actor.enterprise_id,
        agent_enterprise_id=agent.id,
        scopes=",".join(s for s in SCOPES if s in set(scopes)),
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        granted_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    _audit("agency.granted", row, actor, reason=reason)
    db.session.commit()
    return row


def revoke_authorisation(
    *, actor: Actor, authorisation_id: int, reason: str | None = None
) -> AgencyAuthorisation:
    """The principal ends an authorisation now; the agent can no longer submit in its name."""
    row = db.session.get(AgencyAuthorisation, authorisation_id, with_for_update=True)
    if row is None or actor.enterprise_id not in (row.principal_enterprise_id, row.agent_enterprise_id):
        raise DomainError("resource.not_found")
    if row.principal_enterprise_id != actor.enterprise_id:
        raise DomainError("auth.forbidden")  # the agent sees it, only the principal revokes it
    if row.revoked_at is not None:
        raise DomainError("agency.already_revoked")
    row.revoked_at = utcnow()
    row.revoked_by_id = actor.user_id
    row.revoke_reason = reason
    _audit("agency.revoked", row, actor, reason=reason)
    db.session.commit()
    return row


def live_principals(
    *, agent_enterprise_id: int, scope: str, day: date | None = None
) -> dict[str, Enterprise]:
    """Customs code → principal enterprise, for every live authorisation of `scope` the agent holds."""
    day = day or china_today()
    rows = db.session.execute(
        db.select(AgencyAuthorisation).where(
            AgencyAuthorisation.agent_enterprise_id == agent_enterprise_id,
            AgencyAuthorisation.revoked_at.is_(None),
            AgencyAuthorisation.valid_from <= day,
            AgencyAuthorisation.valid_to >= day,
        )
    ).scalars()
    return {row.principal.customs_code: row.principal for row in rows if scope in row.scope_list}
