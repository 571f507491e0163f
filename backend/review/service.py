"""Use cases of document review (单证审核): the district queue, open, approve, return, reject, rule hits.

Each decision takes the application's expected_version and locks its row, so two reviewers cannot both
decide: the second gets declaration.version_conflict (409).
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.core.auth import Actor
from backend.core.models import UTCDateTime
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause, ensure_can_read, ensure_can_see
from backend.declarations.e_records import issue_e_record
from backend.declarations.models import Declaration, DeclarationGoods
from backend.declarations.workflow import MACHINE, RECEIPTS, Event, Status, apply
from backend.errors import DomainError
from backend.extensions import db
from backend.instructions.service import create_instruction_for_declaration
from backend.realtime import district_room, notify
from backend.review import errors  # noqa: F401  (registers the codes)
from backend.review.models import RuleHit
from backend.review.rules import evaluate_rules, preview_rules

QUEUE_STATUSES = (Status.ACCEPTED.value, Status.UNDER_REVIEW.value)
_SORT_KEY = sa.func.coalesce(Declaration.accepted_at, Declaration.created_at, type_=UTCDateTime)


def review_queue(
    *,
    actor: Actor,
    status: str | None = None,
    inspection_no: str | None = None,
    applicant_code: str | None = None,
    destination_country: str | None = None,
    hs_prefix: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """Accepted and under-review applications of the actor's district, oldest first, keyset paginated."""
    query = sa.select(Declaration).where(
        district_clause(actor, Declaration.district_code),
        Declaration.status.in_([status] if status else QUEUE_STATUSES),
    )
    if inspection_no:
        query = query.where(Declaration.inspection_no.startswith(inspection_no, autoescape=True))
    if applicant_code:
        query = query.where(Declaration.applicant_code == applicant_code)
    if destination_country:
        query = query.where(Declaration.destination_country == destination_country)
    if hs_prefix:
        query = query.where(
            sa.exists().where(
                DeclarationGoods.declaration_id == Declaration.id,
                DeclarationGoods.hs_code.startswith(hs_prefix, autoescape=True),
            )
        )
    items, next_cursor = keyset_page(
        query,
        sort_column=_SORT_KEY,
        id_column=Declaration.id,
        order="review_queue",
        descending=False,
        limit=limit,
        cursor=cursor,
        invalid="review.invalid_cursor",
    )
    return {"items": items, "next_cursor": next_cursor}


