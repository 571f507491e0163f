"""Use cases of certificate applications (证书申请 / 通用证书申请): draft, edit, submit through
intelligent review, officer decisions and copy (attachments and agents: supporting.py).

Each public function is keyword-only, runs one transaction and is the only place that commits.
Enterprise users see their own applications; certificate officers those of their district. Anything
else is 404 resource.not_found.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import joinedload, selectinload

from backend.audit.service import record_event
from backend.certificate_applications import errors  # noqa: F401  (error codes registered)
from backend.certificate_applications.content import build_content, signatory_for
from backend.certificate_applications.intelligent_review import (
    ReviewContext,
    failed,
    has_valid_authorisation,
    missing_fields,
    review,
)
from backend.certificate_applications.models import CertificateApplication
from backend.certificate_applications.supporting import check_attachments
from backend.certificate_applications.workflow import MACHINE, Event, Status, apply, ensure_editable
from backend.certificates.catalog import type_spec
from backend.certificates.service import issue_in_transaction
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause, ensure_can_read, ensure_can_see
from backend.declarations.models import Declaration, ERecord
from backend.errors import DomainError
from backend.extensions import db

FORM_FIELDS = ("delivery", "form", "attachment_ids")


def _e_record_for_applicant(actor: Actor, e_record_no: str) -> ERecord:
    """The e-record, if the actor's enterprise declared it or is the consignor's authorised agent."""
    record = db.session.execute(
        db.select(ERecord).where(ERecord.e_record_no == e_record_no)
    ).scalar_one_or_none()
    if record is None:
        raise DomainError("resource.not_found")
    declaration = record.declaration
    if declaration.enterprise_id != actor.enterprise_id and not has_valid_authorisation(
        declaration.consignor_code, actor.enterprise_id
    ):
        raise DomainError("resource.not_found")
    return record


def consignee_of(form: dict) -> str | None:
    consignee = form.get("consignee") or {}
    return consignee.get("name_en") or consignee.get("name_zh")


def load_application(
    actor: Actor, application_id: int, *, for_update: bool = False
) -> CertificateApplication:
    """The application if the actor may see it (own enterprise / own district), else 404."""
    query = db.select(CertificateApplication).where(CertificateApplication.id == application_id)
    if for_update:
        query = query.with_for_update()
    application = db.session.execute(query).scalar_one_or_none()
    if application is None:
        raise DomainError("resource.not_found")
    (ensure_can_see if for_update else ensure_can_read)(actor, application)
    return application


def _check_version(application: CertificateApplication, expected: int | None) -> None:
    MACHINE.check_version(application, expected)


def create_application(
    *,
    actor: Actor,
    e_record_no: str,
    type_code: str,
    delivery: str = "self_print",
    form: dict,
    attachment_ids: list[int] | None = None,
) -> CertificateApplication:
    """A draft application for one ticked certificate type of a normal e-record."""
    record = _e_record_for_applicant(actor, e_record_no)
    if record.status != "normal":
        raise DomainError("certificate_application.e_record_not_normal", detail={"status": record.status})
    type_spec(type_code)
    declaration = record.declaration
    if type_code not in {c.cert_code for c in declaration.certificates}:
        raise DomainError("certificate_application.type_not_requested", errors={"type_code": [type_code]})
    check_attachments(actor, attachment_ids or [])
    application = MACHINE.new(
        CertificateApplication,
        enterprise_id=actor.enterprise_id,
        district_code=declaration.district_code,
        declaration_id=declaration.id,
        e_record_id=record.id,
        type_code=type_code,
        delivery=delivery,
        form=form,
        consignee_name=consignee_of(form),
        attachment_ids=list(attachment_ids or []),
        created_by_id=actor.user_id,
    )
    db.session.add(application)
    db.session.flush()
    record_event(
        action="certificate_application.created",
        entity_type="certificate_application",
        entity_id=application.id,
        actor=actor,
        after={"type_code": type_code, "e_record_no": e_record_no},
        district_code=application.district_code,
    )
    db.session.commit()
    return application


def update_application(
    *, actor: Actor, application_id: int, version: int | None = None, **changes
) -> CertificateApplication:
    """Edit a draft or returned application (delivery, form, attachments)."""
    application = load_application(actor, application_id, for_update=True)
    _check_version(application, version)
    ensure_editable(application)
    if "attachment_ids" in changes:
        check_attachments(actor, changes["attachment_ids"])
    for key in FORM_FIELDS:
        if key in changes:
            setattr(application, key, changes[key])
    application.consignee_name = consignee_of(application.form)
    application.version += 1
    record_event(
        action="certificate_application.edited",
        entity_type="certificate_application",
        entity_id=application.id,
        actor=actor,
        after={"fields": sorted(changes)},
        district_code=application.district_code,
    )
    db.session.commit()
    return application


def _context(application: CertificateApplication, form: dict | None = None) -> ReviewContext:
    return ReviewContext(
        enterprise_id=application.enterprise_id,
        type_code=application.type_code,
        form=form if form is not None else application.form,
        e_record=db.session.get(ERecord, application.e_record_id),
        declaration=db.session.get(Declaration, application.declaration_id),
        submitted_assurance=application.submitted_assurance,
        application_id=application.id,
    )


def _issue(application: CertificateApplication, actor: Actor | None):
    declaration = db.session.get(Declaration, application.declaration_id)
    content = build_content(
        form=application.form,
        type_code=application.type_code,
        declaration=declaration,
        e_record=db.session.get(ERecord, application.e_record_id),
        signatory=signatory_for(actor),
    )
    certificate = issue_in_transaction(
        actor=actor,
        content=content,
        enterprise_id=application.enterprise_id,
        e_record_id=application.e_record_id,
        delivery=application.delivery,
    )
    application.certificate_id = certificate.id
    application.decided_at = utcnow()
    return certificate


def submit_application(
    *, actor: Actor, application_id: int, version: int | None = None
) -> CertificateApplication:
    """Submit: intelligent review runs at once; all rules hold → issued, otherwise the officer's queue."""
    application = load_application(actor, application_id, for_update=True)
    _check_version(application, version)
    apply(application, Event.SUBMIT, actor=actor)
    application.submitted_assurance = str(actor.assurance)
    application.submitted_at = utcnow()
    results = review(_context(application))
    application.rule_results = [r.to_dict() for r in results]
    failures = failed(results)
    if failures:
        apply(application, Event.REFER, actor=None, failed_rules=failures, detail={"failed_rules": failures})
    else:
        certificate = _issue(application, None)
        apply(
            application,
            Event.AUTO_ISSUE,
            actor=None,
            certificate_no=certificate.certificate_no,
            detail={"certificate_no": certificate.certificate_no},
        )
    db.session.commit()
    return application


