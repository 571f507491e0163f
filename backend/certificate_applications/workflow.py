"""The certificate application's lifecycle: the only code that changes an application's status.

    draft ──submit──▶ submitted ──auto_issue──▶ issued          (every intelligent-review rule held)
                          └──refer──▶ officer_review ──approve──▶ issued
                                          ├──return──▶ returned ──submit──▶ submitted
                                          └──reject──▶ rejected

apply() checks the transition, sets the status, bumps the version, appends the receipt (回执), writes
the audit row and queues the realtime announcements (the enterprise: its receipt; the district's
officers: a referral, or a decision on a referred one), all in the caller's transaction.
"""

from __future__ import annotations

from enum import StrEnum

from backend.audit.service import record_event
from backend.certificate_applications import errors  # noqa: F401  (error codes registered)
from backend.certificate_applications.models import ApplicationReceipt, CertificateApplication
from backend.core.auth import Actor
from backend.core.receipts import write_receipt
from backend.core.statemachine import StateMachine
from backend.realtime import district_room, enterprise_room, notify


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    OFFICER_REVIEW = "officer_review"
    ISSUED = "issued"
    RETURNED = "returned"
    REJECTED = "rejected"


class Event(StrEnum):
    SUBMIT = "submit"
    AUTO_ISSUE = "auto_issue"
    REFER = "refer"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"


S, E = Status, Event
TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (S.DRAFT, E.SUBMIT): S.SUBMITTED,
    (S.RETURNED, E.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, E.AUTO_ISSUE): S.ISSUED,
    (S.SUBMITTED, E.REFER): S.OFFICER_REVIEW,
    (S.OFFICER_REVIEW, E.APPROVE): S.ISSUED,
    (S.OFFICER_REVIEW, E.RETURN): S.RETURNED,
    (S.OFFICER_REVIEW, E.REJECT): S.REJECTED,
}

EDITABLE = frozenset({S.DRAFT, S.RETURNED})

# Receipt per event: (code, 中文, English); {certificate_no}, {reason} and {rules} are filled in.
RECEIPTS: dict[Event, tuple[str, str, str]] = {
    E.SUBMIT: (
        "CERT_SUBMITTED",
        "证书申请已提交，正在智能审核。",
        "Certificate application submitted; intelligent review is running.",
    ),
    E.AUTO_ISSUE: (
        "CERT_ISSUED",
        "智能审核通过，证书 {certificate_no} 已签发。",
        "Intelligent review passed; certificate {certificate_no} issued.",
    ),
    E.REFER: (
        "CERT_OFFICER_REVIEW",
        "智能审核未通过（{rules}），已转海关人工审核。",
        "Intelligent review did not pass ({rules}); referred to a certificate officer.",
    ),
    E.APPROVE: (
        "CERT_ISSUED",
        "海关审核通过，证书 {certificate_no} 已签发。",
        "Approved by customs; certificate {certificate_no} issued.",
    ),
    E.RETURN: ("CERT_RETURNED", "证书申请退回修改：{reason}", "Returned for changes: {reason}"),
    E.REJECT: ("CERT_REJECTED", "证书申请不予签发：{reason}", "Rejected: {reason}"),
}


MACHINE = StateMachine("certificate_application", TRANSITIONS, initial=S.DRAFT)


def ensure_editable(application: CertificateApplication) -> None:
    if Status(application.status) not in EDITABLE:
        raise MACHINE.refuse(application, "edit")


def apply(
    application: CertificateApplication,
    event: Event,
    *,
    actor: Actor | None,
    reason: str | None = None,
    detail: dict | None = None,
    certificate_no: str | None = None,
    failed_rules: list[str] | None = None,
) -> ApplicationReceipt:
    """Move `application` along `event`; returns the receipt it wrote. The caller commits."""
    change = MACHINE.apply(application, event, actor=actor)
    before, target = Status(change.before), Status(change.after)
    code, zh, en = RECEIPTS[event]
    values = {
        "certificate_no": certificate_no or "",
        "reason": reason or "",
        "rules": ", ".join(failed_rules or []),
    }
    receipt = write_receipt(
        application,
        code=code,
        text_zh=zh.format(**values),
        text_en=en.format(**values),
        actor=actor,
        detail=detail,
    )
    record_event(
        action=f"certificate_application.{event.value}",
        entity_type="certificate_application",
        entity_id=application.id,
        actor=actor,
        before={"status": before.value},
        after={
            "status": target.value,
            **({"reason": reason} if reason else {}),
            **({"certificate_no": certificate_no} if certificate_no else {}),
        },
        district_code=application.district_code,
    )
    notify(
        enterprise_room(application.enterprise_id),
        "certificate_application.receipt",
        {
            "application_id": application.id,
            "status": target.value,
            "version": application.version,
            "receipt": {"code": code, "text_zh": receipt.text_zh, "text_en": receipt.text_en},
        },
    )
    if before == S.OFFICER_REVIEW:  # decided: every officer of the district drops it from the queue
        notify(
            district_room(application.district_code),
            "certificate_application.decided",
            {"application_id": application.id, "status": target.value, "version": application.version},
        )
    if target == S.OFFICER_REVIEW:  # the district's certificate officers see the queue grow
        notify(
            district_room(application.district_code),
            "certificate_application.referred",
            {"application_id": application.id, "failed_rules": failed_rules or []},
        )
    return receipt
