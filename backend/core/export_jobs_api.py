"""Large exports written in the background: follow one, then download its file (its requester only)."""

from __future__ import annotations

from flask import g, url_for
from flask.views import MethodView
from marshmallow import Schema, fields

from backend.core import export_jobs
from backend.core.api import Blueprint
from backend.core.auth import EVERYONE, requires
from backend.core.export_routes import FORMATS
from backend.core.exports import attachment

blp = Blueprint(
    "exports",
    __name__,
    url_prefix="/api/v1/exports",
    description="导出 Large exports written in the background (a progress bar, then the file)",
)

class ExportJobSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    filename = fields.String()
    file_format = fields.String()
    rows_total = fields.Integer()
    rows_done = fields.Integer()
    progress = fields.Float(metadata={"description": "0 to 1"})
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(metadata={"description": "the file is deleted then"})
    status_url = fields.String()
    file_url = fields.String(allow_none=True, metadata={"description": "set once the file is written"})
    error = fields.String(allow_none=True)


def job_body(job: export_jobs.ExportJob) -> dict:
    """What the API says of a job (the 202 of a large export, and GET /exports/{id})."""
    done = job.status == export_jobs.DONE
    total = max(job.rows_total, 1)
    return {
        "id": job.id,
        "status": job.status,
        "filename": job.filename,
        "file_format": job.file_format,
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "progress": 1.0 if done else min(job.rows_done / total, 0.99),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "status_url": url_for("exports.ExportJobStatus", export_id=job.id),
        "file_url": url_for("exports.ExportJobFile", export_id=job.id) if done else None,
        "error": "导出失败 The export failed" if job.status == export_jobs.FAILED else None,
    }


@blp.route("/<string(maxlength=32):export_id>")
class ExportJobStatus(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, ExportJobSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, export_id):
        """A large export of the caller's: its progress, and its file's address once written."""
        return job_body(export_jobs.export_job_for(actor=g.actor, job_id=export_id))


@blp.route("/<string(maxlength=32):export_id>/file")
class ExportJobFile(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, content_type="application/octet-stream", description="The CSV or XLSX file")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def get(self, export_id):
        """The written file of a large export: only the user who asked for it may download it."""
        content, job = export_jobs.export_file(actor=g.actor, job_id=export_id)
        return attachment(content, FORMATS[job.file_format], job.filename)
