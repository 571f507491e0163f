"""改证 / 重发 / 撤证: amend, replace (re-issue) or withdraw an issued certificate on request.

The enterprise gives a reason, supporting documents and — when an original was printed — sends the
paper original back; the officer confirms receiving it and approves. An amendment's content must not
contradict the declaration: the content rules of intelligent review run again on the amended form
(when requested and when approved), not counting the certificate being replaced. Approval issues a
new certificate that supersedes the old one (amend, replace) or withdraws it; the old certificate's
public verification then says `replaced` (with the new number) or `withdrawn`.

requested → approved | rejected; one open request per certificate.
"""

from __future__ import annotations

import dataclasses

from backend.amendments import errors  # noqa: F401  (error codes registered)
from backend.amendments.models import CertificateAmendment
from backend.amendments.workflow import MACHINE, OPEN
from backend.audit.service import record_event
from backend.certificate_applications.content import build_content, signatory_for
from backend.certificate_applications.intelligent_review import CONTENT_RULES, ReviewContext, failed, review
from backend.certificate_applications.supporting import check_attachments
from backend.certificates import workflow as certificate_workflow
from backend.certificates.content import CertificateContent
from backend.certificates.listing import requests_visible_to
from backend.certificates.models import Certificate
from backend.certificates.service import issue_in_transaction
from backend.core.auth import Actor
from backend.core.china_time import china_date
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_see
from backend.declarations.models import ERecord
from backend.errors import DomainError
from backend.extensions import db
from backend.realtime import enterprise_room, notify

KINDS = ("amend", "replace", "withdraw")


def _certificate(actor: Actor, certificate_no: str) -> Certificate:
    query = db.select(Certificate).where(Certificate.certificate_no == certificate_no).with_for_update()
    certificate = db.session.execute(query).scalar_one_or_none()
    if certificate is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, certificate)
    return certificate


def _content_check(certificate: Certificate, form: dict, enterprise_id: int) -> list[dict]:
    """The content rules on the amended form; 409 with the failed rules if it contradicts the declaration."""
    e_record = db.session.get(ERecord, certificate.e_record_id)
    context = ReviewContext(
        enterprise_id=enterprise_id,
        type_code=certificate.type_code,
        form=form,
        e_record=e_record,
        declaration=e_record.declaration,
        submitted_assurance=None,
        replacing_certificate_id=certificate.id,
    )
    results = [r.to_dict() for r in review(context, CONTENT_RULES)]
    failures = failed(results)
    if failures:
        raise DomainError(
            "certificate_amendment.contradicts_declaration",
            detail={"failed_rules": failures, "rule_results": results},
        )
    return results


def _announce(
    amendment: CertificateAmendment, action: str, actor: Actor, *, bump: bool = True, **after
) -> None:
    if bump:
        amendment.version += 1
    record_event(
        action=f"certificate_amendment.{action}",
        entity_type="certificate_amendment",
        entity_id=amendment.id,
        actor=actor,
        after={"status": amendment.status, **after},
        district_code=amendment.district_code,
    )
    notify(
        enterprise_room(amendment.enterprise_id),
        "certificate_amendment.status",
        {"amendment_id": amendment.id, "status": amendment.status, "version": amendment.version},
    )


def request_amendment(
    *,
    actor: Actor,
    certificate_no: str,
    kind: str,
    reason: str,
    attachment_ids: list[int] | None = None,
    form: dict | None = None,
    original_returned: bool = False,
) -> CertificateAmendment:
    """The enterprise asks to amend (with the full amended form), replace or withdraw its certificate."""
    certificate = _certificate(actor, certificate_no)
    if certificate.status != "issued" or certificate.e_record_id is None:
        raise DomainError("certificate_amendment.invalid_transition", detail={"status": certificate.status})
    open_request = db.session.execute(
        db.select(CertificateAmendment.id).where(
            CertificateAmendment.certificate_id == certificate.id, CertificateAmendment.status == "requested"
        )
    ).first()
    if open_request is not None:
        raise DomainError("certificate_amendment.pending", detail={"amendment_id": open_request[0]})
    if kind == "amend" and form is None:
        raise DomainError("request.invalid", errors={"form": ["required to amend"]})
    check_attachments(actor, attachment_ids or [])
    results = _content_check(certificate, form, actor.enterprise_id) if kind == "amend" else None
    amendment = MACHINE.new(
        CertificateAmendment,
        certificate_id=certificate.id,
        enterprise_id=certificate.enterprise_id,
        district_code=certificate.district_code,
        kind=kind,
        reason=reason,
        attachment_ids=list(attachment_ids or []),
        changes=form if kind == "amend" else None,
        rule_results=results,
        original_returned=original_returned,
        requested_by_id=actor.user_id,
    )
    db.session.add(amendment)
    db.session.flush()
    _announce(
        amendment, "requested", actor, bump=False, kind=kind, certificate_no=certificate_no, reason=reason
    )
    db.session.commit()
    return amendment


