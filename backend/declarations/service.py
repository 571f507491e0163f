"""Use cases of the enterprise's 电子底账申请: drafts, edits, copies, submission, withdrawal, receipts.

Every public function is one transaction and the only place that commits; status changes go through
workflow.apply(). The helpers new_declaration() and submit_in_transaction() never commit, so intake.py
reuses them inside its own transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import joinedload, selectinload

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.permissions import ensure_can_read, ensure_can_see
from backend.core.transactions import commit_keeping_loaded
from backend.declarations import errors as _error_codes  # noqa: F401  (registers the codes)
from backend.declarations import numbers, parties, validation, workflow
from backend.declarations.content import declaration_data, fill_declaration
from backend.declarations.detail_rows import declaration_detail
from backend.declarations.models import Declaration, Receipt
from backend.declarations.workflow import Event, Status
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import Enterprise

EDITABLE = (Status.DRAFT.value, Status.RETURNED.value)


def china_today() -> date:
    return utcnow().astimezone(numbers.CHINA_TIME).date()


# ---- reading ---------------------------------------------------------------------------------------


# What an application's detail shows (DeclarationSchema), one query per relation at most: the small
# collections (e-records, certificates ≤ 10, qualifications ≤ 50) joined to the declaration's own row,
# goods (≤ 500 lines) and containers (≤ 200) each in one more query. Locked, the same three queries:
# the lock is taken FOR UPDATE OF declaration only (PostgreSQL refuses to lock the nullable side of
# the outer joins, and need not: the parts change only with their declaration, under its lock).
DETAIL = (
    joinedload(Declaration.e_records),
    joinedload(Declaration.certificates),
    joinedload(Declaration.qualifications),
    selectinload(Declaration.goods),
    selectinload(Declaration.containers),
)


def load_declaration(
    actor: Actor, declaration_id: int, *, for_update: bool = False, detail: bool = False
) -> Declaration:
    """The declaration if the actor may see it, else resource.not_found (404). `detail`: with every
    relation the detail shows loaded in the same round (no lazy load while serialising)."""
    return detail_of(
        actor, db.select(Declaration).where(Declaration.id == declaration_id), for_update=for_update,
        detail=detail,
    )


def detail_of(actor: Actor, query, *, for_update: bool = False, detail: bool = True) -> Declaration:
    """The one declaration `query` selects if the actor may see it, else resource.not_found (404)."""
    if for_update:
        query = query.with_for_update(of=Declaration).execution_options(populate_existing=True)
    if detail:
        query = query.options(*DETAIL)
    declaration = db.session.execute(query).unique().scalar_one_or_none()
    if declaration is None:
        raise DomainError("resource.not_found")
    # Reads reach the districts under the actor's; a change stays with the owning district.
    (ensure_can_see if for_update else ensure_can_read)(actor, declaration)
    return declaration


def get_declaration(*, actor: Actor, declaration_id: int):
    """One application with all its parts, as plain rows (detail_rows: the read view needs no objects)."""
    return declaration_detail(actor, by="id", key=declaration_id)


def list_receipts(*, actor: Actor, declaration_id: int) -> list[Receipt]:
    """回执, oldest first: what the enterprise sees when it clicks the status."""
    return list(load_declaration(actor, declaration_id).receipts)


# ---- validation ------------------------------------------------------------------------------------


def validation_report(findings: list[dict]) -> dict:
    return {"valid": not validation.has_errors(findings), "findings": findings}


def validate_declaration(*, actor: Actor, declaration_id: int) -> dict:
    """Every finding for a stored application, without changing it."""
    declaration = load_declaration(actor, declaration_id)
    return validation_report(_findings(declaration))


def validate_body(*, actor: Actor, data: dict) -> dict:
    """Every finding for an application body, without saving anything."""
    return validation_report(
        validation.validate_application(
            data, enterprise_id=actor.enterprise_id, new_submission=True, today=china_today()
        )
    )


def _findings(declaration: Declaration) -> list[dict]:
    submitted = declaration.submitted_at
    return validation.validate_application(
        declaration_data(declaration),
        # An agent declares with its principal's (the exporter's) registrations.
        enterprise_id=declaration.principal_enterprise_id or declaration.enterprise_id,
        new_submission=declaration.inspection_no is None,
        today=china_today(),
        # An application is checked against the code tables in force on the day it was submitted.
        catalog_date=submitted.astimezone(numbers.CHINA_TIME).date() if submitted else None,
    )


# ---- drafts ----------------------------------------------------------------------------------------


def create_draft(*, actor: Actor, data: dict) -> Declaration:
    """暂存: a new application of the actor's enterprise, complete or not."""
    enterprise = db.session.get(Enterprise, actor.enterprise_id)
    declaration = new_declaration(actor=actor, enterprise=enterprise, data=data, source="web")
    db.session.commit()
    return declaration


