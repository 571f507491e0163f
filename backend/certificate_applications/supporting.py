"""Supporting documents (stored content-addressed in media storage) and agent authorisations: what
certificate applications and amendment requests refer to."""

from __future__ import annotations

import hashlib

from backend.audit.service import record_event
from backend.certificate_applications import errors  # noqa: F401  (error codes registered)
from backend.certificate_applications.models import AgentAuthorisation, CertificateAttachment
from backend.core.auth import Actor
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.media.storage import get_storage


def check_attachments(actor: Actor, attachment_ids: list[int]) -> None:
    """Refuse ids that are not the actor's enterprise's attachments (422)."""
    if not attachment_ids:
        return
    found = (
        db.session.execute(
            db.select(CertificateAttachment.id).where(
                CertificateAttachment.id.in_(attachment_ids),
                CertificateAttachment.enterprise_id == actor.enterprise_id,
            )
        )
        .scalars()
        .all()
    )
    missing = sorted(set(attachment_ids) - set(found))
    if missing:
        raise DomainError("certificate_application.unknown_attachment", errors={"attachment_ids": missing})


def upload_attachment(
    *, actor: Actor, filename: str, content_type: str, data: bytes
) -> CertificateAttachment:
    """Store a supporting document content-addressed in media storage and record it for the enterprise."""
    if not data:
        raise DomainError("certificate_application.empty_attachment")
    digest = hashlib.sha256(data).hexdigest()
    key = f"documents/{digest[:2]}/{digest}"
    get_storage().put(key, data)  # idempotent: the same bytes share one file
    attachment = CertificateAttachment(
        enterprise_id=actor.enterprise_id,
        uploaded_by_id=actor.user_id,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        storage_key=key,
    )
    db.session.add(attachment)
    db.session.flush()
    record_event(
        action="certificate_attachment.uploaded",
        entity_type="certificate_attachment",
        entity_id=attachment.id,
        actor=actor,
        after={"sha256": digest, "size": len(data)},
    )
    db.session.commit()
    return attachment


def authorise_agent(*, actor: Actor, agent_customs_code: str, valid_from, valid_until) -> AgentAuthorisation:
    """The consignor (the actor's enterprise) lets an agent enterprise apply for its certificates."""
    agent = db.session.execute(
        db.select(Enterprise).where(Enterprise.customs_code == agent_customs_code)
    ).scalar_one_or_none()
    problems = {}
    if agent is None or agent.id == actor.enterprise_id:
        problems["agent_customs_code"] = ["unknown, or your own enterprise"]
    if valid_until < valid_from:
        problems["valid_until"] = ["before valid_from"]
    if problems:
        raise DomainError("agent_authorisation.invalid", errors=problems)
    grant = AgentAuthorisation(
        consignor_enterprise_id=actor.enterprise_id,
        agent_enterprise_id=agent.id,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    db.session.add(grant)
    db.session.flush()
    record_event(
        action="agent_authorisation.created",
        entity_type="agent_authorisation",
        entity_id=grant.id,
        actor=actor,
        after={"agent": agent_customs_code, "valid_until": valid_until.isoformat()},
    )
    db.session.commit()
    return grant
