"""Service-level guarantees: a failure after the files are written loses nothing; racing completes."""

import threading

import pytest

from backend.audit.models import AuditEvent
from backend.core.auth import Actor
from backend.core.enums import Assurance, Role
from backend.errors import DomainError
from backend.extensions import db
from backend.media import service
from backend.media.models import Photo, Upload
from backend.media.spool import part_path
from backend.media.storage import original_key
from tests.media import images
from tests.media.uploads import send_all, start


def actor_for(user) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        assurance=Assurance.PASSWORD,
        enterprise_id=None,
        district_code=user.district_code,
        session_id="test",
    )


def test_failure_after_files_are_written_keeps_them_and_the_upload(
    client, headers, inspector, storage, monkeypatch
):
    data = images.jpeg()
    upload = start(client, headers, data).get_json()
    send_all(client, headers, upload["id"], data)

    def audit_down(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(service, "_audit_photo", audit_down)
    with pytest.raises(RuntimeError):
        service.complete_upload(actor=actor_for(inspector), upload_id=upload["id"])
    db.session.rollback()
    assert db.session.query(Photo).count() == 0
    # The files stay (another upload of the same bytes may be saving a photo on them right now);
    # `storage prune` reclaims them if nothing ever refers to them. The copies were never made: the
    # job is enqueued only after the commit.
    assert storage.keys() == [original_key(images.sha256(data))]
    row = db.session.get(Upload, upload["id"])
    assert (row.status, row.received) == ("receiving", len(data))
    assert part_path(upload["id"]).exists()  # the bytes are kept: completing again needs no re-upload

    monkeypatch.undo()
    photo = service.complete_upload(actor=actor_for(inspector), upload_id=upload["id"])
    assert photo.sha256 == images.sha256(data)
    assert len(storage.keys()) == 3  # the original, then the display copy and thumbnail (in-process job)


def test_racing_completes_of_the_same_bytes_make_one_photo(app, headers, storage):
    data = images.jpeg((1200, 900))
    client = app.test_client()
    uploads = [start(client, headers, data, client_id=f"race-{n}").get_json() for n in range(4)]
    for upload in uploads:
        send_all(client, headers, upload["id"], data)
    db.session.commit()  # hold no transaction in this thread
    barrier = threading.Barrier(len(uploads))
    answers = [None] * len(uploads)

    def complete(index):
        racer = app.test_client()
        barrier.wait()
        answers[index] = racer.post(f"/api/v1/uploads/{uploads[index]['id']}/complete", headers=headers)

    threads = [threading.Thread(target=complete, args=(i,)) for i in range(len(uploads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200] * len(uploads), [a.get_json() for a in answers]
    assert len({a.get_json()["id"] for a in answers}) == 1
    assert db.session.query(Photo).count() == 1
    assert db.session.query(AuditEvent).filter_by(action="media.photo_added").count() == 1
    assert len(storage.keys()) == 3
    assert not any(part_path(u["id"]).exists() for u in uploads)


class UnreadableBody:
    """A request body that must not be read: the refusal has to come from the declared length."""

    def read(self, *args):
        raise AssertionError("the body was read before the declared length was checked")


@pytest.mark.parametrize(
    ("length", "error"),
    [(9 * 1024 * 1024, "media.chunk_too_large"), (5000, "media.size_exceeded")],
)
def test_declared_chunk_length_is_refused_before_the_body_is_read(client, headers, inspector, length, error):
    upload = start(client, headers, b"x" * 1000, sha256=images.sha256(b"x" * 1000)).get_json()
    with pytest.raises(DomainError) as caught:
        service.append_chunk(
            actor=actor_for(inspector),
            upload_id=upload["id"],
            offset=0,
            length=length,
            stream=UnreadableBody(),
        )
    assert caught.value.error == error and caught.value.status == 413


def test_wrong_offset_is_refused_before_the_body_is_read(client, headers, inspector):
    upload = start(client, headers, b"x" * 1000, sha256=images.sha256(b"x" * 1000)).get_json()
    with pytest.raises(DomainError) as caught:
        service.append_chunk(
            actor=actor_for(inspector), upload_id=upload["id"], offset=10, length=10, stream=UnreadableBody()
        )
    assert caught.value.error == "media.offset_mismatch" and caught.value.detail["offset"] == 0
