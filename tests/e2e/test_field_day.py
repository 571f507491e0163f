"""A field day on a 2G-grade link (issue 10's first "done when"), in Chromium at phone size.

An inspector records 10 instructions with 6 camera photos each (12 MP JPEGs with EXIF, from
tests/e2e/camera.py) offline through the real screens: accept and start, the three items' results,
two photos per item, conclusion, disposition (eight pass and release; one fail with a treatment,
one fail with a return), signature, submit. Then the phone comes back on a link of 250 kbit/s in
each direction with a 300 ms round trip (Chrome DevTools Protocol network emulation, tests/e2e/
network.py), and the test checks the server through the API:

- every operation — findings, conclusions, dispositions, signatures, completions — is on the server
  within 2 minutes of the network returning; the photos come after;
- while a photo chunk is in flight (a photo already part-way on the server) the link is cut for
  20 seconds; the upload then resumes from the offset the server reports, and no chunk the server
  already had is sent again (every chunk request per upload and its offset is recorded from CDP);
- the median photo the server stored is at most 180 KB;
- nothing is lost or doubled: the SHA-256 of every photo on the phone is the server's and the
  stored original's, each photo once; the operations the phone sent are the server's operation
  log (sync_operation), each applied once, and each custody record of the evidence bundle once.

To keep CI short the throttle is lifted once the operations have arrived and the cut has been
proven by the resumed chunk, so the remaining photos finish at full speed; a whole day on the
limited link (50 instructions, 300 photos) is `python -m bench.field_bench`. Photo chunks are set to
32 KiB on the phone (as test_inspector_field does) so that a cut lands mid-photo.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import statistics
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.camera import SITE, CameraRoll
from tests.e2e.conftest import _run, report_measurement
from tests.e2e.helpers import login, wait_for_service_worker_control
from tests.e2e.network import Link, Traffic

pytestmark = [pytest.mark.e2e, pytest.mark.field, pytest.mark.slow]

INSPECTOR = "inspector-fieldday-e2e"
INSTRUCTIONS, PHOTOS_EACH = 10, 6
KBIT, RTT_MS = 250, 300
CUT_SECONDS = 20
OPS_WITHIN_SECONDS = 120
MEDIAN_PHOTO_BYTES = 180_000
CHUNK_BYTES = 32 * 1024
PHONE = {"width": 390, "height": 844}

UPLOAD_PUT = re.compile(r"^/api/v1/uploads/(\d+)$")
PUSH = "/api/v1/sync/push"
# The outcome of each instruction: (conclusion, failing item seq or None, disposition kind, fields).
TREATMENT = {
    "处理方法": "熏蒸",
    "药剂": "溴甲烷",
    "剂量": "48 g/m³",
    "处理时长（小时）": "24",
    "处理单位": "深圳市出入境检验检疫除害处理中心",
}
RETURN = {"原因": "霉变，退回企业整理", "监管人": "查检员 孙勤"}
OUTCOMES = {3: ("不合格", 2, "除害处理后重新查检", TREATMENT), 7: ("不合格", 1, "退货", RETURN)}
PASS = ("合格", None, "放行", {})
KINDS = {"放行": "release", "除害处理后重新查检": "treatment", "退货": "return"}

_CREATE_INSPECTOR = f"""
import os
from backend import create_app
from backend.extensions import db
from backend.identity.models import User
from backend.identity.passwords import hash_password
app = create_app()
with app.app_context():
    if db.session.execute(db.select(User).where(User.username == {INSPECTOR!r})).first() is None:
        db.session.add(User(username={INSPECTOR!r}, password_hash=hash_password(os.environ["DEMO_PASSWORD"]),
                            role="inspector", display_name="外勤查检员 田野", district_code="5300"))
        db.session.commit()
"""


@pytest.fixture(scope="session")
def camera_roll(tmp_path_factory) -> CameraRoll:
    """Camera photos of this session (made once, on first use)."""
    return CameraRoll(tmp_path_factory.mktemp("camera-roll"))


@pytest.fixture(scope="session")
def field_day_inspector(server_setup, live_server) -> str:
    """An inspector of district 5300 whose phone holds only this test's instructions."""
    _run([sys.executable, "-c", _CREATE_INSPECTOR], server_setup["env"])
    return INSPECTOR


def sign(page: Page) -> None:
    pad = page.get_by_test_id("signature-pad")
    pad.evaluate("el => el.scrollIntoView({ block: 'center' })")  # clear of the fixed tab bar
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(box["x"] + 20 + step * 28, box["y"] + box["height"] * (0.7 - 0.4 * (step % 2)))
    page.mouse.up()


