"""RiskRule (布控规则) and RuleHit: which rule matched an application, why, and the random draw."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import JSONType, TimestampMixin, UTCDateTime, VersionedMixin, db, utcnow


class RiskRule(TimestampMixin, VersionedMixin, db.Model):
    """A district's rule: conditions (all given kinds must match), the items it requires, a sampling rate."""

    __tablename__ = "risk_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    # Conditions; an empty list means "any". Within a kind any value matches, across kinds all must.
    hs_prefixes: Mapped[list] = mapped_column(JSONType, default=list)
    destination_countries: Mapped[list] = mapped_column(JSONType, default=list)
    credit_grades: Mapped[list] = mapped_column(JSONType, default=list)
    goods_categories: Mapped[list] = mapped_column(JSONType, default=list)
    # Inspection item codes from backend.instructions.catalog.
    inspection_items: Mapped[list] = mapped_column(JSONType, default=list)
    sampling_rate: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4))
    priority: Mapped[int] = mapped_column(sa.Integer, default=3)  # 1 highest … 5 lowest
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


class RuleHit(db.Model):
    """One matching rule at one evaluation: the matched conditions, the draw and whether it selected.

    The draw is HMAC-SHA256(server secret, draw_input) read as a number in [0, 1), so evaluating the
    same rule for the same inspection number again gives the same answer.
    """

    __tablename__ = "rule_hit"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration.id"), index=True)
    declaration_version: Mapped[int] = mapped_column(sa.Integer)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("risk_rule.id"), index=True)
    rule_version: Mapped[int] = mapped_column(sa.Integer)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # [{"condition": "hs_prefix", "value": "4419", "line_no": 1, "code": "4419121000"}, …]
    reasons: Mapped[list] = mapped_column(JSONType)
    draw_input: Mapped[str] = mapped_column(sa.String(100))
    draw_hex: Mapped[str] = mapped_column(sa.String(16))  # the first 64 bits of the HMAC
    draw: Mapped[Decimal] = mapped_column(sa.Numeric(21, 20))
    sampling_rate: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4))
    selected: Mapped[bool] = mapped_column(sa.Boolean)
    inspection_items: Mapped[list] = mapped_column(JSONType)
    instruction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instruction.id"))

    rule: Mapped[RiskRule] = relationship()
