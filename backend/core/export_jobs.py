"""Large exports as jobs: the file is written by a Celery worker, kept for a while, and only its
requester may download it.

An export route registered with a row count (core/export_routes.py) answers at once while the file is
small; above `EXPORT_JOB_ROWS` rows it records an ExportJob (who asked, with which route, format and
query string) and enqueues `run_export_job`. The worker rebuilds the request (same path, same query
string, parsed by the same schema, the requester as the actor), writes the file and reports the rows
written as it goes (`rows_done`), so the PWA can show a progress bar, then the download. In the
embedded default (no broker) the job runs at once, inside the request that asked.

The job row is the truth (jobs.py): a re-delivered message finds it done and does nothing; a worker
killed mid-file leaves it `running`, and the re-delivery writes it again from the start. Finished
files are kept `EXPORT_KEEP_SECONDS` (a day by default) and then deleted by `purge_expired_exports`
(beat, hourly; also whenever a new job starts).
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from celery import shared_task
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.auth import Actor
from backend.core.enums import Assurance, Role
from backend.core.exports import reporting_progress
from backend.core.jobs import enqueue
from backend.core.models import JSONType, UTCDateTime, utcnow
from backend.errors import DomainError, register_errors
from backend.extensions import db

log = logging.getLogger("chajian.exports")

register_errors(
    {
        "export.not_ready": (
            409, "导出文件尚未生成完毕，请稍后再下载。", "The export is not ready yet; download it later."
        ),
        "export.failed": (409, "导出失败，请重新导出。", "The export failed; please export again."),
    }
)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class ExportJob(db.Model):
    """One large export being written, or written and kept for its requester."""

    __tablename__ = "export_jobs"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    user_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    actor: Mapped[dict] = mapped_column(JSONType)  # the requester as the worker acts for them
    route: Mapped[str] = mapped_column(sa.String(200))  # the export route's key (export_routes.ROUTES)
    request_path: Mapped[str] = mapped_column(sa.String(300))
    query_string: Mapped[str] = mapped_column(sa.Text, default="")
    file_format: Mapped[str] = mapped_column(sa.String(8))
    filename: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16), default=QUEUED)
    rows_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True, deferred=True)
    error: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def _actor_json(actor: Actor) -> dict:
    return {key: (str(value) if key in ("role", "assurance") else value)
            for key, value in dataclasses.asdict(actor).items()}


def _actor(data: dict) -> Actor:
    return Actor(**{**data, "role": Role(data["role"]), "assurance": Assurance(data["assurance"])})


def start_export_job(
    *, actor: Actor, route: str, request_path: str, query_string: str, file_format: str, filename: str,
    rows_total: int,
) -> ExportJob:
    """Record a large export for `actor` and hand it to the job engine (embedded: written now)."""
    purge_expired_exports()
    keep = timedelta(seconds=current_app.config["EXPORT_KEEP_SECONDS"])
    job = ExportJob(
        user_id=actor.user_id, actor=_actor_json(actor), route=route, request_path=request_path,
        query_string=query_string, file_format=file_format, filename=filename, rows_total=rows_total,
        expires_at=utcnow() + keep,
    )
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    enqueue(run_export_job, job_id)
    return db.session.get(ExportJob, job_id)


def export_job_for(*, actor: Actor, job_id: str) -> ExportJob:
    """The caller's own export job (anybody else's, or an expired one, is not found)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != actor.user_id or job.expires_at <= utcnow():
        raise DomainError("resource.not_found")
    return job


def export_file(*, actor: Actor, job_id: str) -> tuple[bytes, ExportJob]:
    """The finished file of the caller's own export job."""
    job = export_job_for(actor=actor, job_id=job_id)
    if job.status == FAILED:
        raise DomainError("export.failed")
    if job.status != DONE:
        detail = {"rows_done": job.rows_done, "rows_total": job.rows_total}
        raise DomainError("export.not_ready", detail=detail)
    return job.content, job


def write_export(job_id: str) -> bool:
    """Write the job's file (idempotent: a finished job is left alone). True when it was written."""
    from backend.core import export_routes

    job = db.session.execute(
        sa.select(ExportJob).where(ExportJob.id == job_id).with_for_update()
    ).scalar_one_or_none()
    if job is None or job.status in (DONE, FAILED):
        db.session.rollback()
        return False
    job.status, job.rows_done = RUNNING, 0
    db.session.commit()

    def progress(rows: int) -> None:
        job.rows_done = rows
        db.session.commit()

    try:
        with reporting_progress(progress):
            content = export_routes.rebuild_export(
                route=job.route, actor=_actor(job.actor), request_path=job.request_path,
                query_string=job.query_string, file_format=job.file_format,
            )
    except Exception as exc:  # recorded on the job, so the requester sees the failure
        log.exception("export job %s failed", job_id)
        db.session.rollback()
        job.status, job.error, job.finished_at = FAILED, str(exc)[:500], utcnow()
        db.session.commit()
        return False
    keep = timedelta(seconds=current_app.config["EXPORT_KEEP_SECONDS"])
    job.content, job.status, job.finished_at = content, DONE, utcnow()
    job.rows_done = max(job.rows_done, job.rows_total)
    job.expires_at = utcnow() + keep
    db.session.commit()
    return True


def purge_expired_exports() -> int:
    """Delete the export jobs (and files) past their time; returns how many."""
    deleted = db.session.execute(sa.delete(ExportJob).where(ExportJob.expires_at <= utcnow())).rowcount
    db.session.commit()
    return deleted or 0


@shared_task(name="exports.run_export_job")
def run_export_job(job_id: str) -> bool:
    """Write a large export's file (a second delivery finds it written and does nothing)."""
    return write_export(job_id)


@shared_task(name="exports.purge_expired")
def purge_expired() -> int:
    """Delete expired export files (beat, hourly)."""
    return purge_expired_exports()
