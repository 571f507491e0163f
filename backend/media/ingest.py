"""Store a checked photo: its original (atomic, content-addressed, fsynced) and one Photo row.

The display and thumbnail copies come later, from a job (backend/media/derivatives.py); the row
names their keys from the start and says `pending` until they exist.

Files are written before the row is inserted. If the transaction then fails, the files stay: another
upload of the same bytes may be saving a Photo that refers to them at this very moment, and deleting
them would lose its evidence. Files that no row refers to are reclaimed by `storage prune`
(backend/media/cleanup.py) once they are older than any save in progress.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from backend.core.auth import Actor
from backend.extensions import db
from backend.media.derivatives import PENDING
from backend.media.models import Photo, Upload
from backend.media.processing import CheckedPhoto
from backend.media.storage import derivative_key, get_storage, original_key


def put_original(*, sha256: str, data: bytes) -> bool:
    """Write the original (an existing one is kept and touched); True when this call created it."""
    return get_storage().put(original_key(sha256), data)


def add_photo(*, actor: Actor, upload: Upload, size: int, checked: CheckedPhoto) -> tuple[Photo, bool]:
    """Add the Photo row to the session: (photo, created). The caller commits."""
    sha256 = upload.sha256
    evidence = checked.evidence
    photo = Photo(
        uploaded_by_id=actor.user_id,
        district_code=upload.district_code,
        client_id=upload.client_id,
        filename=upload.filename,
        sha256=sha256,
        size=size,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        original_key=original_key(sha256),
        derivatives_status=PENDING,
        display_key=derivative_key("display", sha256),
        thumbnail_key=derivative_key("thumbnail", sha256),
        device_id=upload.device_id,
        captured_at=upload.captured_at,
        client_gps=upload.client_gps,
        exif_captured_at=evidence.get("captured_at"),
        exif_gps=evidence.get("gps"),
        exif_make=evidence.get("make"),
        exif_model=evidence.get("model"),
        exif_orientation=evidence.get("orientation"),
        original_sha256=upload.original_sha256,
        original_exif=upload.original_exif,
    )
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:
        # The same bytes from this user were completed concurrently: that photo is this one, and
        # its row refers to the same content-addressed files, so nothing is removed.
        winner = db.session.execute(
            db.select(Photo).where(Photo.uploaded_by_id == actor.user_id, Photo.sha256 == sha256)
        ).scalar_one()
        return winner, False
    return photo, True