def _amendment(actor: Actor, amendment_id: int) -> CertificateAmendment:
    query = db.select(CertificateAmendment).where(CertificateAmendment.id == amendment_id).with_for_update()
    amendment = db.session.execute(query).scalar_one_or_none()
    if amendment is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, amendment)
    return amendment


def get_amendment(*, actor: Actor, amendment_id: int) -> CertificateAmendment:
    return _amendment(actor, amendment_id)


def _open(actor: Actor, amendment_id: int) -> CertificateAmendment:
    amendment = _amendment(actor, amendment_id)
    if amendment.status not in OPEN:
        raise MACHINE.refuse(amendment, "decide")
    return amendment


def confirm_original_received(*, actor: Actor, amendment_id: int) -> CertificateAmendment:
    """The officer confirms the paper original came back (收回原证)."""
    amendment = _open(actor, amendment_id)
    amendment.original_received_at, amendment.original_received_by_id = utcnow(), actor.user_id
    _announce(amendment, "original_received", actor)
    db.session.commit()
    return amendment


def _new_content(amendment: CertificateAmendment, old: Certificate, actor: Actor) -> CertificateContent:
    signatory = signatory_for(actor)
    if amendment.kind == "replace":  # 重发: the same content under a new number and date
        content = CertificateContent.from_dict({**old.content, "certificate_no": ""})
        return dataclasses.replace(content, issue_date=china_date(utcnow()), signatory=signatory)
    e_record = db.session.get(ERecord, old.e_record_id)
    content = build_content(
        form=amendment.changes,
        type_code=old.type_code,
        declaration=e_record.declaration,
        e_record=e_record,
        signatory=signatory,
    )
    return dataclasses.replace(content, remarks=_amended_remark(old, content.remarks))


def _amended_remark(old: Certificate, remarks: str | None) -> str:
    note = f"本证书替代第 {old.certificate_no} 号证书。This certificate replaces No. {old.certificate_no}."
    return f"{remarks}\n{note}" if remarks else note


def approve_amendment(*, actor: Actor, amendment_id: int, note: str | None = None) -> CertificateAmendment:
    """Issue the amended / re-issued certificate superseding the old one, or withdraw the old one."""
    amendment = _open(actor, amendment_id)
    old = _certificate(actor, db.session.get(Certificate, amendment.certificate_id).certificate_no)
    if old.originals_printed > 0 and amendment.original_received_at is None:
        raise DomainError("certificate_amendment.original_not_received")
    if amendment.kind == "withdraw":
        certificate_workflow.apply(old, "withdraw", actor=actor, reason=amendment.reason)
    else:
        certificate_workflow.ensure_allowed(old, "replace")
        if amendment.kind == "amend":
            amendment.rule_results = _content_check(old, amendment.changes, amendment.enterprise_id)
        old.status_reason = amendment.reason
        new = issue_in_transaction(
            actor=actor,
            content=_new_content(amendment, old, actor),
            enterprise_id=old.enterprise_id,
            supersedes=old,
            e_record_id=old.e_record_id,
            delivery=old.delivery,
        )
        amendment.new_certificate_id = new.id
    MACHINE.apply(amendment, "approve", actor=actor)
    amendment.decided_by_id, amendment.decided_at = actor.user_id, utcnow()
    amendment.decision_note = note
    _announce(
        amendment, "approved", actor, bump=False, kind=amendment.kind, certificate_no=old.certificate_no,
        note=note,
    )
    db.session.commit()
    return amendment


def reject_amendment(*, actor: Actor, amendment_id: int, note: str) -> CertificateAmendment:
    """Refuse the request; the certificate stays as it is."""
    amendment = _open(actor, amendment_id)
    MACHINE.apply(amendment, "reject", actor=actor)
    amendment.decided_by_id, amendment.decided_at = actor.user_id, utcnow()
    amendment.decision_note = note
    _announce(amendment, "rejected", actor, bump=False, note=note)
    db.session.commit()
    return amendment


def list_amendments(
    *, actor: Actor, status: str | None = None, limit: int = 50, cursor: int | None = None
) -> list[CertificateAmendment]:
    """Amend/replace/withdraw requests of the enterprise, or of the officer's district; newest first."""
    return requests_visible_to(CertificateAmendment, actor=actor, status=status, limit=limit, cursor=cursor)
