"""Blank-paper reconciliation (核销) per certificate type: of an enterprise's stock, or of a district's
own counter stock (现场缮制).

Sheets allocated vs consumed by prints vs spoiled vs remaining, and the issued certificates printed on
that stock (the enterprise's self-print ones; the district's counter ones) matched against the serials
consumed for them. Mismatches are listed, each with a kind:

- `issued_not_printed`: a valid certificate of that delivery with no original printed yet;
- `printed_without_record`: a sheet marked printed that no print record consumed;
- `print_on_foreign_certificate`: a sheet of this stock printed for a certificate outside the matched
  ones (another enterprise's or type's, or a self-print one on counter paper);
- `reprint_without_approval`: a certificate with more prints than its first print plus approved
  reprints (cannot happen through printing.py; kept as a guard against direct data changes).
"""

from __future__ import annotations

from collections import Counter

from backend.blank_stock.models import BlankSheet, BlankStock, CertificatePrint
from backend.certificates.models import Certificate
from backend.core.auth import Actor
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import Enterprise


def _enterprise_in_scope(actor: Actor, enterprise_id: int | None) -> Enterprise:
    if actor.is_enterprise:
        enterprise_id = actor.enterprise_id
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id is not None else None
    if enterprise is None or (not actor.is_enterprise and enterprise.district_code != actor.district_code):
        raise DomainError("resource.not_found")
    return enterprise


def reconcile(*, actor: Actor, type_code: str, enterprise_id: int | None = None) -> dict:
    """The enterprise's blank-paper balance for one type, and the certificates it should match."""
    enterprise = _enterprise_in_scope(actor, enterprise_id)
    balance = _balance(
        type_code,
        stock=BlankStock.enterprise_id == enterprise.id,
        certificates=(Certificate.enterprise_id == enterprise.id) & (Certificate.delivery == "self_print"),
    )
    return {"enterprise_id": enterprise.id, "customs_code": enterprise.customs_code, **balance}


def reconcile_counter(*, actor: Actor, type_code: str) -> dict:
    """The district's own counter paper (现场缮制) for one type, and its counter-delivery certificates."""
    balance = _balance(
        type_code,
        stock=BlankStock.enterprise_id.is_(None) & (BlankStock.district_code == actor.district_code),
        certificates=(Certificate.district_code == actor.district_code) & (Certificate.delivery == "counter"),
    )
    return {"district_code": actor.district_code, **balance}


def _balance(type_code: str, *, stock, certificates) -> dict:
    """Sheets of the `stock` rows against the `certificates` rows of one type (SQL conditions)."""
    sheets = list(
        db.session.execute(
            db.select(BlankSheet)
            .join(BlankStock, BlankStock.id == BlankSheet.stock_id)
            .where(
                stock,
                BlankSheet.type_code == type_code,
                BlankStock.status.in_(("allocated", "received")),
            )
            .order_by(BlankSheet.serial)
        ).scalars()
    )
    received = {s.id for s in sheets if s.stock.status == "received"}
    prints = {
        p.sheet_id: p
        for p in db.session.execute(
            db.select(CertificatePrint).where(CertificatePrint.sheet_id.in_([s.id for s in sheets]))
        ).scalars()
    }
    matched = {
        c.id: c
        for c in db.session.execute(
            db.select(Certificate).where(certificates, Certificate.type_code == type_code)
        ).scalars()
    }
    mismatches = []
    for sheet in sheets:
        record = prints.get(sheet.id)
        if sheet.status == "printed" and record is None:
            mismatches.append(
                {"kind": "printed_without_record", "serial": sheet.serial, "certificate_no": None}
            )
        if record is not None and record.certificate_id not in matched:
            other = db.session.get(Certificate, record.certificate_id)
            mismatches.append(
                {
                    "kind": "print_on_foreign_certificate",
                    "serial": sheet.serial,
                    "certificate_no": other.certificate_no if other else None,
                }
            )
    printed_per_certificate = Counter(p.certificate_id for p in prints.values())
    approved_reprints = Counter(p.certificate_id for p in prints.values() if p.reprint_request_id is not None)
    for certificate in matched.values():
        count = printed_per_certificate.get(certificate.id, 0)
        if count == 0 and certificate.status == "issued":
            mismatches.append(
                {"kind": "issued_not_printed", "serial": None, "certificate_no": certificate.certificate_no}
            )
        if count > 1 + approved_reprints.get(certificate.id, 0):
            mismatches.append(
                {
                    "kind": "reprint_without_approval",
                    "serial": None,
                    "certificate_no": certificate.certificate_no,
                }
            )
    by_status = Counter(s.status for s in sheets)
    return {
        "type_code": type_code,
        "allocated": len(sheets),
        "received": len(received),
        # allocated = not_yet_received + remaining + consumed + (spoiled - spoiled_after_print)
        "consumed": len(prints),
        "spoiled": by_status.get("spoiled", 0),
        "spoiled_after_print": sum(1 for s in sheets if s.status == "spoiled" and s.id in prints),
        "remaining": sum(1 for s in sheets if s.status == "available" and s.id in received),
        "not_yet_received": sum(1 for s in sheets if s.id not in received),
        "certificates_issued": len(matched),
        "prints": len(prints),
        "mismatches": mismatches,
    }
