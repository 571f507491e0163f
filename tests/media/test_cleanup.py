"""`storage prune`: idle uploads expire with their parts, unreferenced old files go, nothing in use does."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.audit.models import AuditEvent
from backend.certificate_applications.models import CertificateAttachment
from backend.core.models import utcnow
from backend.declarations.attachments import attachment_key, store_blob
from backend.declarations.models import DeclarationAttachment
from backend.extensions import db
from backend.media import cleanup
from backend.media.cleanup import DEFAULT_OLDER_THAN_HOURS, prune_storage
from backend.media.models import Photo, Upload
from backend.media.spool import part_path
from backend.media.storage import original_key
from tests.helpers import race
from tests.media import images
from tests.media.uploads import complete, put_chunk, send_all, start, upload_photo

OLD = DEFAULT_OLDER_THAN_HOURS + 24  # hours: past the default limit
COUNTS = ("uploads_expired", "parts_deleted", "parts_bytes", "files_deleted", "files_bytes")


def _idle_for(upload_id: int, hours: float) -> None:
    db.session.execute(
        sa.update(Upload).where(Upload.id == upload_id).values(updated_at=utcnow() - timedelta(hours=hours))
    )
    db.session.commit()


def _age_file(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def _age_keys(storage, keys, hours: float = OLD) -> None:
    for key in keys:
        _age_file(storage.path(key), hours)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _started(client, headers, data: bytes, sent: int, **overrides) -> dict:
    upload = start(client, headers, data, **overrides).get_json()
    assert put_chunk(client, headers, upload["id"], data[:sent], 0).status_code == 200
    return upload


def _upload(upload_id: int) -> Upload:
    db.session.expire_all()
    upload = db.session.get(Upload, upload_id)
    db.session.commit()  # leave no transaction open (SQLite would hold its write lock)
    return upload


def _photo_keys(photo: dict) -> list[str]:
    row = db.session.get(Photo, photo["id"])
    keys = [row.original_key, row.display_key, row.thumbnail_key]
    db.session.commit()
    return keys


def test_idle_upload_expires_with_its_part_recent_and_finished_ones_stay(client, headers, storage):
    data = images.jpeg((600, 400), quality=95, noisy=True)
    idle = _started(client, headers, data, 40_000)
    recent = _started(client, headers, images.jpeg(), 1_000)
    finished = upload_photo(client, headers, images.jpeg()).get_json()
    finished_upload = db.session.execute(
        sa.select(Upload).where(Upload.photo_id == finished["id"])
    ).scalar_one()
    _idle_for(idle["id"], OLD)
    _idle_for(recent["id"], DEFAULT_OLDER_THAN_HOURS - 1)
    _idle_for(finished_upload.id, OLD)
    _age_keys(storage, _photo_keys(finished))

    report = prune_storage()

    assert (report.uploads_expired, report.parts_deleted, report.parts_bytes) == (1, 1, 40_000)
    assert (report.files_deleted, report.bytes_freed, report.failures) == (0, 40_000, [])
    expired = _upload(idle["id"])
    assert (expired.status, expired.received, expired.error) == ("expired", 0, "media.upload_expired")
    assert not part_path(idle["id"]).exists()
    assert (_upload(recent["id"]).status, _upload(recent["id"]).received) == ("receiving", 1_000)
    assert part_path(recent["id"]).stat().st_size == 1_000
    assert _upload(finished_upload.id).status == "completed"
    assert all(storage.exists(key) for key in _photo_keys(finished))
    assert client.get(f"/api/v1/photos/{finished['id']}/original", headers=headers).data == storage.get(
        original_key(finished["sha256"])
    )
    event = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "media.upload_expired")
    ).scalar_one()
    assert (event.entity_id, event.actor_username, event.before["received"]) == (
        str(idle["id"]),
        "system",
        40_000,
    )
    # A second run finds nothing more to do.
    again = prune_storage()
    assert [getattr(again, name) for name in COUNTS] == [0, 0, 0, 0, 0]


def test_resuming_an_expired_upload_is_a_clear_error_and_its_client_id_starts_again(client, headers):
    data = images.jpeg((600, 400), quality=95, noisy=True)
    upload = _started(client, headers, data, 30_000, client_id="phone-photo-1")
    _idle_for(upload["id"], OLD)
    assert prune_storage().uploads_expired == 1
    url = f"/api/v1/uploads/{upload['id']}"

    for answer in (
        client.get(url, headers=headers),
        put_chunk(client, headers, upload["id"], data[:30_000], 0),
        put_chunk(client, headers, upload["id"], data[30_000:60_000], 30_000),
        complete(client, headers, upload["id"]),
    ):
        body = answer.get_json()
        assert answer.status_code == 404, body
        assert (body["code"], body["status"], body["error"]) == (404, "Not Found", "media.upload_expired")
        assert "过期" in body["message"] and body["detail"]["client_id"] == "phone-photo-1"
    english = client.get(url, headers={**headers, "Accept-Language": "en"}).get_json()
    assert english["message"].startswith("This upload was left unfinished too long")

    # What the PWA does on a 404: start the same client_id again. Same upload, from offset 0.
    again = start(client, headers, data, client_id="phone-photo-1")
    assert again.status_code == 200
    body = again.get_json()
    assert (body["id"], body["status"], body["offset"]) == (upload["id"], "receiving", 0)
    send_all(client, headers, upload["id"], data)
    done = complete(client, headers, upload["id"])
    assert done.status_code == 200 and done.get_json()["sha256"] == images.sha256(data)


def test_an_expired_upload_of_bytes_already_stored_completes_when_started_again(client, headers):
    data = images.jpeg()
    upload = _started(client, headers, data, 1_000, client_id="first-try")
    _idle_for(upload["id"], OLD)
    prune_storage()
    photo = upload_photo(client, headers, data, client_id="second-try").get_json()
    again = start(client, headers, data, client_id="first-try").get_json()
    assert (again["id"], again["status"], again["photo_id"]) == (upload["id"], "completed", photo["id"])


@pytest.fixture
def referenced(factories, client, headers, storage):
    """A photo, a declaration attachment and a certificate attachment, their files all old."""
    photo = upload_photo(client, headers, images.jpeg()).get_json()
    enterprise = factories.enterprise()
    declaration = factories.declaration(enterprise)
    contract = b"%PDF-1.4 contract of sale"
    db.session.add(
        DeclarationAttachment(
            declaration_id=declaration.id,
            kind="contract",
            filename="contract.pdf",
            content_type="application/pdf",
            size=len(contract),
            sha256=store_blob(contract),
        )
    )
    document = b"%PDF-1.4 supporting document"
    document_key = f"documents/{_sha(document)[:2]}/{_sha(document)}"
    storage.put(document_key, document)
    db.session.add(
        CertificateAttachment(
            enterprise_id=enterprise.id,
            uploaded_by_id=factories.user("enterprise", enterprise=enterprise).id,
            filename="letter.pdf",
            content_type="application/pdf",
            size=len(document),
            sha256=_sha(document),
            storage_key=document_key,
        )
    )
    db.session.commit()
    keys = [*_photo_keys(photo), attachment_key(_sha(contract)), document_key]
    _age_keys(storage, keys)
    return keys


def _orphans(storage) -> dict[str, list[str]]:
    """Files no row refers to: old ones under each known prefix, a young one, one of unknown code."""
    old = {
        original_key(_sha(b"old orphan photo")): b"old orphan photo",
        attachment_key(_sha(b"old orphan contract")): b"old orphan contract",
        f"documents/ab/{_sha(b'old orphan document')}": b"old orphan document",
    }
    young = {original_key(_sha(b"young orphan")): b"young orphan"}
    unknown = {"exports/2026/report.csv": b"a,b\n"}
    for key, data in {**old, **young, **unknown}.items():
        storage.put(key, data)
    _age_keys(storage, [*old, *unknown])
    crashed_put = storage.root / "documents" / "ab" / ".tmp-abandoned.0123456789ab"  # next to a key
    crashed_put.write_bytes(b"half")
    _age_file(crashed_put, OLD)
    return {"old": list(old), "young": list(young), "unknown": list(unknown), "temp": [crashed_put]}


def test_old_orphaned_files_go_young_referenced_and_unknown_ones_stay(storage, referenced):
    orphans = _orphans(storage)
    old_bytes = sum(storage.path(key).stat().st_size for key in orphans["old"]) + len(b"half")

    report = prune_storage()

    assert (report.files_deleted, report.files_bytes) == (4, old_bytes)
    assert (report.young_files_kept, report.unknown_files_kept, report.failures) == (1, 1, [])
    assert not any(storage.exists(key) for key in orphans["old"]) and not orphans["temp"][0].exists()
    assert all(storage.exists(key) for key in [*referenced, *orphans["young"], *orphans["unknown"]])
    # The young one goes once it is old too; the referenced ones never.
    _age_keys(storage, orphans["young"])
    assert prune_storage().files_deleted == 1
    assert sorted(storage.keys()) == sorted([*referenced, *orphans["unknown"]])


def test_dry_run_deletes_nothing_and_reports_what_a_run_would(client, headers, storage, referenced):
    orphans = _orphans(storage)
    data = images.jpeg((600, 400), quality=95, noisy=True)
    idle = _started(client, headers, data, 50_000)
    _idle_for(idle["id"], OLD)
    files_before = sorted(p for p in storage.root.rglob("*") if p.is_file())

    dry = prune_storage(dry_run=True)

    assert sorted(p for p in storage.root.rglob("*") if p.is_file()) == files_before
    assert part_path(idle["id"]).stat().st_size == 50_000
    assert _upload(idle["id"]).status == "receiving"
    assert db.session.query(AuditEvent).filter_by(action="media.upload_expired").count() == 0
    assert dry.dry_run and "dry run, nothing deleted" in dry.lines()[0]
    real = prune_storage()
    assert [getattr(dry, name) for name in COUNTS] == [getattr(real, name) for name in COUNTS]
    assert [getattr(real, name) for name in COUNTS[:4]] == [1, 1, 50_000, 4]
    assert not any(storage.exists(key) for key in orphans["old"])


def test_the_cli_command_prints_the_summary(app, client, headers, storage):
    idle = _started(client, headers, images.jpeg((600, 400), quality=95, noisy=True), 20_000)
    _idle_for(idle["id"], 5)
    storage.put(original_key(_sha(b"orphan")), b"orphan")
    _age_keys(storage, [original_key(_sha(b"orphan"))], 5)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["storage", "prune", "--older-than-hours", "4", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run, nothing deleted" in dry.output and "uploads_expired: 1" in dry.output
    assert part_path(idle["id"]).exists()
    default_limit = runner.invoke(args=["storage", "prune"])  # 30 days: nothing is that old
    assert default_limit.exit_code == 0 and "uploads_expired: 0" in default_limit.output
    done = runner.invoke(args=["storage", "prune", "--older-than-hours", "4"])
    assert done.exit_code == 0, done.output
    assert "uploads_expired: 1" in done.output
    assert "upload_parts_deleted: 1 (19.5 KB)" in done.output
    assert "orphaned_files_deleted: 1 (6 B)" in done.output
    assert f"bytes_freed: {20_000 + 6} " in done.output
    assert not part_path(idle["id"]).exists() and not storage.exists(original_key(_sha(b"orphan")))
    refused = runner.invoke(args=["storage", "prune", "--older-than-hours", "0"])
    assert refused.exit_code == 2


# --- running while uploads go on ------------------------------------------------------------------------


def test_a_chunk_arriving_after_the_idle_uploads_were_listed_keeps_the_upload(client, headers, monkeypatch):
    data = images.jpeg((600, 400), quality=95, noisy=True)
    upload = _started(client, headers, data, 30_000)
    _idle_for(upload["id"], OLD)
    listed = []

    def idle_then_a_chunk(cutoff):
        listed.append(cutoff)
        if len(listed) == 2:  # the ids are listed, the row not yet locked: the phone comes back
            assert put_chunk(client, headers, upload["id"], data[30_000:60_000], 30_000).status_code == 200
        return real_idle(cutoff)

    real_idle = cleanup._idle
    monkeypatch.setattr(cleanup, "_idle", idle_then_a_chunk)
    report = prune_storage()

    assert (report.uploads_expired, report.parts_deleted) == (0, 0)
    assert (_upload(upload["id"]).status, _upload(upload["id"]).received) == ("receiving", 60_000)
    send_all(client, headers, upload["id"], data, start_at=60_000)
    assert complete(client, headers, upload["id"]).status_code == 200


def test_prune_and_a_chunk_at_the_same_moment_leave_a_consistent_upload(app, client, headers):
    data = images.jpeg((600, 400), quality=95, noisy=True)
    upload = _started(client, headers, data, 30_000)
    _idle_for(upload["id"], OLD)

    def chunk():
        return put_chunk(app.test_client(), headers, upload["id"], data[30_000:60_000], 30_000)

    pruned, sent = sorted(race(app, [prune_storage, chunk]), key=lambda r: hasattr(r, "status_code"))
    row = _upload(upload["id"])
    if sent.status_code == 200:  # the chunk came first: the upload is active again
        assert pruned.uploads_expired == 0 and (row.status, row.received) == ("receiving", 60_000)
        assert part_path(upload["id"]).read_bytes() == data[:60_000]
    else:  # prune came first: the chunk is refused and nothing is left half-written
        assert sent.get_json()["error"] == "media.upload_expired"
        assert pruned.uploads_expired == 1 and (row.status, row.received) == ("expired", 0)
        assert not part_path(upload["id"]).exists()


@pytest.mark.parametrize("how", ["stored again", "row committed"])
def test_an_old_orphan_reused_while_prune_runs_is_kept(storage, factories, inspector, monkeypatch, how):
    data = b"\xff\xd8\xff\xe0 the same photo again \xff\xd9"
    key = original_key(_sha(data))
    storage.put(key, data)
    _age_keys(storage, [key])
    real_snapshot = cleanup._referenced_keys

    def snapshot_then_reuse():
        keys = real_snapshot()  # the key is not referenced yet …
        db.session.rollback()
        if (
            how == "stored again"
        ):  # … a new upload of the same bytes finds the file, its row not yet committed
            assert storage.put(key, data) is False
        else:  # … the row of such an upload commits (the file kept its old mtime)
            factories.photo(inspector, data)
            _age_keys(storage, [key])
        return keys

    monkeypatch.setattr(cleanup, "_referenced_keys", snapshot_then_reuse)
    report = prune_storage()

    assert report.files_deleted == 0 and storage.get(key) == data
    assert [p.name for p in storage.path(key).parent.iterdir()] == [storage.path(key).name]


def test_a_file_a_crashed_run_left_aside_is_put_back(storage, referenced):
    photo_key = referenced[0]
    path = storage.path(photo_key)
    aside = path.with_name(f".tmp-prune-{path.name}.0123456789ab")
    os.rename(path, aside)

    assert prune_storage().files_deleted == 0
    assert storage.exists(photo_key) and not aside.exists()


def test_put_of_stored_bytes_refreshes_the_file_time(storage):
    key = original_key(_sha(b"bytes"))
    storage.put(key, b"bytes")
    _age_keys(storage, [key])
    assert storage.put(key, b"bytes") is False
    assert time.time() - storage.path(key).stat().st_mtime < 60


def test_completing_an_upload_whose_part_vanished_restarts_it(client, headers):
    data = images.jpeg()
    upload = start(client, headers, data).get_json()
    send_all(client, headers, upload["id"], data)
    part_path(upload["id"]).unlink()
    answer = complete(client, headers, upload["id"])
    assert answer.status_code == 422 and answer.get_json()["error"] == "media.hash_mismatch"
    assert client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).get_json()["offset"] == 0