def record_instruction(page: Page, instruction: dict, photos: list, outcome: tuple) -> list[str]:
    """Record one instruction offline through the task screen; returns the SHA-256 of its photos
    as the phone keeps them (what it will send)."""
    conclusion, failing_seq, disposition, fields = outcome
    page.locator(f"[data-instruction='{instruction['id']}']").click()
    page.get_by_role("button", name="开始查检").click()
    for index, item in enumerate(instruction["items"]):
        section = page.get_by_test_id(f"item-{item['seq']}")
        result = "不符合" if item["seq"] == failing_seq else "符合"
        section.get_by_role("radio", name=result, exact=True).click()
        pair = [str(photo.path) for photo in photos[2 * index : 2 * index + 2]]
        section.get_by_label("拍照").set_input_files(pair)
        expect(section.get_by_test_id("photo-thumb")).to_have_count(2, timeout=60_000)
    page.get_by_role("radio", name=conclusion, exact=True).click()
    page.get_by_role("radio", name=disposition, exact=True).click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    sign(page)
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_role("button", name="提交结果").click()
    expect(page.get_by_test_id("submitted-note")).to_be_visible()
    hashes = page.get_by_test_id("photo-thumb").evaluate_all("els => els.map((el) => el.dataset.sha256)")
    page.get_by_role("button", name="任务列表").click()
    return hashes


def data_missing(record: dict, instruction: dict, outcome: tuple) -> list[str]:
    """What of an instruction's findings, conclusion, disposition, signature and completion the
    server does not hold yet (empty: all there, as recorded)."""
    conclusion, failing_seq, disposition, _ = outcome
    missing = []
    results = {row["item_id"]: row["result"] for row in record.get("item_results") or []}
    for item in instruction["items"]:
        wanted = "does_not_conform" if item["seq"] == failing_seq else "conforms"
        if results.get(item["id"]) != wanted:
            missing.append(f"item {item['seq']}")
    if record.get("conclusion") != ("pass" if conclusion == "合格" else "fail"):
        missing.append("conclusion")
    if (record.get("disposition") or {}).get("kind") != KINDS[disposition]:
        missing.append("disposition")
    if not record.get("signature_sha256"):
        missing.append("signature")
    if record.get("instruction_status") != "completed":
        missing.append(f"completion ({record.get('instruction_status')})")
    return missing


def server_record(field_api, instruction_id: int) -> dict:
    status, record = field_api.call("GET", f"/api/v1/inspections/{instruction_id}", "supervisor-demo")
    assert status in (200, 404), f"inspection {instruction_id}: {status} {record}"
    return record if status == 200 else {}


def chunk_puts(traffic: Traffic) -> dict[int, list]:
    """Every chunk request per upload id, in the order sent."""
    uploads: dict[int, list] = {}
    for request in traffic.all("PUT", UPLOAD_PUT):
        uploads.setdefault(int(UPLOAD_PUT.match(request.path).group(1)), []).append(request)
    return uploads


def offset_of(request) -> int:
    return int(request.query["offset"])


def resent_chunks(uploads: dict[int, list]) -> list[str]:
    """Chunks sent at an offset the server had already confirmed (answered 2xx at or past it)."""
    resent = []
    for upload_id, requests in uploads.items():
        confirmed: set[int] = set()
        for request in requests:
            offset = offset_of(request)
            if offset in confirmed or (confirmed and offset < max(confirmed)):
                resent.append(f"upload {upload_id} offset {offset}")
            if request.ok:
                confirmed.add(offset)
    return resent