def new_declaration(
    *, actor: Actor, enterprise: Enterprise, data: dict, source: str, copied_from_id: int | None = None
) -> Declaration:
    """Add a draft to the session and audit it (no commit)."""
    principal_id = parties.authorised_principal(data, declaring_enterprise_id=enterprise.id)
    declaration = workflow.MACHINE.new(
        Declaration,
        enterprise_id=enterprise.id,
        district_code=data.get("district_code") or enterprise.district_code,
        source=source,
        copied_from_id=copied_from_id,
        created_by_id=actor.user_id,
        version=1,
    )
    fill_declaration(declaration, data)
    declaration.principal_enterprise_id = principal_id
    db.session.add(declaration)
    db.session.flush()
    record_event(
        action="declaration.created",
        entity_type="declaration",
        entity_id=declaration.id,
        actor=actor,
        after={"status": declaration.status, "source": source, "copied_from_id": copied_from_id},
        district_code=declaration.district_code,
    )
    return declaration


def update_draft(*, actor: Actor, declaration_id: int, data: dict, version: int | None) -> Declaration:
    """Replace the whole application (only in draft or returned), based on `version`."""
    declaration = load_declaration(actor, declaration_id, for_update=True)
    _ensure_editable(declaration)
    if version is None:
        raise DomainError("declaration.version_required")
    _ensure_version(declaration, version)
    district = data.get("district_code") or declaration.district_code
    if declaration.inspection_no and district != declaration.district_code:
        raise DomainError(
            "request.invalid",
            errors={"district_code": ["已分配检验检疫编号，关区不能再修改 / fixed once numbered"]},
        )
    before = declaration_data(declaration)
    data = {**data, "district_code": district}
    principal_id = parties.authorised_principal(
        data,
        declaring_enterprise_id=_declaring_enterprise_id(actor, declaration),
        declarer_code=_declarer_code(actor, declaration),
    )
    declaration.district_code = district
    fill_declaration(declaration, data)
    declaration.principal_enterprise_id = principal_id
    changed = sorted(key for key, value in declaration_data(declaration).items() if before.get(key) != value)
    declaration.version += 1
    declaration.last_action_at = utcnow()
    record_event(
        action="declaration.updated",
        entity_type="declaration",
        entity_id=declaration.id,
        actor=actor,
        before={"version": version},
        after={"version": declaration.version, "changed": changed},
        district_code=declaration.district_code,
    )
    db.session.commit()
    return declaration


def delete_draft(*, actor: Actor, declaration_id: int, version: int | None = None) -> None:
    """Delete an application that was never submitted."""
    declaration = load_declaration(actor, declaration_id, for_update=True)
    if declaration.status != Status.DRAFT.value or declaration.inspection_no:
        raise DomainError("declaration.not_deletable")
    if version is not None:
        _ensure_version(declaration, version)
    record_event(
        action="declaration.deleted",
        entity_type="declaration",
        entity_id=declaration.id,
        actor=actor,
        before={"status": declaration.status, "version": declaration.version},
        district_code=declaration.district_code,
    )
    db.session.delete(declaration)
    db.session.commit()


