"""A photo's display and thumbnail copies, made after the upload was acknowledged (by a job).

The only code that changes `Photo.derivatives_status`: pending (the original is stored and checked)
→ ready (the copies exist and their hashes and sizes are recorded) | failed (the original cannot be
turned into copies; the original itself stays the evidence).

Exactly once per photo, however often the job runs (a re-delivery after a worker died, a retry, the
sweep racing a worker): the copies are content-addressed files written atomically (a second write
keeps the first), and the row changes by a conditional UPDATE from `pending` in the same
transaction as its audit row, so only one run records them. Nothing is held locked while the
images are made.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from backend.audit.service import record_event
from backend.core.models import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.media import processing
from backend.media.models import Photo
from backend.media.spool import sha256_of
from backend.media.storage import get_storage

log = logging.getLogger("chajian.media")

PENDING, READY, FAILED = "pending", "ready", "failed"


def make_photo_derivatives(*, photo_id: int) -> bool:
    """Make the copies of a pending photo; False when there is nothing (left) to do."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.derivatives_status != PENDING:
        db.session.rollback()
        return False
    original_key, display_key, thumbnail_key = photo.original_key, photo.display_key, photo.thumbnail_key
    db.session.rollback()  # no transaction open while the images are made

    storage = get_storage()
    data = storage.get(original_key)  # OSError (a missing disk): the job retries
    try:
        display, thumbnail = processing.make_derivatives(
            data, max_pixels=current_app.config.get("MEDIA_MAX_PIXELS", processing.MAX_PIXELS)
        )
    except DomainError as refusal:
        return _finish(photo_id, FAILED, after={"error": refusal.error})
    storage.put(display_key, display.data)
    storage.put(thumbnail_key, thumbnail.data)
    files_written(photo_id)
    return _finish(
        photo_id,
        READY,
        values={
            "display_sha256": sha256_of(display.data),
            "display_width": display.width,
            "display_height": display.height,
            "thumbnail_sha256": sha256_of(thumbnail.data),
        },
    )


def files_written(photo_id: int) -> None:
    """Between the files and the commit: where a crash test holds a job (tests/jobs)."""


def _finish(photo_id: int, status: str, *, values: dict | None = None, after: dict | None = None) -> bool:
    changed = db.session.execute(
        sa.update(Photo)
        .where(Photo.id == photo_id, Photo.derivatives_status == PENDING)
        .values(derivatives_status=status, derivatives_at=utcnow(), **(values or {}))
    ).rowcount
    if changed != 1:  # another run recorded them first
        db.session.rollback()
        return False
    district = db.session.execute(sa.select(Photo.district_code).where(Photo.id == photo_id)).scalar_one()
    record_event(
        action=f"media.derivatives_{status}",
        entity_type="photo",
        entity_id=photo_id,
        actor=None,
        after=after or values,
        district_code=district,
    )
    db.session.commit()
    if status == FAILED:
        log.warning("photo %s: no display copy could be made (%s)", photo_id, (after or {}).get("error"))
    return True


def pending_photo_ids(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Photos still waiting for their copies this long after they were stored (a lost job message)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    ids = list(
        db.session.execute(
            sa.select(Photo.id)
            .where(Photo.derivatives_status == PENDING, Photo.received_at < cutoff)
            .order_by(Photo.id)
            .limit(limit)
        ).scalars()
    )
    db.session.rollback()
    return ids
