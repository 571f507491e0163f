"""布控规则预览: run a rule, as drafted, over the district's last N accepted applications before it is
switched on, and show which would have been hit and why. Nothing is stored, nothing is audited."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from backend.core.auth import Actor
from backend.declarations.catalog_validity import prefix_table
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.review.rule_admin import check_categories, get_rule
from backend.review.rule_conditions import format_conditions, parse_conditions
from backend.review.rules import draw_for, match_reasons

CONDITION_FIELDS = ("hs_prefixes", "destination_countries", "credit_grades", "goods_categories")


def _draft(actor: Actor, rule_id: int | None, conditions: str | None, fields: dict) -> SimpleNamespace:
    values = {name: [] for name in CONDITION_FIELDS}
    values["sampling_rate"] = Decimal(1)
    if rule_id is not None:
        rule = get_rule(actor=actor, rule_id=rule_id)
        values.update({name: list(getattr(rule, name) or []) for name in CONDITION_FIELDS})
        values["sampling_rate"] = Decimal(rule.sampling_rate)
    values.update({name: list(fields[name] or []) for name in CONDITION_FIELDS if name in fields})
    if fields.get("sampling_rate") is not None:
        values["sampling_rate"] = Decimal(str(fields["sampling_rate"]))
    if conditions is not None:
        values.update(parse_conditions(conditions))
    check_categories(values["goods_categories"])
    return SimpleNamespace(id=rule_id or 0, **values)


def preview_rule(
    *, actor: Actor, last: int = 50, rule_id: int | None = None, conditions: str | None = None, **fields
) -> dict:
    """Which of the district's last `last` accepted applications the drafted rule would hit.

    `rule_id` starts from a saved rule; the condition lists given (or `conditions` as text) replace its
    own. The draw of a saved rule is the one approval would make; a new rule draws as rule 0.
    """
    rule = _draft(actor, rule_id, conditions, fields)
    declarations = list(
        db.session.execute(
            sa.select(Declaration)
            .where(Declaration.district_code == actor.district_code, Declaration.inspection_no.is_not(None))
            .order_by(Declaration.accepted_at.desc(), Declaration.id.desc())
            .limit(last)
            .options(selectinload(Declaration.goods))
        ).scalars()
    )
    enterprises = {
        e.id: e
        for e in db.session.execute(
            sa.select(Enterprise).where(Enterprise.id.in_({d.enterprise_id for d in declarations}))
        ).scalars()
    }
    table = prefix_table()
    hits = []
    for declaration in declarations:
        enterprise = enterprises[declaration.enterprise_id]
        reasons = match_reasons(rule, declaration, enterprise.credit_grade, table)
        if reasons is None:
            continue
        _, _, draw = draw_for(rule.id, declaration.inspection_no)
        hits.append(
            {
                "declaration_id": declaration.id,
                "inspection_no": declaration.inspection_no,
                "status": declaration.status,
                "accepted_at": declaration.accepted_at,
                "enterprise_name": enterprise.name_zh,
                "destination_country": declaration.destination_country,
                "reasons": reasons,
                "selected": draw < rule.sampling_rate,
            }
        )
    return {
        "checked": len(declarations),
        "matched": len(hits),
        "selected": sum(1 for hit in hits if hit["selected"]),
        "conditions": format_conditions(rule),
        "hits": hits,
    }