def _officer_application(actor: Actor, application_id: int, version: int | None) -> CertificateApplication:
    application = load_application(actor, application_id, for_update=True)
    _check_version(application, version)
    return application


def approve_application(
    *, actor: Actor, application_id: int, version: int | None = None
) -> CertificateApplication:
    """The certificate officer issues an application the rules referred (it is sealed in their district)."""
    application = _officer_application(actor, application_id, version)
    MACHINE.ensure(application, Event.APPROVE)
    record = db.session.get(ERecord, application.e_record_id)
    if record.status != "normal":  # e.g. voided while the application waited in the queue
        raise DomainError("certificate_application.e_record_not_normal", detail={"status": record.status})
    problems = missing_fields(application.type_code, application.form)
    if problems:  # the officer cannot complete the enterprise's form: return it instead
        raise DomainError(
            "certificate_application.incomplete", errors=problems, fields=", ".join(sorted(problems))
        )
    application.decided_by_id = actor.user_id
    certificate = _issue(application, actor)
    apply(
        application,
        Event.APPROVE,
        actor=actor,
        certificate_no=certificate.certificate_no,
        detail={"certificate_no": certificate.certificate_no},
    )
    db.session.commit()
    return application


def return_application(
    *, actor: Actor, application_id: int, reason: str, version: int | None = None
) -> CertificateApplication:
    """Back to the enterprise with reasons; it edits and submits again."""
    application = _officer_application(actor, application_id, version)
    application.decided_by_id, application.decided_at = actor.user_id, utcnow()
    apply(application, Event.RETURN, actor=actor, reason=reason)
    db.session.commit()
    return application


def reject_application(
    *, actor: Actor, application_id: int, reason: str, version: int | None = None
) -> CertificateApplication:
    """No certificate for this application."""
    application = _officer_application(actor, application_id, version)
    application.decided_by_id, application.decided_at = actor.user_id, utcnow()
    apply(application, Event.REJECT, actor=actor, reason=reason)
    db.session.commit()
    return application


def copy_application(*, actor: Actor, application_id: int) -> CertificateApplication:
    """A new draft with the same e-record, type, delivery and form; no status, receipts or results."""
    source = load_application(actor, application_id)
    copy = MACHINE.new(
        CertificateApplication,
        enterprise_id=actor.enterprise_id,
        district_code=source.district_code,
        declaration_id=source.declaration_id,
        e_record_id=source.e_record_id,
        type_code=source.type_code,
        delivery=source.delivery,
        form=dict(source.form),
        consignee_name=source.consignee_name,
        attachment_ids=list(source.attachment_ids or []),
        copied_from_id=source.id,
        created_by_id=actor.user_id,
    )
    db.session.add(copy)
    db.session.flush()
    record_event(
        action="certificate_application.copied",
        entity_type="certificate_application",
        entity_id=copy.id,
        actor=actor,
        after={"copied_from": source.id},
        district_code=copy.district_code,
    )
    db.session.commit()
    return copy


def _failed_rule(rule: str):
    """SQL: the application's last intelligent review failed `rule` (JSONB containment / SQLite json_each)."""
    results = CertificateApplication.rule_results
    if db.session.get_bind().dialect.name == "postgresql":
        return results.op("@>")(sa.cast([{"rule": rule, "passed": False}], JSONB))
    entry = sa.func.json_each(results).table_valued("value")
    return sa.exists(
        sa.select(1)
        .select_from(entry)
        .where(
            sa.func.json_extract(entry.c.value, "$.rule") == rule,
            sa.func.json_extract(entry.c.value, "$.passed") == 0,
        )
    )


def officer_queue(
    *,
    actor: Actor,
    limit: int = 50,
    cursor: int | None = None,
    type_code: str | None = None,
    failed_rule: str | None = None,
) -> list[CertificateApplication]:
    """Applications waiting for a certificate officer of the actor's district, oldest first, optionally
    of one type or failing one rule; applicant, e-record and receipts come with the rows (one query each)."""
    query = (
        db.select(CertificateApplication)
        .options(
            joinedload(CertificateApplication.enterprise),
            joinedload(CertificateApplication.e_record),
            selectinload(CertificateApplication.receipts),
        )
        .where(
            district_clause(actor, CertificateApplication.district_code),
            CertificateApplication.status == Status.OFFICER_REVIEW.value,
        )
    )
    if type_code is not None:
        query = query.where(CertificateApplication.type_code == type_code)
    if failed_rule is not None:
        query = query.where(_failed_rule(failed_rule))
    return keyset_page(
        query, id_column=CertificateApplication.id, limit=limit, cursor=cursor, descending=False
    )[0]
