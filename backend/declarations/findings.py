"""A validation finding: severity, where (path), which rule (stable code), and why in both languages."""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Finding:
    severity: str
    path: str  # "goods[2].hs_code": 0-based indexes, as in the JSON body
    rule: str  # stable, e.g. "goods.qualification_missing"
    message_zh: str
    message_en: str
