"""现场缮制: the certificate officer's counter. The district's issued certificates whose applications
chose counter delivery, waiting for their original (or already printed), and the sheets of the
district's own counter paper to print them on. Printing and spoiling go through printing.py and
service.py like every other print: one serial consumed once, a spoiled serial recorded void.
"""

from __future__ import annotations

from backend.blank_stock.models import BlankSheet, BlankStock
from backend.blank_stock.service import holder_filter
from backend.certificates.models import Certificate
from backend.core.auth import Actor
from backend.declarations.models import ERecord
from backend.extensions import db


def counter_worklist(*, actor: Actor, printed: bool = False, type_code: str | None = None, limit: int = 100):
    """The district's valid counter-delivery certificates: waiting for their original (oldest first),
    or with `printed`, those printed already (newest first)."""
    query = (
        db.select(Certificate, ERecord.e_record_no)
        .outerjoin(ERecord, ERecord.id == Certificate.e_record_id)
        .where(
            Certificate.district_code == actor.district_code,
            Certificate.delivery == "counter",
            Certificate.status == "issued",
        )
    )
    if type_code is not None:
        query = query.where(Certificate.type_code == type_code)
    if printed:
        query = query.where(Certificate.originals_printed > 0).order_by(Certificate.id.desc())
    else:
        query = query.where(Certificate.originals_printed == 0).order_by(Certificate.id)
    rows = db.session.execute(query.limit(limit)).all()
    return [_row(certificate, e_record_no) for certificate, e_record_no in rows]


def _row(certificate: Certificate, e_record_no: str | None) -> dict:
    return {
        "certificate_no": certificate.certificate_no,
        "type_code": certificate.type_code,
        "enterprise_id": certificate.enterprise_id,
        "consignee": certificate.consignee_name,
        "e_record_no": e_record_no,
        "issued_at": certificate.issued_at,
        "originals_printed": certificate.originals_printed,
    }


def counter_sheets(
    *, actor: Actor, type_code: str, status: str | None = "available", limit: int = 100
) -> list[BlankSheet]:
    """Sheets of the district's received counter paper of a type, lowest serial first."""
    query = (
        db.select(BlankSheet)
        .join(BlankStock, BlankStock.id == BlankSheet.stock_id)
        .where(holder_filter(actor), BlankSheet.type_code == type_code)
        .order_by(BlankSheet.serial)
    )
    if status is not None:
        query = query.where(BlankSheet.status == status)
    return list(db.session.execute(query.limit(limit)).scalars())
