"""The declaration's lifecycle: the only code that changes a declaration's status.

apply() checks the transition, sets the status, bumps the version, appends the receipt (回执), writes
the audit row and queues the realtime announcement, all in the caller's transaction.
"""

from __future__ import annotations

from enum import StrEnum

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.core.receipts import write_receipt
from backend.core.statemachine import StateMachine
from backend.declarations.models import Declaration, Receipt
from backend.errors import register_errors
from backend.realtime import district_room, enterprise_room, notify


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    INSPECTION_NOTICE = "inspection_notice"
    INSPECTING = "inspecting"
    PASSED = "passed"
    FAILED = "failed"
    E_RECORD_ISSUED = "e_record_issued"


STATUS_LABELS = {
    Status.DRAFT: ("暂存", "Draft"),
    Status.SUBMITTED: ("已提交", "Submitted"),
    Status.ACCEPTED: ("报检成功", "Accepted"),
    Status.UNDER_REVIEW: ("单证审核中", "Under document review"),
    Status.RETURNED: ("退回修改", "Returned for changes"),
    Status.REJECTED: ("不予受理", "Rejected"),
    Status.WITHDRAWN: ("已撤回", "Withdrawn"),
    Status.INSPECTION_NOTICE: ("查检通知", "Inspection notice"),
    Status.INSPECTING: ("查检中", "Inspecting"),
    Status.PASSED: ("查检合格", "Inspection passed"),
    Status.FAILED: ("查检不合格", "Inspection failed"),
    Status.E_RECORD_ISSUED: ("已生成电子底账", "E-record issued"),
}


class Event(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    START_REVIEW = "start_review"
    RETURN = "return"
    REJECT = "reject"
    REQUIRE_INSPECTION = "require_inspection"
    APPROVE = "approve"
    WITHDRAW = "withdraw"
    AUTO_WITHDRAW = "auto_withdraw"
    START_INSPECTION = "start_inspection"
    PASS_INSPECTION = "pass_inspection"
    FAIL_INSPECTION = "fail_inspection"
    REINSPECT = "reinspect"
    ISSUE_E_RECORD = "issue_e_record"
    # The officer cancels the instruction: back to review (accepted), or released without inspection.
    CANCEL_INSPECTION = "cancel_inspection"
    RELEASE = "release"
    REISSUE_E_RECORD = "reissue_e_record"


S, E = Status, Event
TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (S.DRAFT, E.SUBMIT): S.SUBMITTED,
    (S.RETURNED, E.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, E.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, E.START_REVIEW): S.UNDER_REVIEW,
    (S.ACCEPTED, E.RETURN): S.RETURNED,
    (S.UNDER_REVIEW, E.RETURN): S.RETURNED,
    (S.ACCEPTED, E.REJECT): S.REJECTED,
    (S.UNDER_REVIEW, E.REJECT): S.REJECTED,
    (S.ACCEPTED, E.REQUIRE_INSPECTION): S.INSPECTION_NOTICE,
    (S.UNDER_REVIEW, E.REQUIRE_INSPECTION): S.INSPECTION_NOTICE,
    (S.ACCEPTED, E.APPROVE): S.E_RECORD_ISSUED,
    (S.UNDER_REVIEW, E.APPROVE): S.E_RECORD_ISSUED,
    # The enterprise may withdraw until document review has started.
    (S.SUBMITTED, E.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, E.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, E.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, E.AUTO_WITHDRAW): S.WITHDRAWN,
    (S.INSPECTION_NOTICE, E.START_INSPECTION): S.INSPECTING,
    (S.INSPECTING, E.PASS_INSPECTION): S.PASSED,
    (S.INSPECTING, E.FAIL_INSPECTION): S.FAILED,
    # After treatment (e.g. fumigation) the goods are inspected again.
    (S.FAILED, E.REINSPECT): S.INSPECTION_NOTICE,
    (S.PASSED, E.ISSUE_E_RECORD): S.E_RECORD_ISSUED,
    (S.INSPECTION_NOTICE, E.CANCEL_INSPECTION): S.ACCEPTED,
    (S.INSPECTING, E.CANCEL_INSPECTION): S.ACCEPTED,
    (S.INSPECTION_NOTICE, E.RELEASE): S.E_RECORD_ISSUED,
    (S.INSPECTING, E.RELEASE): S.E_RECORD_ISSUED,
    # Customs voided the e-record and issues a corrected one (next suffix) on the same application.
    (S.E_RECORD_ISSUED, E.REISSUE_E_RECORD): S.E_RECORD_ISSUED,
}

