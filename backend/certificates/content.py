"""CertificateContent: the plain data a certificate carries, independent of any database row.

Sealing, rendering and the ePhyto export all take this structure (or its dict form), so the later
certificate-application workflow only has to fill it in. Quantities are Decimals, never floats; the
dict form writes them as strings so the canonical JSON that gets signed is exact.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Party:
    """Consignor (发货人) or consignee (收货人), in Chinese and a foreign language."""

    name_zh: str | None = None
    name_en: str | None = None
    address_zh: str | None = None
    address_en: str | None = None
    customs_code: str | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class GoodsLine:
    """One line of goods: description, codes, quantity and weight (Decimal), packing."""

    description_zh: str
    description_en: str | None = None
    hs_code: str | None = None
    quantity: Decimal | None = None
    quantity_unit: str | None = None  # UN/ECE Rec 20 code, e.g. KGM, PCE, H87
    net_weight: Decimal | None = None
    weight_unit: str = "KGM"
    packages: int | None = None
    package_kind: str | None = None  # e.g. CT (carton), BG (bag), PK
    package_kind_zh: str | None = None
    origin_place: str | None = None
    scientific_name: str | None = None
    marks: str | None = None


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on and signed in a certificate (the variant — copy, draft — is not content)."""

    certificate_no: str
    type_code: str
    district_code: str
    district_name_zh: str
    district_name_en: str
    issue_date: date
    issue_place_zh: str
    issue_place_en: str
    consignor: Party
    consignee: Party
    goods: tuple[GoodsLine, ...]
    fields: dict[str, str] = field(default_factory=dict)
    export_country_code: str = "CN"
    destination_country_code: str | None = None
    destination_country_zh: str | None = None
    destination_country_en: str | None = None
    port_of_departure: str | None = None
    port_of_destination: str | None = None
    means_of_conveyance: str | None = None
    transport_mode: str | None = None  # UN/ECE Rec 19: 1 sea, 3 road, 4 air
    marks: str | None = None
    inspection_no: str | None = None
    e_record_no: str | None = None
    signatory: str | None = None
    remarks: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict: decimals and dates as strings, no None-valued keys (stable for signing)."""
        return _clean(asdict(self))

    @classmethod
    def from_dict(cls, data: dict) -> CertificateContent:
        """Rebuild from `to_dict()` output (or any dict of the same shape)."""
        values = dict(data)
        values["issue_date"] = date.fromisoformat(values["issue_date"])
        values["consignor"] = Party(**values.get("consignor", {}))
        values["consignee"] = Party(**values.get("consignee", {}))
        values["goods"] = tuple(_goods_line(line) for line in values.get("goods", []))
        values["fields"] = dict(values.get("fields", {}))
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown certificate content keys: {sorted(unknown)}")
        return cls(**values)


def _goods_line(data: dict) -> GoodsLine:
    values = dict(data)
    for key in ("quantity", "net_weight"):
        if isinstance(values.get(key), float):
            raise TypeError(f"{key}: floats are not allowed in certificate content; use a decimal string")
        if values.get(key) is not None:
            values[key] = Decimal(str(values[key]))
    return GoodsLine(**values)


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("floats are not allowed in certificate content; use Decimal")
    return value


def format_decimal(value: str | Decimal | None) -> str:
    """A decimal for printing: no exponent, no trailing zeros after the point."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
