"""Use cases that hand out an issued certificate's documents: the PDF and the ePhyto XML.

Who may fetch: the customs district that issued it, the customs of the port of exit its e-record was
declared through (口岸海关, read-only), and the enterprise it belongs to (object-level access via
backend.core.permissions; anyone else gets 404). Which PDF: anyone who may see the
certificate gets a copy (副本); the original and a duplicate original are for certificate officers for
certificates issued directly; certificates issued through an application print their originals on
blank serials (`backend.blank_stock.printing`: self-print by the enterprise, counter print by the officer).
"""

from __future__ import annotations

from flask import current_app

from backend.audit.service import record_event
from backend.certificates import errors  # noqa: F401  (error codes registered)
from backend.certificates.ephyto import ephyto_xml
from backend.certificates.models import Certificate
from backend.certificates.rendering import render_certificate_pdf
from backend.certificates.service import get_certificate
from backend.core.auth import Actor
from backend.core.enums import Role
from backend.core.permissions import ensure_can_read, ensure_can_see
from backend.declarations.models import Declaration, ERecord
from backend.errors import DomainError
from backend.extensions import db

ORIGINAL_VARIANTS = {"original", "duplicate_original"}


def _visible(actor: Actor, certificate_no: str) -> Certificate:
    try:
        certificate = get_certificate(certificate_no=certificate_no)
    except DomainError:
        raise DomainError("resource.not_found") from None
    ensure_can_read(actor, certificate, exit_port=_exit_port(certificate))
    return certificate


def _exit_port(certificate: Certificate) -> str | None:
    """The port of exit of the application whose e-record the certificate was issued against."""
    if certificate.e_record_id is None:
        return None
    return db.session.execute(
        db.select(Declaration.departure_port)
        .join(ERecord, ERecord.declaration_id == Declaration.id)
        .where(ERecord.id == certificate.e_record_id)
    ).scalar_one_or_none()


def _claim_original(certificate: Certificate, variant: str) -> str:
    """Count an original print; any original after the first is a duplicate original."""
    db.session.refresh(certificate, with_for_update=True)  # two printers never both get the original
    if variant == "original" and certificate.originals_printed > 0:
        variant = "duplicate_original"
    certificate.originals_printed += 1
    return variant


def certificate_pdf(*, actor: Actor, certificate_no: str, variant: str = "copy") -> tuple[bytes, str]:
    """(PDF, the variant actually rendered); printing an original or a duplicate original is audited."""
    certificate = _visible(actor, certificate_no)
    if variant in ORIGINAL_VARIANTS:
        if actor.role != Role.CERTIFICATE_OFFICER:
            raise DomainError("auth.forbidden")
        ensure_can_see(actor, certificate)  # printing an original is the owning district's act
        if certificate.status != "issued":
            raise DomainError("certificate.not_valid", detail={"status": certificate.status})
        if certificate.delivery is not None:  # issued through an application: blank serials are consumed
            raise DomainError("certificate_print.use_print")
        variant = _claim_original(certificate, variant)
        record_event(
            action=f"certificate.printed_{variant}", entity_type="certificate",
            entity_id=certificate.certificate_no, actor=actor,
            after={"originals_printed": certificate.originals_printed},
            district_code=certificate.district_code,
        )
    pdf = render_certificate_pdf(
        certificate.content, seal=certificate.seal, variant=variant,
        base_url=current_app.config["PUBLIC_BASE_URL"],
    )
    if variant in ORIGINAL_VARIANTS:
        db.session.commit()
    return pdf, variant


def certificate_ephyto(*, actor: Actor, certificate_no: str) -> bytes:
    """The phytosanitary certificate as IPPC ePhyto XML (certificate.not_phytosanitary otherwise)."""
    certificate = _visible(actor, certificate_no)
    return ephyto_xml(certificate.content, status=certificate.status)
