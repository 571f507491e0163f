"""Administrators manage their district's risk rules: create, list, update, deactivate."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.declarations.catalog_validity import GoodsCategory
from backend.errors import DomainError
from backend.extensions import db
from backend.instructions.catalog import INSPECTION_ITEMS
from backend.review import errors  # noqa: F401  (registers the codes)
from backend.review.models import RiskRule
from backend.review.rule_conditions import parse_conditions

AUDITED = (
    "name_zh",
    "name_en",
    "hs_prefixes",
    "destination_countries",
    "credit_grades",
    "goods_categories",
    "inspection_items",
    "sampling_rate",
    "priority",
    "valid_from",
    "valid_until",
    "active",
)


def _snapshot(rule: RiskRule) -> dict:
    values = {}
    for name in AUDITED:
        value = getattr(rule, name)
        if isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[name] = value
    return values


def _validate(rule: RiskRule) -> None:
    unknown = [code for code in rule.inspection_items if code not in INSPECTION_ITEMS]
    if unknown:
        raise DomainError(
            "risk_rule.unknown_item",
            codes=", ".join(unknown),
            errors={"inspection_items": [f"unknown: {', '.join(unknown)}"]},
        )
    check_categories(rule.goods_categories)
    if rule.valid_from and rule.valid_until and rule.valid_until <= rule.valid_from:
        raise DomainError("risk_rule.invalid_period", errors={"valid_until": ["must be after valid_from"]})


def check_categories(categories: list[str]) -> None:
    """Refuse goods categories the e-record validity catalog does not know."""
    known = set(db.session.execute(sa.select(GoodsCategory.code)).scalars())
    unknown = [code for code in categories if code not in known]
    if unknown:
        raise DomainError(
            "risk_rule.unknown_category",
            codes=", ".join(unknown),
            errors={"goods_categories": [f"unknown: {', '.join(unknown)}"]},
        )


def _with_conditions(fields: dict) -> dict:
    """`conditions` given as text replaces the four condition lists."""
    text = fields.pop("conditions", None)
    if text is not None:
        fields.update(parse_conditions(text))
    return fields


def _rate(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def create_rule(*, actor: Actor, **fields) -> RiskRule:
    """A new rule of the administrator's district."""
    _with_conditions(fields)
    fields["sampling_rate"] = _rate(fields["sampling_rate"])
    rule = RiskRule(district_code=actor.district_code, created_by_id=actor.user_id, **fields)
    for name in (
        "hs_prefixes",
        "destination_countries",
        "credit_grades",
        "goods_categories",
        "inspection_items",
    ):
        if getattr(rule, name) is None:
            setattr(rule, name, [])
    if rule.active is None:
        rule.active = True
    if rule.priority is None:
        rule.priority = 3
    _validate(rule)
    db.session.add(rule)
    db.session.flush()
    record_event(
        action="risk_rule.created",
        entity_type="risk_rule",
        entity_id=rule.id,
        actor=actor,
        after=_snapshot(rule),
    )
    db.session.commit()
    return rule


def list_rules(*, actor: Actor, active: bool | None = None) -> list[RiskRule]:
    """The district's rules by priority."""
    query = sa.select(RiskRule).where(RiskRule.district_code == actor.district_code)
    if active is not None:
        query = query.where(RiskRule.active.is_(active))
    return list(db.session.execute(query.order_by(RiskRule.priority, RiskRule.id)).scalars())


def get_rule(*, actor: Actor, rule_id: int, for_update: bool = False) -> RiskRule:
    query = sa.select(RiskRule).where(RiskRule.id == rule_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    rule = db.session.execute(query).scalar_one_or_none()
    if rule is None or rule.district_code != actor.district_code:
        raise DomainError("resource.not_found")
    return rule


def update_rule(*, actor: Actor, rule_id: int, expected_version: int, **changes) -> RiskRule:
    """Change a rule; earlier hits keep the rule version they were evaluated with."""
    rule = get_rule(actor=actor, rule_id=rule_id, for_update=True)
    if expected_version != rule.version:
        raise DomainError("risk_rule.version_conflict", detail={"current_version": rule.version})
    before = _snapshot(rule)
    _with_conditions(changes)
    if "sampling_rate" in changes:
        changes["sampling_rate"] = _rate(changes["sampling_rate"])
    for name, value in changes.items():
        setattr(rule, name, [] if value is None and name in AUDITED[2:7] else value)
    _validate(rule)
    rule.version += 1
    record_event(
        action="risk_rule.updated",
        entity_type="risk_rule",
        entity_id=rule.id,
        actor=actor,
        before=before,
        after=_snapshot(rule),
    )
    db.session.commit()
    return rule


def deactivate_rule(*, actor: Actor, rule_id: int, expected_version: int | None = None) -> RiskRule:
    """Switch a rule off (it is kept: its hits still name it)."""
    rule = get_rule(actor=actor, rule_id=rule_id, for_update=True)
    if expected_version is not None and expected_version != rule.version:
        raise DomainError("risk_rule.version_conflict", detail={"current_version": rule.version})
    if rule.active:
        rule.active = False
        rule.version += 1
        record_event(
            action="risk_rule.deactivated",
            entity_type="risk_rule",
            entity_id=rule.id,
            actor=actor,
            before={"active": True},
            after={"active": False},
        )
    db.session.commit()
    return rule
