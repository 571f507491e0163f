"""Use cases of media: resumable photo uploads, completing them into Photos, reading photos back.

An upload left unfinished is expired by backend.media.cleanup (`flask storage prune`): resuming it
answers media.upload_expired (404), and starting the same client_id again restarts it from offset 0.

Who may do what (decided here and in api.py): inspectors upload; an upload is visible only to its
uploader. A photo is visible to its uploader and to the other customs roles of the same district
(backend.core.permissions, with the uploader as `inspector_id`: other inspectors do not see it).
Enterprise users neither upload nor read here.
"""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.jobs import enqueue
from backend.core.permissions import ensure_can_see
from backend.errors import DomainError
from backend.extensions import db
from backend.media import (
    errors,  # noqa: F401  (registers the media.* codes)
    ingest,
    processing,
    spool,
    tasks,
    upload_workflow,
)
from backend.media.derivatives import READY
from backend.media.models import Photo, Upload
from backend.media.storage import get_storage

MAX_CHUNK_BYTES = 8 * 1024 * 1024
VARIANTS = ("original", "display", "thumbnail")


def _limits() -> tuple[int, int, int]:
    cfg = current_app.config
    return (
        cfg.get("MEDIA_MAX_BYTES", processing.MAX_BYTES),
        cfg.get("MEDIA_MAX_PIXELS", processing.MAX_PIXELS),
        cfg.get("MEDIA_MAX_CHUNK_BYTES", MAX_CHUNK_BYTES),
    )


def _own_upload(actor: Actor, upload_id: int, *, lock: bool = False) -> Upload:
    query = db.select(Upload).where(Upload.id == upload_id)
    if lock:
        # Re-read under the row lock: a concurrent chunk may have moved the offset meanwhile.
        query = query.with_for_update().execution_options(populate_existing=True)
    upload = db.session.execute(query).scalar_one_or_none()
    if upload is None or upload.uploaded_by_id != actor.user_id:
        raise DomainError("resource.not_found")
    return upload


def _offset_mismatch(upload: Upload) -> DomainError:
    return DomainError(
        "media.offset_mismatch",
        detail={"offset": upload.received, "size": upload.size},
        headers={"Upload-Offset": str(upload.received)},
    )


def _expired(upload: Upload) -> DomainError:
    return DomainError("media.upload_expired", detail={"upload_id": upload.id, "client_id": upload.client_id})


def _ensure_receiving(upload: Upload) -> None:
    if upload.status == "expired":
        raise _expired(upload)
    if upload.status != "receiving":
        raise DomainError("media.upload_closed", detail={"status": upload.status, "error": upload.error})


def create_upload(
    *,
    actor: Actor,
    client_id: str,
    size: int,
    sha256: str,
    content_type: str,
    device_id: str,
    captured_at: datetime,
    filename: str | None = None,
    gps: dict | None = None,
    original_sha256: str | None = None,
    exif: dict | None = None,
) -> tuple[Upload, bool]:
    """Start (or find again, by client_id) an upload; (upload, created). Known bytes complete at once."""
    max_bytes, _, _ = _limits()
    processing.check_declared_type(content_type)
    processing.check_size(size, max_bytes=max_bytes)
    existing = db.session.execute(
        db.select(Upload).where(Upload.uploaded_by_id == actor.user_id, Upload.client_id == client_id)
    ).scalar_one_or_none()
    if existing is not None:
        return _restart_if_expired(actor, _same_upload(existing, size=size, sha256=sha256)), False
    upload = upload_workflow.new_upload(
        uploaded_by_id=actor.user_id,
        district_code=actor.district_code,
        client_id=client_id,
        size=size,
        sha256=sha256,
        content_type=content_type.split(";")[0].strip().lower(),
        filename=filename,
        device_id=device_id,
        captured_at=captured_at,
        client_gps=gps,
        original_sha256=original_sha256,
        original_exif=exif,
    )
    known = _photo_by_hash(actor, sha256)
    if known is not None and known.size == size:
        upload_workflow.complete(upload, known)  # stored once: the client may forget its local copy now
    try:
        with db.session.begin_nested():
            db.session.add(upload)
    except IntegrityError:  # the same client_id raced in from a retry
        existing = db.session.execute(
            db.select(Upload).where(Upload.uploaded_by_id == actor.user_id, Upload.client_id == client_id)
        ).scalar_one()
        return _restart_if_expired(actor, _same_upload(existing, size=size, sha256=sha256)), False
    db.session.commit()
    return upload, True


def _same_upload(upload: Upload, *, size: int, sha256: str) -> Upload:
    if upload.size != size or upload.sha256 != sha256:
        raise DomainError("media.client_id_conflict", detail={"upload_id": upload.id})
    return upload


def _restart_if_expired(actor: Actor, upload: Upload) -> Upload:
    """An expired upload started again by its client begins anew at offset 0 (or completes at once)."""
    if upload.status != "expired":
        return upload
    # Under the row lock that chunks are written and cleanup deletes parts under.
    upload = _own_upload(actor, upload.id, lock=True)
    if upload.status == "expired":
        spool.discard(upload.id)  # whatever is left of the old bytes
        upload_workflow.restart(upload)
        known = _photo_by_hash(actor, upload.sha256)
        if known is not None and known.size == upload.size:
            upload_workflow.complete(upload, known)
        db.session.commit()
    return upload


def _photo_by_hash(actor: Actor, sha256: str) -> Photo | None:
    return db.session.execute(
        db.select(Photo).where(Photo.uploaded_by_id == actor.user_id, Photo.sha256 == sha256)
    ).scalar_one_or_none()


def get_upload(*, actor: Actor, upload_id: int) -> Upload:
    """The upload's offset and status: what a client asks after a break."""
    upload = _own_upload(actor, upload_id)
    if upload.status == "expired":
        raise _expired(upload)
    return upload


