"""Administration of the organisation: districts, enterprises and their qualifications.

Administrators manage the enterprises of their own district (backend.identity.scope). Every change
writes an audit row with before/after in the same transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.china_time import china_date
from backend.core.models import utcnow
from backend.core.pagination import keyset_page
from backend.errors import DomainError
from backend.extensions import db
from backend.identity import scope
from backend.identity.models import District, Enterprise, Qualification, QualificationType

ENTERPRISE_SEARCHED = (Enterprise.customs_code, Enterprise.name_zh, Enterprise.name_en)
ENTERPRISE_FIELDS = (
    "customs_code",
    "name_zh",
    "name_en",
    "credit_grade",
    "district_code",
    "address",
    "contact_name",
    "contact_phone",
)
QUALIFICATION_FIELDS = ("enterprise_id", "type_code", "number", "holder_name", "valid_from", "valid_until")


def snapshot(obj, fields: tuple[str, ...]) -> dict:
    """The audited view of an object: the named fields, dates as ISO strings."""
    values = {}
    for name in fields:
        value = getattr(obj, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def _flush_unique(error: str, field: str) -> None:
    """Flush; a unique-constraint clash rolls everything back and becomes a 409 naming the field."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DomainError(error, errors={field: ["already exists"]}) from exc


def list_districts() -> list[District]:
    return list(db.session.execute(db.select(District).order_by(District.code)).scalars())


def create_enterprise(*, actor: Actor, district_code: str | None = None, **fields) -> Enterprise:
    """Register an enterprise in the administrator's district."""
    district_code = district_code or actor.district_code
    scope.ensure_may_create_in(actor, district_code)
    enterprise = Enterprise(district_code=district_code, **fields)
    db.session.add(enterprise)
    _flush_unique("identity.enterprise_exists", "customs_code")
    record_event(
        action="identity.enterprise_created",
        entity_type="enterprise",
        entity_id=enterprise.id,
        actor=actor,
        after=snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    db.session.commit()
    return enterprise


def list_enterprises(
    *,
    actor: Actor,
    customs_code: str | None = None,
    q: str | None = None,
    limit: int = 50,
    after_id: int | None = None,
) -> list[Enterprise]:
    query = db.select(Enterprise).where(Enterprise.district_code == actor.district_code)
    if customs_code:
        query = query.where(Enterprise.customs_code == customs_code)
    if q:
        query = query.where(sa.or_(*(column.icontains(q, autoescape=True) for column in ENTERPRISE_SEARCHED)))
    return keyset_page(query, id_column=Enterprise.id, limit=limit, cursor=after_id, descending=False)[0]


def get_enterprise(*, actor: Actor, enterprise_id: int) -> Enterprise:
    return scope.managed_enterprise(actor, enterprise_id)


def update_enterprise(*, actor: Actor, enterprise_id: int, **changes) -> Enterprise:
    """Change an enterprise's data (not its district)."""
    enterprise = scope.managed_enterprise(actor, enterprise_id)
    before = snapshot(enterprise, ENTERPRISE_FIELDS)
    for name, value in changes.items():
        setattr(enterprise, name, value)
    _flush_unique("identity.enterprise_exists", "customs_code")
    record_event(
        action="identity.enterprise_updated",
        entity_type="enterprise",
        entity_id=enterprise.id,
        actor=actor,
        before=before,
        after=snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    db.session.commit()
    return enterprise


def expiring_qualifications(*, actor: Actor, days: int = 60, today: date | None = None) -> list[dict]:
    """Qualifications of the district's enterprises that expire within `days` (or have expired), soonest
    first, each with its enterprise and the days left (negative once expired)."""
    today = today or china_date(utcnow())  # the district's day, whatever the server's time zone
    rows = db.session.execute(
        db.select(Qualification, Enterprise)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(
            Enterprise.district_code == actor.district_code,
            Qualification.valid_until.is_not(None),
            Qualification.valid_until <= today + timedelta(days=days),
        )
        .order_by(Qualification.valid_until, Qualification.id)
    ).all()
    return [
        {
            "qualification": qualification,
            "enterprise_id": enterprise.id,
            "enterprise_name": enterprise.name_zh,
            "customs_code": enterprise.customs_code,
            "days_left": (qualification.valid_until - today).days,
        }
        for qualification, enterprise in rows
    ]


def list_qualifications(*, actor: Actor, enterprise_id: int) -> list[Qualification]:
    return list(scope.managed_enterprise(actor, enterprise_id).qualifications)


def add_qualification(*, actor: Actor, enterprise_id: int, type_code: str, **fields) -> Qualification:
    """Record a registration or filing the enterprise holds (type from the QualificationType catalog)."""
    enterprise = scope.managed_enterprise(actor, enterprise_id)
    if db.session.get(QualificationType, type_code) is None:
        raise DomainError(
            "request.invalid", errors={"type_code": ["资质类型不存在 / unknown qualification type"]}
        )
    qualification = Qualification(enterprise_id=enterprise.id, type_code=type_code, **fields)
    db.session.add(qualification)
    _flush_unique("identity.qualification_exists", "number")
    record_event(
        action="identity.qualification_added",
        entity_type="qualification",
        entity_id=qualification.id,
        actor=actor,
        after=snapshot(qualification, QUALIFICATION_FIELDS),
    )
    db.session.commit()
    return qualification


def update_qualification(
    *, actor: Actor, enterprise_id: int, qualification_id: int, **changes
) -> Qualification:
    """Correct a qualification's number, holder or validity."""
    enterprise = scope.managed_enterprise(actor, enterprise_id)
    qualification = db.session.get(Qualification, qualification_id)
    if qualification is None or qualification.enterprise_id != enterprise.id:
        raise DomainError("resource.not_found")
    before = snapshot(qualification, QUALIFICATION_FIELDS)
    start = changes.get("valid_from", qualification.valid_from)
    end = changes.get("valid_until", qualification.valid_until)
    if start and end and end < start:
        raise DomainError("request.invalid", errors={"valid_until": ["valid_until is before valid_from"]})
    for name, value in changes.items():
        setattr(qualification, name, value)
    _flush_unique("identity.qualification_exists", "number")
    record_event(
        action="identity.qualification_updated",
        entity_type="qualification",
        entity_id=qualification.id,
        actor=actor,
        before=before,
        after=snapshot(qualification, QUALIFICATION_FIELDS),
    )
    db.session.commit()
    return qualification