def copy_declaration(*, actor: Actor, declaration_id: int) -> Declaration:
    """复制: a new draft with the same content; no number, status, receipts, e-record or attachments.

    Attachments are not copied: contracts, invoices and packing lists belong to one shipment, and a copied
    invoice would silently be submitted with the wrong shipment.
    """
    source = load_declaration(actor, declaration_id)
    # The copy is declared by whoever copies (a principal copying its agent's application declares it).
    enterprise = db.session.get(
        Enterprise, actor.enterprise_id if actor.is_enterprise else source.enterprise_id
    )
    data = declaration_data(source)
    data["shipping_date"] = None  # a new shipment: the old date is almost always in the past
    copy = new_declaration(
        actor=actor, enterprise=enterprise, data=data, source="web", copied_from_id=source.id
    )
    db.session.commit()
    return copy


def _declaring_enterprise_id(actor: Actor, declaration: Declaration) -> int:
    """The declaring party is the enterprise the application was declared by (the agent, for 代理报检),
    whoever edits or submits it: its authorisation must still be live."""
    return declaration.enterprise_id


def _declarer_code(actor: Actor, declaration: Declaration) -> str | None:
    """The declaring enterprise's customs code when it is the actor's own (known from the token)."""
    return actor.enterprise_customs_code if actor.enterprise_id == declaration.enterprise_id else None


def _ensure_editable(declaration: Declaration) -> None:
    if declaration.status not in EDITABLE:
        raise DomainError("declaration.not_editable", status=declaration.status)


def _ensure_version(declaration: Declaration, version: int) -> None:
    if version != declaration.version:
        raise DomainError("declaration.version_conflict", detail={"current_version": declaration.version})


# ---- lifecycle ---------------------------------------------------------------------------------------


def submit_declaration(*, actor: Actor, declaration_id: int, version: int | None = None) -> Declaration:
    """提交: validate, then submit and accept in one transaction (报检成功, inspection number assigned)."""
    declaration = load_declaration(actor, declaration_id, for_update=True, detail=True)
    submit_in_transaction(declaration, actor=actor, version=version)
    commit_keeping_loaded(db.session)  # the answer is the declaration just written: no second read
    return declaration


def submit_in_transaction(declaration: Declaration, *, actor: Actor, version: int | None = None) -> None:
    """Validation findings block with 422; otherwise SUBMIT then ACCEPT (no commit).

    The number is taken first (one UPDATE … RETURNING on the counter), so the declaration's changes,
    its two receipts and its two audit rows are all written by the one flush at commit."""
    workflow.MACHINE.ensure(declaration, Event.SUBMIT)
    if version is not None:
        _ensure_version(declaration, version)
    findings = _findings(declaration)
    principal_id = parties.authorised_principal(
        declaration_data(declaration),
        declaring_enterprise_id=_declaring_enterprise_id(actor, declaration),
        declarer_code=_declarer_code(actor, declaration),
    )
    if validation.has_errors(findings):
        errors: dict[str, list[str]] = {}
        for f in findings:
            if f["severity"] == validation.ERROR:
                errors.setdefault(f["path"], []).append(f["message_zh"])
        raise DomainError("declaration.invalid", errors=errors, detail={"findings": findings})
    now: datetime = utcnow()
    # A returned application keeps its number.
    number = declaration.inspection_no or numbers.allocate_inspection_no(
        district_code=declaration.district_code, source=declaration.source, at=now
    )
    declaration.principal_enterprise_id = principal_id
    declaration.submitted_at = now
    workflow.apply(declaration, Event.SUBMIT, actor=actor)
    declaration.inspection_no = number
    declaration.accepted_at = now
    workflow.apply(declaration, Event.ACCEPT, actor=None)  # acceptance is the system's, not the user's


def withdraw_declaration(
    *, actor: Actor, declaration_id: int, version: int | None = None, reason: str | None = None
) -> Declaration:
    """撤回: allowed until document review has started (the workflow table decides)."""
    declaration = load_declaration(actor, declaration_id, for_update=True)
    workflow.apply(declaration, Event.WITHDRAW, actor=actor, reason=reason, expected_version=version)
    db.session.commit()
    return declaration
