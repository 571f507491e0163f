"""出境证书自助打印: printing an issued certificate's original on a blank serial, consumed exactly once.

- self_print delivery: the enterprise prints on a sheet of its own received stock;
  counter delivery (or any certificate of the district): the certificate officer prints on the
  district's counter stock.
- The first original needs nothing more; any later original (a reprint) needs a reprint request with a
  reason that an officer approved, and uses that approval up. A reprint is rendered as the original
  again only when every earlier printed sheet was registered spoiled; otherwise as a duplicate original.
- Copies stay free: GET …/pdf?variant=copy (watermarked 副本 COPY), no paper consumed.

The certificate row is locked first, then the sheet: two printers racing for one serial, or for the
first original of one certificate, queue up and the loser gets 409.
"""

from __future__ import annotations

from flask import current_app

from backend.audit.service import record_event
from backend.blank_stock import errors  # noqa: F401  (error codes registered)
from backend.blank_stock.models import BlankSheet, CertificatePrint, ReprintRequest
from backend.blank_stock.service import held_sheet
from backend.blank_stock.workflow import REPRINT, SHEET
from backend.certificates.listing import requests_visible_to
from backend.certificates.models import Certificate
from backend.certificates.rendering import render_certificate_pdf
from backend.core.auth import Actor
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_see
from backend.errors import DomainError
from backend.extensions import db
from backend.realtime import enterprise_room, notify


def _locked_certificate(actor: Actor, certificate_no: str) -> Certificate:
    query = db.select(Certificate).where(Certificate.certificate_no == certificate_no).with_for_update()
    certificate = db.session.execute(query).scalar_one_or_none()
    if certificate is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, certificate)
    return certificate


def _printable_prints(certificate: Certificate) -> list[CertificatePrint]:
    query = (
        db.select(CertificatePrint)
        .join(BlankSheet, BlankSheet.id == CertificatePrint.sheet_id)
        .where(CertificatePrint.certificate_id == certificate.id)
    )
    return list(db.session.execute(query).scalars())


def _approved_reprint(certificate: Certificate, reprint_request_id: int | None) -> ReprintRequest:
    request = (
        db.session.execute(
            db.select(ReprintRequest).where(ReprintRequest.id == reprint_request_id).with_for_update()
        ).scalar_one_or_none()
        if reprint_request_id is not None
        else None
    )
    if request is None or request.certificate_id != certificate.id or request.status != "approved":
        raise DomainError("certificate_print.reprint_required")
    REPRINT.apply(request, "use")
    return request


def print_original(
    *, actor: Actor, certificate_no: str, serial: int, reprint_request_id: int | None = None
) -> tuple[bytes, CertificatePrint]:
    """Consume one blank serial for the certificate's original; returns the PDF and the print record."""
    certificate = _locked_certificate(actor, certificate_no)
    if certificate.status != "issued":
        raise DomainError("certificate.not_valid", detail={"status": certificate.status})
    channel = "self_print" if actor.role == Role.ENTERPRISE else "counter"
    if channel == "self_print" and certificate.delivery != "self_print":
        raise DomainError("certificate_print.not_self_print")
    earlier = _printable_prints(certificate)
    reprint = _approved_reprint(certificate, reprint_request_id) if earlier else None
    sheet = held_sheet(actor, certificate.type_code, serial)
    SHEET.ensure(sheet, "print")
    standing = [p for p in earlier if p.sheet.status == "printed"]
    variant = "duplicate_original" if standing else "original"
    SHEET.apply(sheet, "print", actor=actor)
    sheet.certificate_id = certificate.id
    record = CertificatePrint(
        certificate_id=certificate.id,
        sheet_id=sheet.id,
        variant=variant,
        channel=channel,
        reprint_request_id=reprint.id if reprint else None,
        printed_by_id=actor.user_id,
        printed_at=utcnow(),
    )
    db.session.add(record)
    certificate.originals_printed += 1
    db.session.flush()
    record_event(
        action=f"certificate.printed_{variant}",
        entity_type="certificate",
        entity_id=certificate.certificate_no,
        actor=actor,
        after={"serial": serial, "channel": channel, "reprint_request_id": record.reprint_request_id},
        district_code=certificate.district_code,
    )
    if certificate.enterprise_id is not None:
        notify(
            enterprise_room(certificate.enterprise_id),
            "certificate.printed",
            {"certificate_no": certificate.certificate_no, "serial": serial, "variant": variant},
        )
    pdf = render_certificate_pdf(
        certificate.content,
        seal=certificate.seal,
        variant=variant,
        base_url=current_app.config["PUBLIC_BASE_URL"],
    )
    db.session.commit()
    return pdf, record


def request_reprint(*, actor: Actor, certificate_no: str, reason: str) -> ReprintRequest:
    """Ask to print an original again (e.g. the sheet jammed and was registered spoiled)."""
    certificate = _locked_certificate(actor, certificate_no)
    if certificate.status != "issued":
        raise DomainError("certificate.not_valid", detail={"status": certificate.status})
    request = REPRINT.new(
        ReprintRequest,
        certificate_id=certificate.id,
        enterprise_id=certificate.enterprise_id,
        district_code=certificate.district_code,
        reason=reason,
        requested_by_id=actor.user_id,
    )
    db.session.add(request)
    db.session.flush()
    record_event(
        action="certificate.reprint_requested",
        entity_type="reprint_request",
        entity_id=request.id,
        actor=actor,
        after={"certificate_no": certificate_no, "reason": reason},
        district_code=request.district_code,
    )
    db.session.commit()
    return request


def decide_reprint(
    *, actor: Actor, request_id: int, approve: bool, note: str | None = None
) -> ReprintRequest:
    """The certificate officer of the district approves (one more original) or rejects a reprint."""
    request = db.session.execute(
        db.select(ReprintRequest).where(ReprintRequest.id == request_id).with_for_update()
    ).scalar_one_or_none()
    if request is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, request)
    REPRINT.apply(request, "approve" if approve else "reject", actor=actor)
    request.decided_by_id, request.decided_at, request.decision_note = actor.user_id, utcnow(), note
    record_event(
        action=f"certificate.reprint_{request.status}",
        entity_type="reprint_request",
        entity_id=request.id,
        actor=actor,
        after={"status": request.status, "note": note},
        district_code=request.district_code,
    )
    if request.enterprise_id is not None:
        notify(
            enterprise_room(request.enterprise_id),
            "certificate.reprint",
            {"request_id": request.id, "status": request.status},
        )
    db.session.commit()
    return request


def list_reprint_requests(
    *, actor: Actor, status: str | None = None, limit: int = 50, cursor: int | None = None
) -> list[ReprintRequest]:
    """Reprint requests of the actor's enterprise, or of the officer's district; newest first."""
    return requests_visible_to(ReprintRequest, actor=actor, status=status, limit=limit, cursor=cursor)