def append_chunk(
    *,
    actor: Actor,
    upload_id: int,
    offset: int,
    length: int | None,
    stream: BinaryIO,
    total: int | None = None,
) -> Upload:
    """Write one chunk at `offset` (which must be the server's offset), durable before it is acknowledged."""
    _, _, max_chunk = _limits()
    upload = _own_upload(actor, upload_id)
    _ensure_receiving(upload)
    if total is not None and total != upload.size:
        raise DomainError("media.bad_range", detail={"size": upload.size})
    if length is not None:  # refuse by the declared length, before reading the body
        if length > max_chunk:
            raise DomainError("media.chunk_too_large", max_mb=max_chunk // (1024 * 1024))
        if offset + length > upload.size:
            raise DomainError("media.size_exceeded", detail={"size": upload.size, "offset": upload.received})
    if offset != upload.received:
        raise _offset_mismatch(upload)
    # End the read transaction before the (possibly slow) body arrives: SQLite would hold its lock.
    db.session.rollback()
    data = stream.read(length if length is not None else max_chunk + 1)
    if length is None and len(data) > max_chunk:
        raise DomainError("media.chunk_too_large", max_mb=max_chunk // (1024 * 1024))
    if not data or (length is not None and len(data) != length):
        raise DomainError("media.bad_range", detail={"received": len(data), "expected": length})

    upload = _own_upload(actor, upload_id, lock=True)
    _ensure_receiving(upload)
    if offset != upload.received:
        raise _offset_mismatch(upload)  # another request wrote this range first
    if offset + len(data) > upload.size:
        raise DomainError("media.size_exceeded", detail={"size": upload.size, "offset": upload.received})
    spool.write_chunk(upload.id, offset, data)
    upload.received = offset + len(data)
    db.session.commit()
    return upload


def complete_upload(*, actor: Actor, upload_id: int) -> Photo:
    """Verify size and SHA-256, check the image, store it once and record the Photo (its display and
    thumbnail copies follow from a job: the photo says `derivatives: pending` until they exist)."""
    max_bytes, max_pixels, _ = _limits()
    upload = _own_upload(actor, upload_id, lock=True)
    if upload.status == "completed":
        return upload.photo  # a retried complete whose answer was lost
    _ensure_receiving(upload)
    if upload.received != upload.size:
        raise DomainError(
            "media.upload_incomplete",
            detail={"offset": upload.received, "size": upload.size},
            headers={"Upload-Offset": str(upload.received)},
        )
    data = spool.read_part(upload.id, upload.size)
    actual = spool.sha256_of(data)
    if len(data) != upload.size or actual != upload.sha256:
        upload.received = 0
        db.session.commit()
        spool.discard(upload.id)
        raise DomainError("media.hash_mismatch", detail={"expected": upload.sha256, "actual": actual})

    known = _photo_by_hash(actor, upload.sha256)
    if known is not None:
        upload_workflow.complete(upload, known)
        db.session.commit()
        spool.discard(upload.id)
        return known
    try:
        checked = processing.check_photo(data, max_bytes=max_bytes, max_pixels=max_pixels)
    except DomainError as refusal:
        upload_workflow.reject(upload, error=refusal.error)
        db.session.commit()
        spool.discard(upload.id)
        raise
    # Stored and fsynced before the row commits; on a failure below the file stays for
    # `storage prune` (backend/media/ingest.py). The copies are made by a job, after the commit.
    ingest.put_original(sha256=upload.sha256, data=data)
    photo, is_new = ingest.add_photo(actor=actor, upload=upload, size=len(data), checked=checked)
    upload_workflow.complete(upload, photo)
    if is_new:
        _audit_photo(actor, photo, upload)
    db.session.flush()
    photo_id, upload_id = photo.id, upload.id
    db.session.commit()
    spool.discard(upload_id)
    if is_new:
        enqueue(tasks.make_derivatives, photo_id)
    return photo


def _audit_photo(actor: Actor, photo: Photo, upload: Upload) -> None:
    record_event(
        action="media.photo_added",
        entity_type="photo",
        entity_id=photo.id,
        actor=actor,
        after={
            "sha256": photo.sha256,
            "size": photo.size,
            "content_type": photo.content_type,
            "upload_id": upload.id,
            "client_id": upload.client_id,
            "device_id": photo.device_id,
            "original_sha256": photo.original_sha256,
        },
    )


def get_photo(*, actor: Actor, photo_id: int) -> Photo:
    """A photo's metadata and evidence, if the actor may see it."""
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, district_code=photo.district_code, inspector_id=photo.uploaded_by_id)
    return photo


def open_photo_file(*, actor: Actor, photo_id: int, variant: str) -> tuple[BinaryIO, str, str]:
    """(stream, content type, sha256) of the original, display or thumbnail bytes.

    A copy not made yet answers 404 media.derivative_pending (detail.status: pending or failed):
    ask the photo (`derivatives`) or try again after Retry-After; the original is always there."""
    photo = get_photo(actor=actor, photo_id=photo_id)
    if variant != "original" and photo.derivatives_status != READY:
        raise DomainError(
            "media.derivative_pending",
            detail={"status": photo.derivatives_status, "original": f"/api/v1/photos/{photo.id}/original"},
            headers={"Retry-After": "5"} if photo.derivatives_status != "failed" else None,
        )
    key, content_type, sha256 = {
        "original": (photo.original_key, photo.content_type, photo.sha256),
        "display": (photo.display_key, "image/jpeg", photo.display_sha256),
        "thumbnail": (photo.thumbnail_key, "image/jpeg", photo.thumbnail_sha256),
    }[variant]
    return get_storage().open(key), content_type, sha256
