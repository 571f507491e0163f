"""When the e-record a certificate was issued on is voided, the certificate loses its basis.

A certificate whose original was never printed is withdrawn at once (nothing is in anyone's hands); a
printed one is flagged `e_record_voided` — 撤证 of a printed certificate needs the original back, so it
stays issued, and its verification says the e-record was voided, until the enterprise returns the
original through an amend / replace / withdraw request. Runs as a hook of the e-record's transition
table, in the voiding transaction.
"""

from __future__ import annotations

from backend.audit.service import record_event
from backend.certificates import workflow
from backend.certificates.models import Certificate
from backend.core.models import utcnow
from backend.declarations import e_record_workflow
from backend.extensions import db

E_RECORD_VOIDED = "e_record_voided"
FLAG_TEXT = {
    E_RECORD_VOIDED: (
        "签发本证书所依据的电子底账已作废；证书正本须交回海关办理撤证。",
        "The e-record this certificate was issued on was voided; the original must be returned to "
        "customs for withdrawal.",
    )
}


@e_record_workflow.MACHINE.on_transition
def _certificates_lose_their_basis(change) -> None:
    if change.after != e_record_workflow.ERecordStatus.VOIDED:
        return
    record = change.entity
    reason = f"电子底账 {record.e_record_no} 已作废：{change.data.get('reason') or ''}".rstrip("：")
    certificates = db.session.execute(
        db.select(Certificate)
        .where(Certificate.e_record_id == record.id, Certificate.status == "issued")
        .order_by(Certificate.id)
        .with_for_update()
    ).scalars()
    for certificate in certificates:
        if certificate.originals_printed == 0:
            workflow.apply(certificate, "withdraw", actor=change.actor, reason=reason[:500])
            continue
        certificate.flag, certificate.flagged_at = E_RECORD_VOIDED, utcnow()
        certificate.version += 1
        record_event(
            action="certificate.flagged",
            entity_type="certificate",
            entity_id=certificate.certificate_no,
            actor=change.actor,
            after={"flag": E_RECORD_VOIDED, "e_record_no": record.e_record_no},
            district_code=certificate.district_code,
        )


def flag_view(certificate: Certificate) -> dict | None:
    """What verification shows of a flag: its code, fixed wording (never an officer's free text), when."""
    if certificate.flag is None or certificate.status != "issued":
        return None
    zh, en = FLAG_TEXT[certificate.flag]
    return {"code": certificate.flag, "text_zh": zh, "text_en": en, "at": certificate.flagged_at}
