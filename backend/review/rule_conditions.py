"""A rule's conditions as one line of text, for administrators who type rather than tick boxes.

    hs:4421,4419 dest:USA,JPN grade:general category:plant

Clauses are separated by spaces; each is `kind:value,value…`. Kinds: hs (HS/CIQ code prefixes, 2–13
digits), dest (ISO 3166 alpha-3 destination countries), grade (enterprise credit grades), category
(goods categories of the e-record validity catalog). A clause that does not parse is refused with its
position (1-based character column), so the screen can point at it.
"""

from __future__ import annotations

import re

from backend.errors import DomainError

KINDS = {
    "hs": ("hs_prefixes", re.compile(r"\d{2,13}")),
    "dest": ("destination_countries", re.compile(r"[A-Z]{3}")),
    "grade": ("credit_grades", re.compile(r"advanced|general|dishonest")),
    "category": ("goods_categories", re.compile(r"[A-Za-z0-9_]{1,20}")),
}
_CLAUSE = re.compile(r"\S+")


def _refuse(position: int, reason: str) -> DomainError:
    return DomainError(
        "risk_rule.unparsable",
        position=position,
        reason=reason,
        errors={"conditions": [f"{position}: {reason}"]},
        detail={"position": position, "reason": reason},
    )


def parse_conditions(text: str) -> dict[str, list[str]]:
    """The condition lists named by `text` (kinds not named are empty: "any")."""
    parsed: dict[str, list[str]] = {field: [] for field, _ in KINDS.values()}
    seen: set[str] = set()
    for clause in _CLAUSE.finditer(text):
        start = clause.start() + 1
        kind, colon, values = clause.group().partition(":")
        if not colon:
            raise _refuse(start, f"expected kind:value, got {clause.group()!r}")
        if kind not in KINDS:
            raise _refuse(start, f"unknown condition {kind!r} (hs, dest, grade, category)")
        if kind in seen:
            raise _refuse(start, f"condition {kind!r} given twice")
        seen.add(kind)
        field, pattern = KINDS[kind]
        offset = start + len(kind) + 1
        for value in values.split(","):
            if not pattern.fullmatch(value):
                raise _refuse(offset, f"{kind}: invalid value {value!r}")
            if value not in parsed[field]:
                parsed[field].append(value)
            offset += len(value) + 1
    return parsed


def format_conditions(rule) -> str:
    """The text form of a rule's conditions (what parse_conditions reads back)."""
    clauses = []
    for kind, (field, _) in KINDS.items():
        values = getattr(rule, field) or []
        if values:
            clauses.append(f"{kind}:{','.join(values)}")
    return " ".join(clauses)
