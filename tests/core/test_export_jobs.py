"""Large exports as jobs: above EXPORT_JOB_ROWS rows the export answers 202, is written by the job engine
(in-process here) with its progress, and only its requester may follow and download it."""

import csv
import io
from datetime import timedelta

from backend.core import export_jobs, export_routes
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.extensions import db

API = "/api/v1/declarations"


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_large_export_is_a_job_whose_file_only_its_requester_downloads(app, client, factories, monkeypatch):
    enterprise = factories.enterprise()
    owner = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    colleague = factories.user(Role.ENTERPRISE, enterprise=enterprise)  # same enterprise, other user
    headers = factories.headers(owner)
    for _ in range(3):
        factories.declaration(enterprise, status="draft")
    small = client.get(f"{API}.csv?status=draft", headers=headers)
    assert small.status_code == 200  # under the threshold: written in the request, as before

    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 2)
    seen: list[int] = []
    recording = export_jobs.reporting_progress
    monkeypatch.setattr("backend.core.exports.PROGRESS_EVERY", 1)
    monkeypatch.setattr(
        export_jobs, "reporting_progress", lambda report: recording(lambda n: (seen.append(n), report(n)))
    )
    started = client.get(f"{API}.csv?status=draft", headers=headers)
    assert started.status_code == 202
    job = started.get_json()
    assert started.headers["Location"].endswith(job["status_url"])
    # embedded (no broker): written at once, before the answer
    assert (job["status"], job["rows_total"], job["progress"]) == ("done", 3, 1.0)
    assert seen == [1, 2, 3]  # the rows written, as the worker reports them

    followed = client.get(job["status_url"], headers=headers).get_json()
    assert followed["rows_done"] == 3 and followed["file_url"] == job["file_url"]
    download = client.get(job["file_url"], headers=headers)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert 'filename="declarations.csv"' in download.headers["Content-Disposition"]
    assert _rows(download.data) == _rows(small.data)  # the same file the request would have written

    other = factories.headers(colleague)
    for url in (job["status_url"], job["file_url"]):
        refused = client.get(url, headers=other)
        assert refused.status_code == 404 and refused.get_json()["error"] == "resource.not_found"


def test_a_job_is_written_once_reports_failure_and_expires(app, client, factories, monkeypatch):
    inspector = factories.user(Role.INSPECTOR)
    headers = factories.headers(inspector)
    job = export_jobs.ExportJob(
        user_id=inspector.id, actor={}, route="instruction_exports:/instructions",
        request_path="/api/v1/instructions.xlsx", query_string="", file_format="xlsx",
        filename="instructions.xlsx", rows_total=0, expires_at=utcnow() + timedelta(hours=1),
    )
    db.session.add(job)
    db.session.commit()
    waiting = client.get(f"/api/v1/exports/{job.id}/file", headers=headers)
    assert waiting.status_code == 409 and waiting.get_json()["error"] == "export.not_ready"

    entry = export_routes.ROUTES[job.route]

    def broken(**_):
        raise RuntimeError("disk full")

    broken_route = export_routes.ExportRoute(entry.key, entry.args_schema, broken)
    monkeypatch.setitem(export_routes.ROUTES, job.route, broken_route)
    assert export_jobs.write_export(job.id) is False
    failed = client.get(f"/api/v1/exports/{job.id}/file", headers=headers)
    assert failed.status_code == 409 and failed.get_json()["error"] == "export.failed"

    job.status, job.actor = export_jobs.QUEUED, {
        "user_id": inspector.id, "username": inspector.username, "role": "inspector", "assurance": "password",
        "enterprise_id": None, "district_code": inspector.district_code, "session_id": "s",
    }
    db.session.commit()
    monkeypatch.setitem(export_routes.ROUTES, job.route, entry)
    assert export_jobs.write_export(job.id) is True
    assert export_jobs.write_export(job.id) is False  # a second delivery finds it written
    assert client.get(f"/api/v1/exports/{job.id}/file", headers=headers).status_code == 200

    db.session.get(export_jobs.ExportJob, job.id).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/api/v1/exports/{job.id}", headers=headers).status_code == 404
    assert export_jobs.purge_expired_exports() == 1


def test_every_counted_export_replays_as_a_job(app, client, factories, monkeypatch):
    """Each route given a row count (its count query, its schema read again in the job) works as a job."""
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", -1)  # every counted export becomes a job
    enterprise = factories.enterprise()
    factories.declaration(enterprise, status="draft")
    callers = {
        "/api/v1/declarations.xlsx?status=draft": (Role.ENTERPRISE, "password", 1),
        "/api/v1/instructions.csv?status=assigned": (Role.SUPERVISOR, "password", 0),
        "/api/v1/certificate-query/applications.csv?status=issued": (Role.ENTERPRISE, "key", 0),
        "/api/v1/audit-events.xlsx?action=none.such": (Role.ADMINISTRATOR, "password", 0),
    }
    for url, (role, assurance, rows) in callers.items():
        user = factories.user(role, enterprise=enterprise if role == Role.ENTERPRISE else None)
        headers = factories.headers(user, assurance)
        started = client.get(url, headers=headers)
        assert started.status_code == 202, (url, started.get_json())
        job = started.get_json()
        assert (job["status"], job["rows_total"]) == ("done", rows), url
        assert client.get(job["file_url"], headers=headers).status_code == 200, url
