"""The photo copies are a job: the upload is acknowledged first, the job makes each copy once.

In-process here (no broker: the test app's jobs run at once, as under `make run`), and with the job
held back as a broker would hold it; tests/media/test_derivative_worker.py runs a real worker.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.extensions import db
from backend.media import derivatives, tasks
from backend.media.models import Photo
from tests.media import images
from tests.media.uploads import upload_photo


def made_events(photo_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).where(
            AuditEvent.action == "media.derivatives_ready", AuditEvent.entity_id == str(photo_id)
        )
    ).scalar_one()


@pytest.fixture
def held_jobs(app, monkeypatch):
    """Jobs are enqueued but not run (a broker with no worker yet): returns the photo ids enqueued."""
    enqueued: list[int] = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: enqueued.append(args[0]))
    monkeypatch.setattr("backend.media.service.enqueue", lambda task, *args: enqueued.append(args[0]))
    return enqueued


def test_in_process_the_copies_are_made_once_and_a_second_run_does_nothing(client, headers, storage):
    data = images.jpeg((2400, 1800))
    photo = upload_photo(client, headers, data).get_json()
    # In-process (make run): the job ran before the answer was sent.
    assert (photo["derivatives"], photo["display_width"], photo["display_height"]) == ("ready", 1600, 1200)
    assert photo["derivatives_at"] is not None
    display = client.get(photo["links"]["display"], headers=headers)
    assert display.status_code == 200
    assert hashlib.sha256(display.data).hexdigest() == photo["display_sha256"]
    assert made_events(photo["id"]) == 1

    files = {key: storage.get(key) for key in storage.keys()}
    assert tasks.make_derivatives.apply(args=[photo["id"]]).get() is False  # a re-delivery
    assert {key: storage.get(key) for key in storage.keys()} == files
    assert made_events(photo["id"]) == 1


def test_with_a_broker_the_upload_is_acknowledged_before_the_copies_exist(
    client, headers, storage, held_jobs
):
    data = images.jpeg((2000, 1500), exif=images.exif_bytes(orientation=6))
    answer = upload_photo(client, headers, data)
    assert answer.status_code == 200
    photo = answer.get_json()
    # Stored, hashed and fsynced: the phone may forget its copy; the evidence is all there.
    assert (photo["derivatives"], photo["display_sha256"], photo["display_width"]) == ("pending", None, None)
    assert (photo["exif"]["orientation"], photo["width"], photo["height"]) == (6, 2000, 1500)
    assert held_jobs == [photo["id"]]
    assert storage.keys() == [f"originals/{photo['sha256'][:2]}/{photo['sha256']}"]
    original = client.get(photo["links"]["original"], headers=headers)
    assert original.status_code == 200 and original.data == data
    for variant in ("display", "thumbnail"):
        waiting = client.get(photo["links"][variant], headers={**headers, "Accept-Language": "en"})
        body = waiting.get_json()
        assert (waiting.status_code, body["error"], body["detail"]["status"]) == (
            404,
            "media.derivative_pending",
            "pending",
        )
        assert waiting.headers["Retry-After"] == "5" and "not ready yet" in body["message"]
        assert body["detail"]["original"] == photo["links"]["original"]

    # The worker takes the job; a second delivery (the first worker died after its commit) does nothing.
    assert tasks.make_derivatives.apply(args=[photo["id"]]).get() is True
    assert tasks.make_derivatives.apply(args=[photo["id"]]).get() is False
    ready = client.get(f"/api/v1/photos/{photo['id']}", headers=headers).get_json()
    assert (ready["derivatives"], ready["display_width"], ready["display_height"]) == ("ready", 1200, 1600)
    thumbnail = client.get(photo["links"]["thumbnail"], headers=headers)
    assert thumbnail.status_code == 200
    assert hashlib.sha256(thumbnail.data).hexdigest() == ready["thumbnail_sha256"]
    assert made_events(photo["id"]) == 1
    assert len(storage.keys()) == 3


def test_the_sweep_enqueues_again_only_what_a_lost_message_left_pending(client, headers, held_jobs):
    lost, fresh = (upload_photo(client, headers, images.jpeg()).get_json() for _ in range(2))
    assert held_jobs == [lost["id"], fresh["id"]]
    db.session.execute(
        sa.update(Photo)
        .where(Photo.id == lost["id"])
        .values(received_at=utcnow() - timedelta(seconds=tasks.SWEEP_AFTER_SECONDS + 60))
    )
    db.session.commit()
    held_jobs.clear()
    assert tasks.sweep_pending_derivatives.apply().get() == 1
    assert held_jobs == [lost["id"]]
    assert derivatives.make_photo_derivatives(photo_id=lost["id"]) is True
    assert tasks.sweep_pending_derivatives.apply().get() == 0


def test_a_photo_that_yields_no_copy_is_marked_failed_once_and_keeps_its_original(
    client, headers, held_jobs, monkeypatch
):
    photo = upload_photo(client, headers, images.jpeg()).get_json()

    def refuse(data, **limits):
        raise derivatives.DomainError("media.corrupt_image", detail={"reason": "test"})

    monkeypatch.setattr(derivatives.processing, "make_derivatives", refuse)
    assert derivatives.make_photo_derivatives(photo_id=photo["id"]) is True
    assert derivatives.make_photo_derivatives(photo_id=photo["id"]) is False
    failed = client.get(photo["links"]["display"], headers=headers)
    assert failed.get_json()["detail"]["status"] == "failed" and "Retry-After" not in failed.headers
    assert client.get(photo["links"]["original"], headers=headers).status_code == 200
    event = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "media.derivatives_failed")
    ).scalar_one()
    assert (event.entity_id, event.after, event.district_code) == (
        str(photo["id"]),
        {"error": "media.corrupt_image"},
        "5300",
    )


def test_beat_sends_only_registered_jobs_and_housekeeping_runs_run_scheduled(app):
    from backend.review.scheduled import run_scheduled

    celery_app = app.extensions["celery"]
    schedule = celery_app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "review.run_scheduled",
        "media.sweep_pending_derivatives",
        "media.prune_storage",
        "statistics.roll_up",
        "exports.purge_expired",
        "interchange.sweep",
    }
    assert {entry["task"] for entry in schedule.values()} <= set(celery_app.tasks)
    counts = celery_app.tasks["review.run_scheduled"].apply().get()
    assert set(counts) == set(run_scheduled()) and all(count == 0 for count in counts.values())
    assert celery_app.tasks["statistics.roll_up"].apply().get() == 0  # no receipts: no day to roll up


def test_a_broker_that_is_down_does_not_fail_the_upload_and_the_sweep_makes_the_copies(
    client, headers, broker_mode, caplog
):
    broker_mode("redis://127.0.0.1:1/0")  # nothing listens there
    photo = upload_photo(client, headers, images.jpeg()).get_json()
    assert photo["derivatives"] == "pending"
    assert "could not enqueue media.make_derivatives" in caplog.text
    # Redis is back (here: jobs in-process again) and the sweep finds the photo.
    broker_mode("")
    db.session.execute(
        sa.update(Photo)
        .where(Photo.id == photo["id"])
        .values(received_at=utcnow() - timedelta(seconds=tasks.SWEEP_AFTER_SECONDS + 1))
    )
    db.session.commit()
    assert tasks.sweep_pending_derivatives.apply().get() == 1
    assert client.get(f"/api/v1/photos/{photo['id']}", headers=headers).get_json()["derivatives"] == "ready"
