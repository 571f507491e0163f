"""Resumable upload through the API: chunks, resume after a break, idempotency, stored once, races."""

import threading

from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.media.models import Photo, Upload
from backend.media.spool import part_path
from backend.media.storage import original_key
from tests.media import images
from tests.media.uploads import complete, put_chunk, send_all, start, upload_photo


def test_chunked_upload_creates_a_photo_with_its_evidence(client, headers, inspector, storage):
    exif = images.exif_bytes(gps=((22.5, "N"), (113.9, "E"), (10.0, False)))
    data = images.jpeg((2400, 1800), exif=exif)
    started = start(client, headers, data)
    assert started.status_code == 201
    upload = started.get_json()
    assert (upload["status"], upload["offset"], upload["size"]) == ("receiving", 0, len(data))
    assert started.headers["Upload-Offset"] == "0"

    first = put_chunk(client, headers, upload["id"], data[:50_000], 0)
    assert first.status_code == 200 and first.get_json()["offset"] == 50_000
    assert first.headers["Upload-Offset"] == "50000"
    send_all(client, headers, upload["id"], data, start_at=50_000)
    done = complete(client, headers, upload["id"])
    assert done.status_code == 200, done.get_json()
    photo = done.get_json()

    assert photo["sha256"] == images.sha256(data) and photo["size"] == len(data)
    assert (photo["content_type"], photo["width"], photo["height"]) == ("image/jpeg", 2400, 1800)
    assert (photo["display_width"], photo["display_height"]) == (1600, 1200)
    assert photo["uploaded_by_id"] == inspector.id and photo["district_code"] == "5300"
    assert photo["device_id"] == "android-7f3a"
    assert photo["captured_at"].startswith("2026-11-27T07:30:05")  # device clock
    assert photo["received_at"]  # server clock
    assert photo["client_gps"] == {"lat": 22.5417, "lon": 113.9458, "alt": 12.0, "accuracy": 8.5}
    assert photo["exif"]["make"] == "HUAWEI" and photo["exif"]["model"] == "P60 Pro"
    assert photo["exif"]["captured_at"] == "2026-11-27T15:30:05+08:00"
    assert photo["exif"]["gps"]["lat"] == 22.5
    assert photo["links"]["original"] == f"/api/v1/photos/{photo['id']}/original"

    assert storage.get(original_key(photo["sha256"])) == data
    assert not part_path(upload["id"]).exists()
    status = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).get_json()
    assert (status["status"], status["photo_id"], status["offset"]) == ("completed", photo["id"], len(data))
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "media.photo_added")
    ).scalar_one()
    assert event.entity_id == str(photo["id"]) and event.actor_user_id == inspector.id
    assert event.after["sha256"] == photo["sha256"]


def test_interrupted_upload_resumes_from_the_offset_the_server_reports(client, headers):
    data = images.jpeg((600, 400), quality=95, noisy=True)
    assert len(data) > 150_000
    upload = start(client, headers, data).get_json()
    assert put_chunk(client, headers, upload["id"], data[:40_000], 0).status_code == 200
    # The link drops: the phone does not know whether the next chunk arrived. It asks.
    assert put_chunk(client, headers, upload["id"], data[40_000:80_000], 40_000).status_code == 200
    asked = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers)
    assert asked.get_json()["offset"] == 80_000 and asked.headers["Upload-Offset"] == "80000"
    # Resending a chunk the server already has is refused with the server's offset …
    stale = put_chunk(client, headers, upload["id"], data[40_000:80_000], 40_000)
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"] == "media.offset_mismatch" and body["detail"]["offset"] == 80_000
    assert stale.headers["Upload-Offset"] == "80000"
    # … and so is a chunk from the future.
    assert put_chunk(client, headers, upload["id"], data[90_000:100_000], 90_000).status_code == 409
    send_all(client, headers, upload["id"], data, start_at=80_000)
    assert complete(client, headers, upload["id"]).get_json()["sha256"] == images.sha256(data)


def test_content_range_header_works_like_the_offset_query(client, headers):
    data = images.png((300, 200))
    upload = start(client, headers, data, content_type="image/png").get_json()
    half = len(data) // 2
    size = len(data)
    first = put_chunk(
        client, headers, upload["id"], data[:half], 0, content_range=f"bytes 0-{half - 1}/{size}"
    )
    assert first.get_json()["offset"] == half
    wrong_total = put_chunk(
        client, headers, upload["id"], data[half:], half, content_range=f"bytes {half}-{size - 1}/{size + 5}"
    )
    assert wrong_total.status_code == 400 and wrong_total.get_json()["error"] == "media.bad_range"
    rest = put_chunk(
        client, headers, upload["id"], data[half:], half, content_range=f"bytes {half}-{size - 1}/{size}"
    )
    assert rest.get_json()["offset"] == size
    assert complete(client, headers, upload["id"]).get_json()["content_type"] == "image/png"


