"""Attached documents (合同、发票、装箱单…): PDF, JPEG or PNG recognised by content, stored by SHA-256.

Blobs go to the shared content-addressed store of backend/media/storage.py (STORAGE_DIR, default
<instance>/storage) under declarations/ab/<sha256>: written to a temporary file, fsynced and renamed into
place, so a crash never leaves a partial file under a real name, and a document uploaded twice is
stored once.
Deleting an attachment removes its row only; blobs may be shared by several rows, so unreferenced ones
are left for a separate sweep rather than risking a race with a concurrent upload of the same content.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.uploads import display_filename, sniff_document
from backend.declarations import errors  # noqa: F401  (registers the codes)
from backend.declarations.models import DeclarationAttachment
from backend.declarations.service import EDITABLE, load_declaration
from backend.errors import DomainError
from backend.extensions import db
from backend.media import references
from backend.media.storage import get_storage

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def attachment_key(sha256: str) -> str:
    """Content address of an attached document in the shared store: declarations/ab/<sha256>."""
    return f"declarations/{sha256[:2]}/{sha256}"


def _attachment_keys():
    sha256s = db.session.execute(sa.select(DeclarationAttachment.sha256).distinct()).scalars()
    return (attachment_key(sha256) for sha256 in sha256s)


def _attachment_referring_to(key: str):
    sha256 = key.rsplit("/", 1)[-1]
    if attachment_key(sha256) != key:
        return None
    return sa.select(DeclarationAttachment.id).where(DeclarationAttachment.sha256 == sha256)


# Storage clean-up keeps every stored document an application still refers to.
references.register(
    "declaration attachments",
    folders={"declarations"},
    all_keys=_attachment_keys,
    refers_to=_attachment_referring_to,
)


def store_blob(content: bytes) -> str:
    """Write `content` once under its SHA-256 (atomic: temporary file, fsync, rename); returns the hash."""
    digest = hashlib.sha256(content).hexdigest()
    get_storage().put(attachment_key(digest), content)
    return digest


def add_attachment(*, actor: Actor, declaration_id: int, kind: str | None, upload):
    """Upload one document (a werkzeug FileStorage) to an application in draft or returned."""
    declaration = load_declaration(actor, declaration_id, for_update=True)  # 404 before anything else
    _ensure_editable(declaration)
    missing = {name: ["必填 / required"] for name, value in (("kind", kind), ("file", upload)) if not value}
    if missing:
        raise DomainError("request.invalid", errors=missing)
    stream, filename = upload.stream, upload.filename
    limit = int(current_app.config.get("DECLARATION_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise DomainError("declaration.attachment_too_large", limit_mb=round(limit / 1024 / 1024, 1))
    if not content:
        raise DomainError("declaration.attachment_empty")
    content_type = sniff_document(content)  # by content: a PDF, or an image that decodes
    if content_type is None:
        raise DomainError("declaration.attachment_type")
    digest = store_blob(content)  # before the row: a row never points at a missing blob
    attachment = DeclarationAttachment(
        kind=kind,
        filename=display_filename(filename),
        content_type=content_type,
        size=len(content),
        sha256=digest,
    )
    declaration.attachments.append(attachment)
    db.session.flush()
    record_event(
        action="declaration.attachment_added",
        entity_type="declaration",
        entity_id=declaration.id,
        actor=actor,
        after={"attachment_id": attachment.id, "kind": kind, "sha256": digest, "size": len(content)},
        district_code=declaration.district_code,
    )
    db.session.commit()
    return attachment


def list_attachments(*, actor: Actor, declaration_id: int) -> list[DeclarationAttachment]:
    return list(load_declaration(actor, declaration_id).attachments)


def get_attachment(
    *, actor: Actor, declaration_id: int, attachment_id: int
) -> tuple[DeclarationAttachment, BinaryIO]:
    """The attachment row and its content, opened for reading (send_file closes it)."""
    declaration = load_declaration(actor, declaration_id)
    attachment = _find(declaration, attachment_id)
    return attachment, get_storage().open(attachment_key(attachment.sha256))


def delete_attachment(*, actor: Actor, declaration_id: int, attachment_id: int) -> None:
    """Remove an attachment from an application in draft or returned."""
    declaration = load_declaration(actor, declaration_id, for_update=True)
    _ensure_editable(declaration)
    attachment = _find(declaration, attachment_id)
    record_event(
        action="declaration.attachment_removed",
        entity_type="declaration",
        entity_id=declaration.id,
        actor=actor,
        before={"attachment_id": attachment.id, "kind": attachment.kind, "sha256": attachment.sha256},
        district_code=declaration.district_code,
    )
    declaration.attachments.remove(attachment)
    db.session.commit()


def _find(declaration, attachment_id: int) -> DeclarationAttachment:
    for attachment in declaration.attachments:
        if attachment.id == attachment_id:
            return attachment
    raise DomainError("resource.not_found")


def _ensure_editable(declaration) -> None:
    if declaration.status not in EDITABLE:
        raise DomainError("declaration.not_editable", status=declaration.status)
