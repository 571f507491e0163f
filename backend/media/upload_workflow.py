"""The upload's lifecycle: the only code that changes an upload's status.

receiving → completed (photo_id set) | rejected (the bytes are not an acceptable photo) | expired
(left unfinished; `flask storage prune` discarded its bytes); an expired upload started again by its
client restarts as receiving from offset 0. Uploads have no version column: their row lock orders
chunks, completion and clean-up.
"""

from __future__ import annotations

from enum import StrEnum

from backend.core.models import utcnow
from backend.core.statemachine import StateMachine
from backend.media import errors  # noqa: F401  (registers the media.* codes)
from backend.media.models import Photo, Upload


class Status(StrEnum):
    RECEIVING = "receiving"
    COMPLETED = "completed"
    REJECTED = "rejected"
    EXPIRED = "expired"


class Event(StrEnum):
    COMPLETE = "complete"
    REJECT = "reject"
    EXPIRE = "expire"
    RESTART = "restart"


S, E = Status, Event
MACHINE = StateMachine(
    "upload",
    {
        (S.RECEIVING, E.COMPLETE): S.COMPLETED,
        (S.RECEIVING, E.REJECT): S.REJECTED,
        (S.RECEIVING, E.EXPIRE): S.EXPIRED,
        (S.EXPIRED, E.RESTART): S.RECEIVING,
    },
    initial=S.RECEIVING,
    error="media.upload_closed",
    refusal_detail=lambda upload, status, event: {"status": status, "error": upload.error},
)


def new_upload(**columns) -> Upload:
    """A `receiving` upload at offset 0."""
    return MACHINE.new(Upload, received=0, **columns)


def complete(upload: Upload, photo: Photo) -> None:
    """The bytes are stored as `photo` (or were already): the client may forget its local copy."""
    MACHINE.apply(upload, E.COMPLETE)
    upload.photo = photo
    upload.received = upload.size
    upload.completed_at = utcnow()


def reject(upload: Upload, *, error: str) -> None:
    """The bytes are not an acceptable photo (`error` names why)."""
    MACHINE.apply(upload, E.REJECT)
    upload.error = error


def expire(upload: Upload) -> None:
    """Left unfinished too long: its bytes are discarded, a restart begins at offset 0."""
    MACHINE.apply(upload, E.EXPIRE)
    upload.error, upload.received = "media.upload_expired", 0


def restart(upload: Upload) -> None:
    """The client started an expired upload again."""
    MACHINE.apply(upload, E.RESTART)
    upload.error, upload.received = None, 0
