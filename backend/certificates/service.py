"""Use cases: issue (number, seal, freeze) a certificate, and verify one publicly."""

from __future__ import annotations

import dataclasses

from flask import current_app

from backend.audit.service import record_event
from backend.certificates import errors, workflow  # noqa: F401  (errors: codes registered)
from backend.certificates.catalog import field_errors, type_spec
from backend.certificates.content import CertificateContent
from backend.certificates.e_record_basis import flag_view
from backend.certificates.keys import public_key_for, signing_key_for
from backend.certificates.models import Certificate, SigningKey
from backend.certificates.numbering import CERTIFICATE_NO_RE, allocate_serial, format_certificate_no
from backend.certificates.sealing import CompactPayload, Seal, content_digest, sign_content, verify_content
from backend.core.auth import Actor
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import District


def validate_content(content: CertificateContent) -> None:
    """Refuse content its type's catalog entry does not allow (certificate.invalid_content, 422)."""
    spec = type_spec(content.type_code)
    problems = field_errors(spec, content.fields)
    if not content.goods:
        problems["goods"] = ["at least one goods line / 至少一行货物"]
    if not (content.consignor.name_zh or content.consignor.name_en):
        problems["consignor.name_zh"] = ["required / 必填"]
    if problems:
        raise DomainError("certificate.invalid_content", errors=problems)


def _ensure_issuer_scope(actor: Actor | None, district_code: str) -> None:
    if actor is not None and actor.is_customs and actor.district_code != district_code:
        raise DomainError("resource.not_found")


def issue_certificate(
    *, actor: Actor | None, content: CertificateContent, enterprise_id: int | None = None,
    supersedes: Certificate | None = None, e_record_id: int | None = None, delivery: str | None = None,
) -> Certificate:
    """Number, seal and freeze a certificate in one transaction; `content.certificate_no` is assigned here."""
    certificate = issue_in_transaction(
        actor=actor, content=content, enterprise_id=enterprise_id, supersedes=supersedes,
        e_record_id=e_record_id, delivery=delivery,
    )
    db.session.commit()
    return certificate


def issue_in_transaction(
    *, actor: Actor | None, content: CertificateContent, enterprise_id: int | None = None,
    supersedes: Certificate | None = None, e_record_id: int | None = None, delivery: str | None = None,
) -> Certificate:
    """issue_certificate without the commit, for use cases that change more in the same transaction."""
    validate_content(content)
    _ensure_issuer_scope(actor, content.district_code)
    if db.session.get(District, content.district_code) is None:
        raise DomainError("certificate.unknown_district", errors={"district_code": ["unknown"]})
    year = content.issue_date.year
    serial = allocate_serial(type_code=content.type_code, district_code=content.district_code, year=year)
    number = format_certificate_no(
        district_code=content.district_code, year=year, type_code=content.type_code, serial=serial
    )
    frozen = dataclasses.replace(content, certificate_no=number).to_dict()
    key = signing_key_for(content.district_code)
    seal = sign_content(frozen, key=key, secret_key=current_app.config["SECRET_KEY"])
    frozen_digest = content_digest(frozen)
    certificate = workflow.MACHINE.new(
        Certificate,
        certificate_no=number, type_code=content.type_code, district_code=content.district_code,
        year=year, serial=serial, enterprise_id=enterprise_id, e_record_id=e_record_id, delivery=delivery,
        consignee_name=content.consignee.name_en or content.consignee.name_zh,
        content=frozen, content_sha256=frozen_digest, seal=seal.to_dict(), key_id=key.key_id,
    )
    db.session.add(certificate)
    db.session.flush()
    if supersedes is not None:
        workflow.apply(supersedes, "replace", actor=actor, superseded_by=certificate)
    record_event(
        action="certificate.issued", entity_type="certificate", entity_id=number, actor=actor,
        after={"type_code": content.type_code, "key_id": key.key_id, "content_sha256": frozen_digest},
        district_code=certificate.district_code,
    )
    return certificate


def _get_for_update(certificate_no: str) -> Certificate:
    query = db.select(Certificate).where(Certificate.certificate_no == certificate_no).with_for_update()
    certificate = db.session.execute(query).scalar_one_or_none()
    if certificate is None:
        raise DomainError("certificate.not_found")
    return certificate


