"""Risk-rule evaluation on approval: explainable (each matched condition named) and reproducible (the
random draw is derived from a server secret, the rule and the inspection number, never from a RNG).
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa
from flask import current_app

from backend.core.models import utcnow
from backend.core.secrets import derive_key
from backend.declarations.catalog_validity import line_category, prefix_table
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.review.models import RiskRule, RuleHit

_TWO_64 = Decimal(2**64)
_PLACES = Decimal(1).scaleb(-20)


DRAW_KEY_PURPOSE = b"chajian risk draw v1"


def draw_secret() -> bytes:
    """The HMAC key of the draws: RISK_DRAW_SECRET itself if configured, else a key derived from
    SECRET_KEY for this purpose only (HKDF, info "chajian risk draw v1")."""
    configured = current_app.config.get("RISK_DRAW_SECRET")
    if configured:
        return configured.encode()
    return derive_key(current_app.config["SECRET_KEY"], purpose=DRAW_KEY_PURPOSE)


def draw_for(rule_id: int, inspection_no: str) -> tuple[str, str, Decimal]:
    """(draw input, first 64 bits of the HMAC in hex, the number in [0, 1)) for a rule and an application."""
    message = f"risk_rule:{rule_id}|inspection_no:{inspection_no}"
    digest = hmac.new(draw_secret(), message.encode(), hashlib.sha256).hexdigest()[:16]
    value = (Decimal(int(digest, 16)) / _TWO_64).quantize(_PLACES, rounding=ROUND_DOWN)
    return message, digest, value


def active_rules(district_code: str, now=None) -> list[RiskRule]:
    """Rules of the district that are active and inside their validity period, by priority."""
    now = now or utcnow()
    query = (
        sa.select(RiskRule)
        .where(
            RiskRule.district_code == district_code,
            RiskRule.active.is_(True),
            sa.or_(RiskRule.valid_from.is_(None), RiskRule.valid_from <= now),
            sa.or_(RiskRule.valid_until.is_(None), RiskRule.valid_until > now),
        )
        .order_by(RiskRule.priority, RiskRule.id)
    )
    return list(db.session.execute(query).scalars())


def match_reasons(
    rule: RiskRule, declaration: Declaration, credit_grade: str, table: dict
) -> list[dict] | None:
    """The conditions of `rule` that the application meets, or None when one condition kind fails."""
    reasons: list[dict] = []
    if rule.hs_prefixes:
        found = [
            {"condition": "hs_prefix", "value": prefix, "line_no": line.line_no, "code": code}
            for line in declaration.goods
            for prefix in rule.hs_prefixes
            for code in {line.hs_code or "", line.ciq_code or ""}
            if code and code.startswith(prefix)
        ]
        if not found:
            return None
        reasons += _unique(found)
    if rule.destination_countries:
        if declaration.destination_country not in rule.destination_countries:
            return None
        reasons.append({"condition": "destination_country", "value": declaration.destination_country})
    if rule.credit_grades:
        if credit_grade not in rule.credit_grades:
            return None
        reasons.append({"condition": "credit_grade", "value": credit_grade})
    if rule.goods_categories:
        found = [
            {"condition": "goods_category", "value": category, "line_no": line.line_no}
            for line in declaration.goods
            if (category := line_category(line, table=table)) in rule.goods_categories
        ]
        if not found:
            return None
        reasons += found
    if not reasons:
        reasons.append({"condition": "all", "value": "random_sampling"})
    return reasons


def _unique(reasons: list[dict]) -> list[dict]:
    seen, result = set(), []
    for reason in sorted(reasons, key=lambda r: (r["line_no"], r["value"], r["code"])):
        key = (reason["line_no"], reason["value"])
        if key not in seen:
            seen.add(key)
            result.append(reason)
    return result


def _matching(declaration: Declaration, now) -> list[tuple[RiskRule, list[dict], str, str, Decimal]]:
    """(rule, reasons, draw input, draw hex, draw) for every active rule the application matches."""
    credit_grade = db.session.get(Enterprise, declaration.enterprise_id).credit_grade
    table = prefix_table()
    matches = []
    for rule in active_rules(declaration.district_code, now):
        reasons = match_reasons(rule, declaration, credit_grade, table)
        if reasons is None:
            continue
        message, digest, value = draw_for(rule.id, declaration.inspection_no)
        matches.append((rule, reasons, message, digest, value))
    return matches


def evaluate_rules(*, declaration: Declaration) -> list[RuleHit]:
    """Add a RuleHit for every active rule the application matches (selected or not); the caller commits."""
    now = utcnow()
    hits = []
    for rule, reasons, message, digest, value in _matching(declaration, now):
        hit = RuleHit(
            declaration_id=declaration.id,
            declaration_version=declaration.version,
            rule_id=rule.id,
            rule_version=rule.version,
            evaluated_at=now,
            reasons=reasons,
            draw_input=message,
            draw_hex=digest,
            draw=value,
            sampling_rate=rule.sampling_rate,
            selected=value < Decimal(rule.sampling_rate),
            inspection_items=list(rule.inspection_items),
        )
        db.session.add(hit)
        hits.append(hit)
    db.session.flush()
    return hits


def preview_rules(*, declaration: Declaration) -> list[dict]:
    """What evaluate_rules would record if the application were approved now; nothing is stored.

    The draw is reproducible, so the preview names the same selected rules the approval will (unless a
    rule changes in between).
    """
    now = utcnow()
    return [
        {
            "rule_id": rule.id,
            "rule_version": rule.version,
            "rule": rule,
            "declaration_version": declaration.version,
            "evaluated_at": now,
            "reasons": reasons,
            "draw_input": message,
            "draw_hex": digest,
            "draw": value,
            "sampling_rate": rule.sampling_rate,
            "selected": value < Decimal(rule.sampling_rate),
            "inspection_items": list(rule.inspection_items),
            "instruction_id": None,
        }
        for rule, reasons, message, digest, value in _matching(declaration, now)
    ]
