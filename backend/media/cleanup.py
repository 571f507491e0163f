"""Reclaim disk space (`flask --app backend storage prune`): expire uploads left unfinished and delete
stored files that no row refers to. Safe to run from cron while the API serves, and twice at once.

- An upload idle (no chunk, no completion) for longer than the limit is marked `expired` under its row
  lock, re-read there: a chunk that arrived meanwhile moved `updated_at`, and chunks are written under
  the same lock. Its spooled part is deleted afterwards, again under the row lock and only while the
  upload is still not receiving. The row stays, so a phone that resumes gets media.upload_expired (404)
  and starts the same client_id again from offset 0; the photo itself never left the phone, whose
  outbox keeps it until a 2xx however long that takes.
- A stored file is deleted only when it is older than the limit, lies in a folder whose owner
  registered with backend.media.references (photos here; declaration and certificate attachments in
  their own domains), and no registered row refers to it. Stored bytes are content-addressed, so a
  new upload may reuse an old unreferenced file at any moment (put() finds it, refreshes its mtime,
  writes nothing, and the row commits later). So the file is first renamed aside, then its mtime and
  the database are read again: a put() before the rename shows in the mtime, a committed row in the
  query, and a put() after the rename writes a new copy. Anything in doubt is put back.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from backend.audit.service import record_event
from backend.core.models import utcnow
from backend.extensions import db
from backend.media import references, spool, upload_workflow
from backend.media.models import Photo, Upload
from backend.media.storage import get_storage

log = logging.getLogger("chajian.storage")

# The inspector PWA never gives up an upload (its outbox keeps a photo until a 2xx, offline for days
# or behind a conflict), so no limit is safe by time alone: expiry is made harmless instead (the phone
# restarts from zero). The limit only decides how often that costs a re-send: 30 days outlasts a
# Golden Week offline.
DEFAULT_OLDER_THAN_HOURS = 30 * 24
_TEMP = ".tmp-"  # LocalStorage.put's temporary files
_ASIDE = ".tmp-prune-"  # a file renamed aside while it is checked again (keys() never lists it)
_ASIDE_NAME = re.compile(r"^\.tmp-prune-(.+)\.[0-9a-f]{12}$")
_PART_NAME = re.compile(r"^(\d{1,18})\.part$")
_FINISHED = ("completed", "rejected", "expired")


@dataclass
class PruneReport:
    """What a run did (or, dry, would do)."""

    older_than_hours: int
    dry_run: bool
    uploads_expired: int = 0
    parts_deleted: int = 0
    parts_bytes: int = 0
    files_deleted: int = 0
    files_bytes: int = 0
    young_files_kept: int = 0
    unknown_files_kept: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def bytes_freed(self) -> int:
        return self.parts_bytes + self.files_bytes

    def lines(self) -> list[str]:
        mode = "dry run, nothing deleted" if self.dry_run else "done"
        return [
            f"storage prune ({mode}): older than {self.older_than_hours} h",
            f"uploads_expired: {self.uploads_expired}",
            f"upload_parts_deleted: {self.parts_deleted} ({_human(self.parts_bytes)})",
            f"orphaned_files_deleted: {self.files_deleted} ({_human(self.files_bytes)})",
            f"young_unreferenced_files_kept: {self.young_files_kept}",
            f"unknown_files_kept: {self.unknown_files_kept}",
            f"bytes_freed: {self.bytes_freed} ({_human(self.bytes_freed)})",
            *(f"failed: {failure}" for failure in self.failures),
        ]


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}"


def prune_storage(
    *, older_than_hours: int = DEFAULT_OLDER_THAN_HOURS, dry_run: bool = False, now: datetime | None = None
) -> PruneReport:
    """Expire uploads idle longer than the limit, delete their parts and unreferenced old files."""
    if older_than_hours < 1:
        raise ValueError("older_than_hours must be at least 1")
    cutoff = (now or utcnow()) - timedelta(hours=older_than_hours)
    report = PruneReport(older_than_hours=older_than_hours, dry_run=dry_run)
    expired = _expire_idle_uploads(cutoff, report)
    _delete_finished_parts(cutoff, expired, report)
    _delete_orphaned_files(cutoff, report)
    log.info("storage prune: %s", "; ".join(report.lines()[1:]))
    return report


# --- uploads and their spooled parts ---------------------------------------------------------------


def _idle(cutoff: datetime):
    return (Upload.status == "receiving", Upload.updated_at < cutoff)


def _expire_idle_uploads(cutoff: datetime, report: PruneReport) -> set[int]:
    """Mark idle uploads expired, each in its own transaction under its row lock; their ids."""
    ids = list(db.session.execute(sa.select(Upload.id).where(*_idle(cutoff)).order_by(Upload.id)).scalars())
    db.session.rollback()  # hold no lock between rows (SQLite: the whole database)
    expired = set()
    for upload_id in ids:
        try:
            upload = db.session.execute(
                sa.select(Upload)
                .where(Upload.id == upload_id, *_idle(cutoff))
                .with_for_update()
                .execution_options(populate_existing=True)
            ).scalar_one_or_none()
            if upload is None:  # a chunk arrived, it completed, or another run got there first
                db.session.rollback()
                continue
            expired.add(upload_id)
            report.uploads_expired += 1
            if report.dry_run:
                db.session.rollback()
                continue
            record_event(
                action="media.upload_expired",
                entity_type="upload",
                entity_id=upload.id,
                actor=None,
                before={
                    "received": upload.received,
                    "size": upload.size,
                    "idle_since": upload.updated_at.isoformat(),
                },
                after={"older_than_hours": report.older_than_hours},
            )
            upload_workflow.expire(upload)
            db.session.commit()
        except Exception:  # one bad row must not stop the others
            db.session.rollback()
            log.exception("expiring upload %s failed", upload_id)
            report.failures.append(f"upload {upload_id}")
    return expired


def _delete_finished_parts(cutoff: datetime, expired: set[int], report: PruneReport) -> None:
    """Delete parts of uploads no longer receiving (and old parts of no upload at all)."""
    for path in sorted(spool.spool_dir().iterdir()):
        match = _PART_NAME.match(path.name)
        if not match or not path.is_file() or path.is_symlink():
            continue
        upload_id = int(match[1])
        try:
            # The row lock chunks are written under: no chunk lands while the status is read and acted on.
            status = db.session.execute(
                sa.select(Upload.status).where(Upload.id == upload_id).with_for_update()
            ).scalar_one_or_none()
            if report.dry_run and upload_id in expired:
                status = "expired"
            size, mtime = _size_and_mtime(path)
            if size is None or not (status in _FINISHED or (status is None and mtime < cutoff.timestamp())):
                continue
            if not report.dry_run:
                path.unlink(missing_ok=True)
            report.parts_deleted += 1
            report.parts_bytes += size
        except Exception:
            log.exception("deleting the part of upload %s failed", upload_id)
            report.failures.append(f"part {path.name}")
        finally:
            db.session.rollback()


# --- stored files that no row refers to --------------------------------------------------------------


def _delete_orphaned_files(cutoff: datetime, report: PruneReport) -> None:
    root = get_storage().root
    limit = cutoff.timestamp()
    if not report.dry_run:
        _put_back_set_aside(root)
    # Top-level folders whose owners registered their references; a file anywhere else belongs to code
    # this sweep does not know, and is kept.
    prunable = references.prunable_folders()
    referenced = _referenced_keys()
    db.session.rollback()
    for path in _walk(root):
        key = path.relative_to(root).as_posix()
        if path.name.startswith(_ASIDE):
            continue  # another run is checking it right now
        if path.is_symlink() or "/" not in key or key.split("/", 1)[0] not in prunable:
            report.unknown_files_kept += 1
            continue
        if key in referenced:
            continue
        size, mtime = _size_and_mtime(path)
        if size is None:
            continue
        if mtime >= limit:
            report.young_files_kept += 1  # may belong to a transaction in progress
            continue
        if report.dry_run:
            freed = size
        elif path.name.startswith(_TEMP):  # left by a put() that crashed: nothing can refer to it
            path.unlink(missing_ok=True)
            freed = size
        else:
            try:
                freed = _delete_if_still_orphaned(path, key, limit)
            except Exception:
                log.exception("deleting stored file %s failed", key)
                report.failures.append(f"file {key}")
                continue
            if freed is None:
                report.young_files_kept += 1
                continue
        log.info(
            "storage prune: %s %s (%d bytes)", "would delete" if report.dry_run else "deleted", key, size
        )
        report.files_deleted += 1
        report.files_bytes += freed


def _delete_if_still_orphaned(path: Path, key: str, limit: float) -> int | None:
    """Rename aside, check mtime and rows again, then delete (bytes freed) or put back (None)."""
    aside = path.with_name(f"{_ASIDE}{path.name}.{secrets.token_hex(6)}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return None
    try:
        stat = aside.stat()
        if stat.st_mtime < limit and not _is_referenced(key):
            aside.unlink()
            return stat.st_size
    except BaseException:
        _put_back(aside, path)
        raise
    _put_back(aside, path)
    return None


def _put_back(aside: Path, final: Path) -> None:
    try:
        os.link(aside, final)
    except FileExistsError:
        pass  # stored again meanwhile: that copy stays
    except OSError:  # no hard links on this file system: the same content-addressed bytes by name
        os.replace(aside, final)
        return
    aside.unlink()


def _put_back_set_aside(root: Path) -> None:
    """Files a crashed run left renamed aside go back under their names, to be judged afresh."""
    for path in _walk(root):
        match = _ASIDE_NAME.match(path.name)
        if match:
            _put_back(path, path.with_name(match[1]))


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


def _size_and_mtime(path: Path) -> tuple[int | None, float]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None, 0.0
    return stat.st_size, stat.st_mtime


def _referenced_keys() -> set[str]:
    """Every key a registered row (a Photo, a declaration or certificate attachment…) refers to."""
    keys: set[str] = set()
    for reference in references.registered():
        keys.update(reference.all_keys())
    return keys


def _is_referenced(key: str) -> bool:
    """Whether a committed row refers to `key` now (read in a transaction of its own)."""
    queries = [
        query for reference in references.registered() if (query := reference.refers_to(key)) is not None
    ]
    db.session.rollback()
    try:
        return any(db.session.execute(query.limit(1)).first() is not None for query in queries)
    finally:
        db.session.rollback()


# --- the media domain's own references: photos --------------------------------------------------------


def _photo_keys():
    photo_keys = sa.select(Photo.original_key, Photo.display_key, Photo.thumbnail_key)
    for row in db.session.execute(photo_keys.execution_options(yield_per=5000)):
        yield from row


def _photo_referring_to(key: str):
    return sa.select(Photo.id).where(
        sa.or_(Photo.original_key == key, Photo.display_key == key, Photo.thumbnail_key == key)
    )


references.register(
    "photos",
    folders={"originals", "display", "thumbnail"},
    all_keys=_photo_keys,
    refers_to=_photo_referring_to,
)