def withdraw_certificate(*, actor: Actor, certificate_no: str, reason: str) -> Certificate:
    """撤证: the certificate stops being valid; its verification says so."""
    certificate = _get_for_update(certificate_no)
    _ensure_issuer_scope(actor, certificate.district_code)
    workflow.apply(certificate, "withdraw", actor=actor, reason=reason)
    db.session.commit()
    return certificate


def replace_certificate(
    *, actor: Actor, certificate_no: str, content: CertificateContent, reason: str
) -> Certificate:
    """改证/重发: issue a new certificate and mark the old one replaced by it, atomically."""
    old = _get_for_update(certificate_no)
    _ensure_issuer_scope(actor, old.district_code)
    workflow.ensure_allowed(old, "replace")
    validate_content(content)
    if (content.type_code, content.district_code) != (old.type_code, old.district_code):
        raise DomainError(
            "certificate.invalid_content",
            errors={"type_code": ["a replacement keeps the type and district of the one it replaces"]},
        )
    old.status_reason = reason
    return issue_certificate(actor=actor, content=content, enterprise_id=old.enterprise_id, supersedes=old)


def get_certificate(*, certificate_no: str) -> Certificate:
    if not CERTIFICATE_NO_RE.match(certificate_no or ""):
        raise DomainError("certificate.not_found")
    query = db.select(Certificate).where(Certificate.certificate_no == certificate_no)
    certificate = db.session.execute(query).scalar_one_or_none()
    if certificate is None:
        raise DomainError("certificate.not_found")
    return certificate


VERIFY_STATUS = {"issued": "valid", "replaced": "replaced", "withdrawn": "withdrawn"}


def _scanned_payload_matches(certificate: Certificate, payload: str) -> bool:
    try:
        scanned = CompactPayload.decode(payload)
    except DomainError:
        return False
    published = public_key_for(scanned.seal.key_id)
    return (
        scanned.certificate_no == certificate.certificate_no
        and scanned.digest == certificate.content_sha256
        and published is not None
        and scanned.verify({scanned.seal.key_id: published})
    )


def _business_details(content: dict) -> dict:
    return {
        "consignor_zh": content.get("consignor", {}).get("name_zh"),
        "consignor_en": content.get("consignor", {}).get("name_en"),
        "consignee_en": content.get("consignee", {}).get("name_en"),
        "destination_country_zh": content.get("destination_country_zh"),
        "goods": [
            {key: line.get(key) for key in ("description_zh", "description_en", "quantity", "quantity_unit",
                                            "net_weight", "weight_unit")}
            for line in content.get("goods", [])
        ],
    }


def verify_certificate(*, certificate_no: str, payload: str | None = None) -> dict:
    """Public verification: status, seal validity and, for the holder of the QR payload, the key data.

    Numbers are sequential, so anyone could walk them: without the scanned payload (which only the
    printed certificate carries) the answer says whether the number is real and valid, not who shipped what.
    """
    certificate = get_certificate(certificate_no=certificate_no)
    key = db.session.execute(
        db.select(SigningKey).where(SigningKey.key_id == certificate.key_id)
    ).scalar_one()
    seal = Seal.from_dict(certificate.seal)
    seal_valid = verify_content(certificate.content, seal, public_key=key.public_key)
    payload_valid = _scanned_payload_matches(certificate, payload) if payload else None
    content = certificate.content
    spec = type_spec(certificate.type_code)
    details = _business_details(content if payload_valid else {})
    return {
        "certificate_no": certificate.certificate_no,
        "status": VERIFY_STATUS[certificate.status],
        # A withdrawal's reason is an officer's free text: only for the holder of the printed payload.
        "status_reason": certificate.status_reason if payload_valid else None,
        "superseded_by": certificate.superseded_by.certificate_no if certificate.superseded_by else None,
        "flag": flag_view(certificate),
        "type_code": certificate.type_code,
        "type_name_zh": spec.name_zh,
        "type_name_en": spec.name_en,
        "district_code": certificate.district_code,
        "district_name_zh": content.get("district_name_zh"),
        "district_name_en": content.get("district_name_en"),
        "issue_date": content.get("issue_date"),
        "issue_place_zh": content.get("issue_place_zh"),
        "details_shown": bool(payload_valid),
        **details,
        "content_sha256": certificate.content_sha256,
        "key_id": key.key_id,
        "key_status": key.status,
        "seal_valid": seal_valid,
        "payload_valid": payload_valid,
    }
