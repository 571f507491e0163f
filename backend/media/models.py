"""Upload (a resumable transfer in progress) and Photo (a checked original with its evidence)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import JSONType, TimestampMixin, UTCDateTime, db, utcnow


class Photo(TimestampMixin, db.Model):
    """A photo taken as evidence: the untouched original, two JPEG copies, and who/when/where.

    Scope: the uploader's district; within it an inspector sees only the photos they took
    (backend.core.permissions with inspector_id = uploaded_by_id).
    """

    __tablename__ = "photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    district_code: Mapped[str | None] = mapped_column(sa.ForeignKey("district.code"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str | None] = mapped_column(sa.String(255))

    # The original: content-addressed, never modified.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int] = mapped_column(sa.Integer)
    height: Mapped[int] = mapped_column(sa.Integer)
    original_key: Mapped[str] = mapped_column(sa.String(200))
    # The display (≤1600 px) and thumbnail (≤320 px) copies, made by a job after the upload was
    # acknowledged (backend/media/derivatives.py): pending → ready (hashes and size set, once) | failed.
    derivatives_status: Mapped[str] = mapped_column(sa.String(10), server_default="ready")
    derivatives_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    display_key: Mapped[str] = mapped_column(sa.String(200))
    display_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    display_width: Mapped[int | None] = mapped_column(sa.Integer)
    display_height: Mapped[int | None] = mapped_column(sa.Integer)
    thumbnail_key: Mapped[str] = mapped_column(sa.String(200))
    thumbnail_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    # Evidence. Device clock as the client reported it; server clock when the photo was accepted.
    device_id: Mapped[str | None] = mapped_column(sa.String(100))
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_gps: Mapped[dict | None] = mapped_column(JSONType)
    # From EXIF: local time text (ISO 8601, offset only if the camera wrote one), GPS, camera.
    exif_captured_at: Mapped[str | None] = mapped_column(sa.String(40))
    exif_gps: Mapped[dict | None] = mapped_column(JSONType)
    exif_make: Mapped[str | None] = mapped_column(sa.String(100))
    exif_model: Mapped[str | None] = mapped_column(sa.String(100))
    exif_orientation: Mapped[int | None] = mapped_column(sa.SmallInteger)
    # Chain of custody when the phone re-encoded the camera's file before sending it (the usual
    # case): the SHA-256 of the camera's own file, and its EXIF as the phone read it (make, model,
    # taken_at, gps), since the re-encoded bytes carry none. None: not told (sent as taken).
    original_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    original_exif: Mapped[dict | None] = mapped_column(JSONType)

    __table_args__ = (
        # The same bytes from the same user are one photo (a retried or repeated upload).
        sa.UniqueConstraint("uploaded_by_id", "sha256", name="uq_photo_uploader_sha256"),
        # The sweep that enqueues again what a lost message left pending.
        sa.Index("ix_photo_derivatives_pending", "derivatives_status", "id"),
    )


class Upload(TimestampMixin, db.Model):
    """A resumable transfer: the client's id and declared size/hash, and the acknowledged offset.

    status: receiving → completed (photo_id set) | rejected (the bytes are not an acceptable photo)
    | expired (left unfinished; backend.media.cleanup discarded its bytes). Starting the same
    client_id again turns an expired upload back into receiving from offset 0.
    """

    __tablename__ = "upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    district_code: Mapped[str | None] = mapped_column(sa.ForeignKey("district.code"))
    client_id: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    device_id: Mapped[str | None] = mapped_column(sa.String(100))
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_gps: Mapped[dict | None] = mapped_column(JSONType)
    original_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    original_exif: Mapped[dict | None] = mapped_column(JSONType)
    received: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    status: Mapped[str] = mapped_column(sa.String(12), default="receiving")
    error: Mapped[str | None] = mapped_column(sa.String(60))
    photo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("photo.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    photo: Mapped[Photo | None] = relationship()
    __table_args__ = (
        sa.UniqueConstraint("uploaded_by_id", "client_id", name="uq_upload_uploader_client_id"),
    )
