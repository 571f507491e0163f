"""The application's content as plain data, and back: one mapping for edits, copies and validation."""

from __future__ import annotations

from backend.declarations.models import (
    Declaration,
    DeclarationCertificate,
    DeclarationContainer,
    DeclarationGoods,
    DeclarationQualification,
)
from backend.extensions import db

SCALARS = (
    "applicant_code",
    "applicant_name",
    "consignor_code",
    "consignor_name_zh",
    "consignor_name_en",
    "consignee_name_zh",
    "consignee_name_en",
    "consignee_address",
    "trade_mode",
    "trade_country",
    "destination_country",
    "departure_port",
    "arrival_port",
    "transport_mode",
    "transport_name",
    "contract_no",
    "lc_no",
    "shipping_date",
    "storage_place",
    "marks",
    "special_requirements",
    "total_packages",
    "package_kind",
    "total_net_weight",
    "total_gross_weight",
)
GOODS_FIELDS = (
    "hs_code",
    "ciq_code",
    "name_zh",
    "name_en",
    "origin_place",
    "quantity",
    "quantity_unit",
    "net_weight",
    "value",
    "currency",
    "packing_kind",
    "packing_count",
    "producer_name",
    "producer_registration_no",
    "purpose",
    "batch_no",
)


def declaration_data(declaration: Declaration) -> dict:
    """The application as DeclarationBodySchema would load it (for validation, copies and audit)."""
    data = {field: getattr(declaration, field) for field in SCALARS}
    data["district_code"] = declaration.district_code
    data["goods"] = [{f: getattr(line, f) for f in GOODS_FIELDS} for line in declaration.goods]
    data["containers"] = [
        {"size_type": c.size_type, "count": c.count, "numbers": list(c.numbers or [])}
        for c in declaration.containers
    ]
    data["qualifications"] = [
        {"type_code": q.type_code, "number": q.number, "holder_name": q.holder_name}
        for q in declaration.qualifications
    ]
    data["certificates"] = [
        {"cert_code": c.cert_code, "originals": c.originals, "copies": c.copies}
        for c in declaration.certificates
    ]
    return data


def fill_declaration(declaration: Declaration, data: dict) -> None:
    for field in SCALARS:
        setattr(declaration, field, data.get(field))
    replaced = (
        declaration.goods,
        declaration.containers,
        declaration.qualifications,
        declaration.certificates,
    )
    if any(replaced):
        for children in replaced:
            children.clear()
        db.session.flush()  # old rows go before new ones take their (declaration_id, line_no)
    for line_no, line in enumerate(data.get("goods") or [], start=1):
        declaration.goods.append(DeclarationGoods(line_no=line_no, **{f: line.get(f) for f in GOODS_FIELDS}))
    for c in data.get("containers") or []:
        declaration.containers.append(
            DeclarationContainer(
                size_type=c["size_type"], count=c["count"], numbers=list(c.get("numbers") or [])
            )
        )
    for q in data.get("qualifications") or []:
        declaration.qualifications.append(
            DeclarationQualification(
                type_code=q["type_code"], number=q["number"], holder_name=q.get("holder_name")
            )
        )
    for c in data.get("certificates") or []:
        declaration.certificates.append(
            DeclarationCertificate(
                cert_code=c["cert_code"], originals=c.get("originals", 1), copies=c.get("copies", 0)
            )
        )