def test_same_client_id_returns_the_same_upload(client, headers):
    data = images.jpeg()
    first = start(client, headers, data, client_id="phone-uuid-1")
    again = start(client, headers, data, client_id="phone-uuid-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    other_bytes = start(client, headers, images.jpeg(), client_id="phone-uuid-1")
    assert other_bytes.status_code == 409 and other_bytes.get_json()["error"] == "media.client_id_conflict"
    assert db.session.query(Upload).count() == 1


def test_the_same_photo_uploaded_twice_is_stored_once(client, headers, storage):
    data = images.jpeg()
    first = upload_photo(client, headers, data).get_json()
    # A second upload of the same bytes (new client id, e.g. picked again from the gallery) is
    # answered at once with the existing photo: no bytes need to travel.
    again = start(client, headers, data, client_id="second-try")
    assert again.status_code == 201
    body = again.get_json()
    assert (body["status"], body["photo_id"], body["offset"]) == ("completed", first["id"], len(data))
    assert complete(client, headers, body["id"]).get_json()["id"] == first["id"]
    assert db.session.query(Photo).count() == 1
    assert [k for k in storage.keys() if k.startswith("originals/")] == [original_key(first["sha256"])]


def test_two_uploads_of_the_same_bytes_in_flight_end_as_one_photo(client, headers):
    data = images.jpeg()
    a = start(client, headers, data, client_id="a").get_json()
    b = start(client, headers, data, client_id="b").get_json()
    send_all(client, headers, a["id"], data)
    send_all(client, headers, b["id"], data)
    photo_a = complete(client, headers, a["id"]).get_json()
    photo_b = complete(client, headers, b["id"]).get_json()
    assert photo_a["id"] == photo_b["id"]
    assert db.session.query(Photo).count() == 1
    assert db.session.query(AuditEvent).filter_by(action="media.photo_added").count() == 1


def test_complete_is_repeatable_and_refused_before_all_bytes(client, headers):
    data = images.jpeg()
    upload = start(client, headers, data).get_json()
    put_chunk(client, headers, upload["id"], data[:1000], 0)
    early = complete(client, headers, upload["id"])
    assert early.status_code == 409 and early.get_json()["error"] == "media.upload_incomplete"
    assert early.get_json()["detail"]["offset"] == 1000
    send_all(client, headers, upload["id"], data, start_at=1000)
    first, second = complete(client, headers, upload["id"]), complete(client, headers, upload["id"])
    assert first.get_json()["id"] == second.get_json()["id"]
    late = put_chunk(client, headers, upload["id"], b"x", len(data))
    assert late.status_code == 409 and late.get_json()["error"] == "media.upload_closed"


def test_chunk_must_be_octet_stream_and_have_a_position(client, headers):
    upload = start(client, headers, images.jpeg()).get_json()
    url = f"/api/v1/uploads/{upload['id']}"
    as_json = client.put(url + "?offset=0", json={"a": 1}, headers=headers)
    assert as_json.status_code == 415 and as_json.get_json()["error"] == "request.unsupported_media_type"
    octet = {**headers, "Content-Type": "application/octet-stream"}
    no_position = client.put(url, data=b"abc", headers=octet)
    assert no_position.status_code == 400 and no_position.get_json()["error"] == "media.bad_range"
    empty = client.put(url + "?offset=0", data=b"", headers=octet)
    assert empty.status_code == 400 and empty.get_json()["error"] == "media.bad_range"


def test_concurrent_chunks_at_the_same_offset_one_wins(app, headers):
    data = images.jpeg((600, 400), quality=95, noisy=True)
    client = app.test_client()
    upload = start(client, headers, data).get_json()
    half = len(data) // 2
    db.session.commit()  # this thread holds no transaction (SQLite would make the racers wait on it)
    # Eight racers at offset 0; one sends the real bytes, the others garbage of the same length.
    bodies = [data[:half]] + [bytes([n]) * half for n in range(1, 8)]
    barrier = threading.Barrier(len(bodies))
    results = [None] * len(bodies)

    def race(index):
        racer = app.test_client()
        barrier.wait()
        results[index] = put_chunk(racer, headers, upload["id"], bodies[index], 0)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [409] * 7, [r.get_json() for r in results]
    winner = next(i for i, r in enumerate(results) if r.status_code == 200)
    assert part_path(upload["id"]).read_bytes() == bodies[winner]
    for result in results:
        if result.status_code == 409:
            assert result.get_json()["detail"]["offset"] == half
    send_all(client, headers, upload["id"], data, start_at=half)
    outcome = complete(client, headers, upload["id"])
    if winner == 0:
        assert outcome.status_code == 200
    else:  # garbage won the race: the hash check catches it and the upload starts over
        assert outcome.get_json()["error"] == "media.hash_mismatch"