# Receipt per event: (code, 中文, English). {inspection_no}, {reason} and {e_record_no} are filled in.
RECEIPTS: dict[Event, tuple[str, str, str]] = {
    E.SUBMIT: ("SUBMITTED", "申请已提交，等待海关受理。", "Application submitted; awaiting acceptance."),
    E.ACCEPT: (
        "ACCEPTED",
        "报检成功，检验检疫编号 {inspection_no}。",
        "Accepted; inspection number {inspection_no}.",
    ),
    E.START_REVIEW: ("REVIEW_STARTED", "海关正在进行单证审核。", "Customs is reviewing the documents."),
    E.RETURN: ("RETURNED", "单证审核退回：{reason}", "Returned by document review: {reason}"),
    E.REJECT: ("REJECTED", "不予受理：{reason}", "Rejected: {reason}"),
    E.REQUIRE_INSPECTION: (
        "INSPECTION_NOTICE",
        "查检通知：该票货物需实施现场查检。",
        "Inspection notice: the goods will be inspected on site.",
    ),
    E.APPROVE: (
        "E_RECORD_ISSUED",
        "审核通过，已生成电子底账 {e_record_no}。",
        "Approved; e-record {e_record_no} issued.",
    ),
    E.WITHDRAW: ("WITHDRAWN", "申请已由企业撤回。", "Withdrawn by the enterprise."),
    E.AUTO_WITHDRAW: (
        "AUTO_WITHDRAWN",
        "退回后 30 日未处理，系统已自动撤回。",
        "No action for 30 days after being returned; withdrawn automatically.",
    ),
    E.START_INSPECTION: ("INSPECTING", "现场查检已开始。", "On-site inspection has started."),
    E.PASS_INSPECTION: ("INSPECTION_PASSED", "现场查检合格。", "On-site inspection passed."),
    E.FAIL_INSPECTION: (
        "INSPECTION_FAILED",
        "现场查检不合格：{reason}",
        "On-site inspection failed: {reason}",
    ),
    E.REINSPECT: ("REINSPECTION", "处置完成，待重新查检。", "Treatment done; awaiting re-inspection."),
    E.CANCEL_INSPECTION: (
        "INSPECTION_CANCELLED",
        "查检指令已取消：{reason}。申请退回单证审核。",
        "The inspection instruction was cancelled: {reason}. The application is back in document review.",
    ),
    E.RELEASE: (
        "RELEASED",
        "查检指令已取消：{reason}。准予放行，已生成电子底账 {e_record_no}。",
        "The inspection instruction was cancelled: {reason}. Released; e-record {e_record_no} issued.",
    ),
    E.ISSUE_E_RECORD: (
        "E_RECORD_ISSUED",
        "已生成电子底账 {e_record_no}。",
        "E-record {e_record_no} issued.",
    ),
    E.REISSUE_E_RECORD: (
        "E_RECORD_REISSUED",
        "原电子底账已作废，已重新生成电子底账 {e_record_no}。",
        "The voided e-record is replaced by e-record {e_record_no}.",
    ),
}

register_errors(
    {
        "declaration.invalid_transition": (
            409,
            "当前状态（{status}）不允许此操作（{event}）。",
            "This action ({event}) is not allowed in the current state ({status}).",
        ),
        "declaration.version_conflict": (
            409,
            "申请已被他人修改，请刷新后重试。",
            "The application was changed by someone else; reload and try again.",
        ),
    }
)


MACHINE = StateMachine("declaration", TRANSITIONS, initial=S.DRAFT)


def can_apply(declaration: Declaration, event: Event) -> bool:
    return MACHINE.can(declaration, event)


def apply(
    declaration: Declaration,
    event: Event,
    *,
    actor: Actor | None,
    reason: str | None = None,
    detail: dict | None = None,
    expected_version: int | None = None,
) -> Receipt:
    """Move `declaration` along `event`; returns the receipt it wrote. The caller commits."""
    change = MACHINE.apply(declaration, event, actor=actor, expected_version=expected_version)
    now = utcnow()
    declaration.last_action_at = now
    code, zh, en = RECEIPTS[event]
    values = {
        "inspection_no": declaration.inspection_no or "",
        "reason": reason or "",
        "e_record_no": declaration.e_record.e_record_no if declaration.e_record else "",
    }
    receipt = write_receipt(
        declaration,
        code=code,
        text_zh=zh.format(**values),
        text_en=en.format(**values),
        actor=actor,
        detail=detail,
        at=now,
    )
    record_event(
        action=f"declaration.{event.value}",
        entity_type="declaration",
        entity_id=declaration.id,
        actor=actor,
        before={"status": change.before},
        after={"status": change.after, **({"reason": reason} if reason else {})},
        district_code=declaration.district_code,
    )
    notify(
        enterprise_room(declaration.enterprise_id),
        "declaration.receipt",
        {
            "declaration_id": declaration.id,
            "status": change.after,
            "version": declaration.version,
            "receipt": {"code": code, "text_zh": receipt.text_zh, "text_en": receipt.text_en},
        },
    )
    # The district's desks (review queue, supervisors) re-read their lists; no receipt text for them.
    notify(
        district_room(declaration.district_code),
        "declaration.status",
        {"declaration_id": declaration.id, "status": change.after, "version": declaration.version},
    )
    return receipt