def test_a_field_day_on_a_2g_link_loses_nothing_and_data_goes_first(
    browser, field_api, live_server, server_setup, camera_roll, field_day_inspector, record_property
):
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:  # the photos are drawn while the office works
        made = pool.submit(camera_roll.photos, INSTRUCTIONS * PHOTOS_EACH)
        instructions = [field_api.new_instruction(INSPECTOR) for _ in range(INSTRUCTIONS)]
        photos = made.result()
    outcomes = [OUTCOMES.get(n, PASS) for n in range(INSTRUCTIONS)]
    prepared = time.monotonic()

    context = browser.new_context(
        base_url=live_server,
        locale="zh-CN",
        viewport=PHONE,
        geolocation={**SITE, "accuracy": 8},
        permissions=["geolocation"],
    )
    page = context.new_page()
    phone_hashes: dict[int, list[str]] = {}
    try:
        login(page, INSPECTOR)
        wait_for_service_worker_control(page)
        page.evaluate(f"localStorage.setItem('chajian.uploadChunkBytes', '{CHUNK_BYTES}')")
        for instruction in instructions:
            expect(page.locator(f"[data-instruction='{instruction['id']}']")).to_be_visible()

        # The day, offline.
        context.set_offline(True)
        for n, instruction in enumerate(instructions):
            mine = photos[n * PHOTOS_EACH : (n + 1) * PHOTOS_EACH]
            phone_hashes[instruction["id"]] = record_instruction(page, instruction, mine, outcomes[n])
        recorded = time.monotonic()
        print(f"recorded {INSTRUCTIONS}×{PHOTOS_EACH} offline in {recorded - prepared:.0f}s")
        assert all(len(set(h)) == PHOTOS_EACH for h in phone_hashes.values()), phone_hashes

        # Back on a 2G-grade link.
        link = Link(context, page, kbit=KBIT, rtt_ms=RTT_MS)
        link.throttle()
        context.set_offline(False)
        online = time.monotonic()

        def poll(every: float = 2.0):
            """The server's records (empty before an instruction was started), at most every `every` s."""
            if time.monotonic() - poll.at >= every:
                poll.records = {i["id"]: server_record(field_api, i["id"]) for i in instructions}
                poll.at = time.monotonic()
            return poll.records

        poll.at, poll.records = 0.0, {}

        def all_data_arrived():
            records = poll()
            return records and not any(
                data_missing(records.get(i["id"]) or {}, i, o)
                for i, o in zip(instructions, outcomes, strict=True)
            )

        try:
            link.wait_for(all_data_arrived, OPS_WITHIN_SECONDS, "the operations on the server", every_ms=250)
        except AssertionError:
            still = {
                i["id"]: data_missing(poll.records.get(i["id"]) or {}, i, o)
                for i, o in zip(instructions, outcomes, strict=True)
            }
            photos_sent = sum(1 for r in link.traffic.all("POST", re.compile(r"/complete$")) if r.ok)
            pytest.fail(
                f"not every operation on the server {OPS_WITHIN_SECONDS}s after the network came back "
                f"on a {KBIT} kbit/s link ({photos_sent} photos were sent meanwhile); missing: "
                f"{ {k: v for k, v in still.items() if v} }"
            )
        ops_seconds = time.monotonic() - online
        print(f"operations on the server {ops_seconds:.0f}s after the network came back")

        # A cut of 20 s while a chunk is on its way, with part of its photo on the server already.
        def chunk_mid_photo():
            for upload_id, requests in chunk_puts(link.traffic).items():
                last = requests[-1]
                if last.in_flight and offset_of(last) > 0 and time.monotonic() - last.started > 0.3:
                    return upload_id, last
            return None

        upload_id, cut_chunk = link.wait_for(chunk_mid_photo, 90, "a chunk in flight mid-photo", every_ms=50)
        link.cut()
        cut_at = time.monotonic()
        link.wait_for(lambda: not cut_chunk.in_flight, 10, "the cut to fail the chunk in flight")
        assert cut_chunk.failed, f"the chunk in flight was not cut: {cut_chunk}"
        held = field_api.ok("GET", f"/api/v1/uploads/{upload_id}", INSPECTOR)
        assert held["status"] == "receiving" and 0 < held["offset"] < held["size"], held
        link.pump(int((CUT_SECONDS - (time.monotonic() - cut_at)) * 1000))
        held = field_api.ok("GET", f"/api/v1/uploads/{upload_id}", INSPECTOR)  # what it holds at the end
        link.throttle()
        back = time.monotonic()

        def resumed():
            later = [r for r in chunk_puts(link.traffic)[upload_id] if r.started > back and r.ended]
            return later[0] if later else None

        resumed_chunk = link.wait_for(resumed, 90, f"upload {upload_id} to resume after the cut")
        assert offset_of(resumed_chunk) == held["offset"], (
            f"resumed at {offset_of(resumed_chunk)}, the server held {held['offset']}"
        )
        assert resumed_chunk.ok, f"the resumed chunk was refused: {resumed_chunk}"
        resume_seconds = resumed_chunk.started - back

        # Proven on the slow link: the rest of the photos go at full speed.
        link.lift()

        def all_photos_arrived():
            records = poll(1.0)
            return all(len(records[i["id"]]["photos"]) >= PHOTOS_EACH for i in instructions)

        link.wait_for(all_photos_arrived, 240, "every photo on the server", every_ms=250)
        photos_seconds = time.monotonic() - online
        link.wait_for(lambda: not [r for r in link.traffic.requests.values() if r.in_flight], 30, "quiet")
        traffic = link.traffic
    finally:
        context.close()

    # Nothing went round the throttle.
    from_workers = [r.url for r in traffic.requests.values() if r.from_worker and "/api/" in r.url]
    assert not from_workers, f"sync requests from a service worker escaped the emulated link: {from_workers}"

    # Photos: each once, the phone's bytes, the camera's originals intact on the phone's side.
    records = {
        i["id"]: field_api.ok("GET", f"/api/v1/inspections/{i['id']}", "supervisor-demo")
        for i in instructions
    }
    sizes = []
    for instruction in instructions:
        iid = instruction["id"]
        server_hashes = sorted(photo["sha256"] for photo in records[iid]["photos"])
        assert server_hashes == sorted(phone_hashes[iid]), f"instruction {iid}: photos lost or doubled"
        for photo in records[iid]["photos"]:
            photo_id = photo.get("photo_id", photo.get("id"))
            stored = field_api.ok("GET", f"/api/v1/photos/{photo_id}/original", "supervisor-demo")
            assert hashlib.sha256(stored).hexdigest() == photo["sha256"]
            sizes.append(len(stored))
    median_bytes, mean_bytes = statistics.median(sizes), statistics.mean(sizes)

    # Chunks: none sent twice, none refused for its offset.
    uploads = chunk_puts(traffic)
    assert len(uploads) == INSTRUCTIONS * PHOTOS_EACH, (
        f"{len(uploads)} uploads for {INSTRUCTIONS * PHOTOS_EACH}"
    )
    assert not resent_chunks(uploads), f"chunks sent twice: {resent_chunks(uploads)}"
    refused = [f"{r.path}?{r.query} {r.status}" for rs in uploads.values() for r in rs if r.status == 409]
    assert not refused, f"chunks refused for their offset: {refused}"
    cut_requests = [r for rs in uploads.values() for r in rs if r.failed]

    # Operations: what the phone sent is the server's operation log, each applied once.
    sent_ops: dict[str, dict] = {}
    pushes = traffic.all("POST", PUSH)
    for request in pushes:
        body = traffic.bodies.get(request.id)
        assert body is not None, f"no body recorded for push {request.id}"
        for op in json.loads(body)["operations"]:
            sent_ops.setdefault(op["op_id"], op)
    per_instruction = {
        i["id"]: [op for op in sent_ops.values() if op["target"]["instruction_id"] == i["id"]]
        for i in instructions
    }
    for iid, ops in per_instruction.items():
        types = sorted(op["type"] for op in ops)
        for needed, count in (
            ("item_result.set", 3),
            ("photo.attach", PHOTOS_EACH),
            ("conclusion.set", 1),
            ("disposition.set", 1),
            ("signature.set", 1),
            ("instruction.complete", 1),
        ):
            assert types.count(needed) == count, f"instruction {iid} sent {types}"
    database = sa.create_engine(server_setup["env"]["DATABASE_URL"])
    try:
        with database.connect() as connection:
            logged = connection.execute(
                sa.text(
                    "SELECT o.op_id, o.status FROM sync_operation o JOIN user_account u ON u.id = o.user_id"
                    " WHERE u.username = :name"
                ),
                {"name": INSPECTOR},
            ).all()
    finally:
        database.dispose()
    assert sorted(op_id for op_id, _ in logged) == sorted(sent_ops), (
        "the operation log differs from what was sent"
    )
    assert {status for _, status in logged} == {"applied"}, sorted(set(logged))
    custody_kinds = {
        "item_result.set",
        "photo.attach",
        "conclusion.set",
        "disposition.set",
        "signature.set",
        "instruction.complete",
        "instruction.start",
    }
    for instruction in instructions:
        iid = instruction["id"]
        bundle = field_api.ok("GET", f"/api/v1/inspections/{iid}/evidence-bundle", "supervisor-demo")
        manifest = json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("manifest.json"))
        recorded_ops = [record["op_id"] for record in manifest["records"]]
        expected = sorted(op["op_id"] for op in per_instruction[iid] if op["type"] in custody_kinds)
        assert sorted(recorded_ops) == expected, (
            f"instruction {iid}: custody records differ from the operations"
        )

    # The figures, then the goals.
    put_bytes = sum(r.body_bytes or 0 for rs in uploads.values() for r in rs if r.ok)
    line = (
        f"field day: {INSTRUCTIONS}×{PHOTOS_EACH} recorded offline in {recorded - prepared:.0f}s "
        f"(photos generated in {camera_roll.seconds:.0f}s, setup {prepared - began:.0f}s); on {KBIT} kbit/s "
        f"{RTT_MS} ms: operations on the server after {ops_seconds:.0f}s ({len(sent_ops)} ops in "
        f"{len(pushes)} pushes), cut {CUT_SECONDS}s mid-photo: resumed at offset {held['offset']} "
        f"{resume_seconds:.1f}s after, {len(cut_requests)} chunk(s) cut, 0 resent; photos on the server "
        f"after {photos_seconds:.0f}s (throttle lifted after the resume); bytes per photo median "
        f"{median_bytes / 1000:.0f} KB mean {mean_bytes / 1000:.0f} KB; chunk bytes sent {put_bytes}"
    )
    report_measurement(record_property, line)
    assert ops_seconds <= OPS_WITHIN_SECONDS
    assert median_bytes <= MEDIAN_PHOTO_BYTES, f"median photo {median_bytes} bytes > {MEDIAN_PHOTO_BYTES}"
