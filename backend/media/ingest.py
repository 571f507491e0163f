"""Store a checked photo: three files (atomic, content-addressed) and one Photo row.

Files are written before the row is inserted. If the transaction then fails, the files stay: another
upload of the same bytes may be saving a Photo that refers to them at this very moment, and deleting
them would lose its evidence. Files that no row refers to are reclaimed by `storage prune`
(backend/media/cleanup.py) once they are older than any save in progress.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from backend.core.auth import Actor
from backend.extensions import db
from backend.media.models import Photo, Upload
from backend.media.processing import ProcessedPhoto
from backend.media.spool import sha256_of
from backend.media.storage import derivative_key, get_storage, original_key


def put_files(*, sha256: str, data: bytes, processed: ProcessedPhoto) -> list[str]:
    """Write the original and its copies (content-addressed: existing ones are kept and touched);
    returns the keys this call created."""
    storage = get_storage()
    files = {
        original_key(sha256): data,
        derivative_key("display", sha256): processed.display.data,
        derivative_key("thumbnail", sha256): processed.thumbnail.data,
    }
    return [key for key, content in files.items() if storage.put(key, content)]


def add_photo(*, actor: Actor, upload: Upload, size: int, processed: ProcessedPhoto) -> tuple[Photo, bool]:
    """Add the Photo row to the session: (photo, created). The caller commits."""
    sha256 = upload.sha256
    evidence = processed.evidence
    photo = Photo(
        uploaded_by_id=actor.user_id,
        district_code=upload.district_code,
        client_id=upload.client_id,
        filename=upload.filename,
        sha256=sha256,
        size=size,
        content_type=processed.content_type,
        width=processed.width,
        height=processed.height,
        original_key=original_key(sha256),
        display_key=derivative_key("display", sha256),
        display_sha256=sha256_of(processed.display.data),
        display_width=processed.display.width,
        display_height=processed.display.height,
        thumbnail_key=derivative_key("thumbnail", sha256),
        thumbnail_sha256=sha256_of(processed.thumbnail.data),
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