def _load_for_decision(actor: Actor, declaration_id: int, expected_version: int | None) -> Declaration:
    """The application, row-locked, within the reviewer's district, at the version the reviewer saw."""
    declaration = db.session.execute(
        sa.select(Declaration)
        .where(Declaration.id == declaration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if declaration is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, declaration)
    if expected_version is not None and expected_version != declaration.version:
        raise DomainError("declaration.version_conflict", detail={"current_version": declaration.version})
    return declaration


def _announce(declaration: Declaration) -> None:
    """Tell the district's reviewers the queue changed (sent after commit; they re-read the queue)."""
    notify(
        district_room(declaration.district_code),
        "review.changed",
        {"declaration_id": declaration.id, "status": declaration.status, "version": declaration.version},
    )


def _refuse_unless(declaration: Declaration, event: Event) -> None:
    MACHINE.ensure(declaration, event)


def open_review(*, actor: Actor, declaration_id: int, expected_version: int) -> Declaration:
    """单证审核开始: accepted → under_review (the enterprise can no longer withdraw)."""
    declaration = _load_for_decision(actor, declaration_id, expected_version)
    apply(declaration, Event.START_REVIEW, actor=actor)
    _announce(declaration)
    db.session.commit()
    return declaration


def approve(*, actor: Actor, declaration_id: int, expected_version: int) -> dict:
    """Approve: a selected hit issues an instruction (查检通知), else the e-record."""
    declaration = _load_for_decision(actor, declaration_id, expected_version)
    _refuse_unless(declaration, Event.APPROVE)
    hits = evaluate_rules(declaration=declaration)
    selected = [hit for hit in hits if hit.selected]
    instruction = e_record = None
    if selected:
        instruction = _instruction_for(declaration, selected, actor)
        apply(declaration, Event.REQUIRE_INSPECTION, actor=actor)
    else:
        e_record = issue_e_record(declaration=declaration, actor=actor)
    _announce(declaration)
    db.session.commit()
    return {
        "declaration": declaration,
        "outcome": declaration.status,
        "e_record": e_record,
        "instruction_id": instruction.id if instruction else None,
        "rule_hits": hits,
    }


def _instruction_for(declaration: Declaration, selected: list[RuleHit], actor: Actor):
    ordered = sorted(selected, key=lambda hit: (hit.rule.priority, hit.rule_id))
    items = [code for hit in ordered for code in hit.inspection_items]
    reason = {
        "rule_hits": [
            {
                "rule_id": hit.rule_id,
                "rule_version": hit.rule_version,
                "rule_name": hit.rule.name_zh,
                "reasons": hit.reasons,
                "draw": str(hit.draw),
                "sampling_rate": str(hit.sampling_rate),
            }
            for hit in ordered
        ]
    }
    instruction = create_instruction_for_declaration(
        declaration=declaration,
        item_codes=items or ["verify_goods"],
        source="risk_rule",
        reason=reason,
        actor=actor,
        priority=ordered[0].rule.priority,
    )
    for hit in selected:
        hit.instruction_id = instruction.id
    return instruction


def return_declaration(
    *,
    actor: Actor,
    declaration_id: int,
    expected_version: int,
    field_reasons: list[dict],
    note_zh: str | None = None,
    note_en: str | None = None,
) -> Declaration:
    """退回: back to the enterprise with field-level reasons, stored on the receipt and shown to it."""
    declaration = _load_for_decision(actor, declaration_id, expected_version)
    summary_zh = "；".join(f"{item['path']}：{item['reason_zh']}" for item in field_reasons)
    summary_en = "; ".join(
        f"{item['path']}: {item.get('reason_en') or item['reason_zh']}" for item in field_reasons
    )
    if note_zh:
        summary_zh = f"{note_zh}（{summary_zh}）"
    if note_en or note_zh:
        summary_en = f"{note_en or note_zh} ({summary_en})"
    detail = {"field_reasons": field_reasons, "note_zh": note_zh, "note_en": note_en}
    receipt = apply(declaration, Event.RETURN, actor=actor, reason=summary_zh, detail=detail)
    receipt.text_en = RECEIPTS[Event.RETURN][2].format(reason=summary_en)
    _announce(declaration)
    db.session.commit()
    return declaration


def reject(*, actor: Actor, declaration_id: int, expected_version: int, reason: str) -> Declaration:
    """不予受理: the application ends here, with the reason on its receipt."""
    declaration = _load_for_decision(actor, declaration_id, expected_version)
    apply(declaration, Event.REJECT, actor=actor, reason=reason, detail={"reason": reason})
    _announce(declaration)
    db.session.commit()
    return declaration


def _visible(actor: Actor, declaration_id: int) -> Declaration:
    declaration = db.session.get(Declaration, declaration_id)
    if declaration is None:
        raise DomainError("resource.not_found")
    ensure_can_read(actor, declaration)
    return declaration


def rule_hits(*, actor: Actor, declaration_id: int) -> list[RuleHit]:
    """Every rule hit recorded on the application (customs of its district only), oldest first."""
    _visible(actor, declaration_id)
    query = sa.select(RuleHit).where(RuleHit.declaration_id == declaration_id).order_by(RuleHit.id)
    return list(db.session.execute(query).scalars())


def rule_preview(*, actor: Actor, declaration_id: int) -> list[dict]:
    """The rules the application matches now, with their reproducible draws, before any decision."""
    declaration = _visible(actor, declaration_id)
    if declaration.inspection_no is None:
        return []
    return preview_rules(declaration=declaration)
