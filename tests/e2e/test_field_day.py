"""A field day on a 2G-grade link (issue 10's first "done when"), in Chromium at phone size.

An inspector records 10 instructions with 6 camera photos each (12 MP JPEGs with the camera's EXIF,
tests/e2e/camera.py) offline through the real screens: start, the three items' results with two
photos each, conclusion, disposition (pass and release; one fail with a treatment, one with a
return), signature, submit (tests/e2e/fieldday.py). Then the phone comes back on a link of 250
kbit/s each way with a 300 ms round trip, and the test checks the server through the API. The link
(tests/e2e/network.py) is a TCP proxy shaping the bytes, because Chrome DevTools Protocol network
emulation does not throttle Blob bodies such as photo chunks; CDP turns the page offline for the cut
and records every request:

- every operation — findings, conclusions, dispositions, signatures, completions — is on the server
  within 2 minutes of the network returning, and the supervisor's record counts the photos still
  pending; the photos come after;
- while a photo chunk is in flight, with part of its photo on the server already, the link is cut for
  20 seconds; the upload then resumes at the offset the server holds, and no chunk the server
  already had is sent again (every chunk request and its offset is recorded from CDP);
- the median photo the server stored is at most 180 KB (180,000 bytes);
- nothing is lost or doubled: every photo the phone shows is on the server once with the same
  SHA-256, its stored bytes hash to it, and the SHA-256 and EXIF of each camera file are on record;
  the operations the phone sent are the server's operation log (sync_operation), each applied once,
  and each custody record of the evidence bundles carries one of them once.

To keep CI short, the throttle is lifted once the operations have arrived and the cut has been
proven by the resumed chunk, so the remaining photos finish at full speed; the whole day on the
limited link (50 instructions, 300 photos) is `python -m bench.field_bench`. Until then photo chunks
are set to 32 KiB on the phone (as test_inspector_field does) so that a cut lands mid-photo.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.camera import SITE, CameraRoll, shared_roll
from tests.e2e.conftest import report_measurement
from tests.e2e.fieldday import FieldDay, create_inspector
from tests.e2e.helpers import login, wait_for_service_worker_control
from tests.e2e.network import Link

pytestmark = [pytest.mark.e2e, pytest.mark.field, pytest.mark.slow]

INSPECTOR = "inspector-fieldday-e2e"
INSTRUCTIONS, PHOTOS_EACH = 10, 6
KBIT, RTT_MS, CUT_SECONDS = 250, 300, 20
OPS_WITHIN_SECONDS = 120
MEDIAN_PHOTO_BYTES = 180_000
CHUNK_BYTES = 32 * 1024


@pytest.fixture(scope="session")
def camera_roll() -> CameraRoll:
    """Camera photos, drawn once and kept in the temporary directory for later sessions."""
    return shared_roll()


@pytest.fixture(scope="session")
def field_day_inspector(server_setup, live_server) -> str:
    """An inspector of district 5300 whose phone holds only this test's instructions."""
    return create_inspector(server_setup["env"], INSPECTOR)


@pytest.fixture
def link(live_server):
    """The phone's mobile link to the session's server (open until the test throttles it)."""
    shaped = Link(("127.0.0.1", urlparse(live_server).port))
    yield shaped
    shaped.close()


def test_a_field_day_on_a_2g_link_loses_nothing_and_sends_data_first(
    browser, field_api, link, server_setup, camera_roll, field_day_inspector, record_property
):
    day = FieldDay(
        field_api, field_day_inspector, camera_roll, link, instructions=INSTRUCTIONS, photos_each=PHOTOS_EACH
    )
    day.prepare()
    context = browser.new_context(
        base_url=link.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        geolocation={**SITE, "accuracy": 8},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        login(page, field_day_inspector)
        wait_for_service_worker_control(page)
        page.evaluate(f"localStorage.setItem('chajian.uploadChunkBytes', '{CHUNK_BYTES}')")
        day.record_offline(context, page)
        print(f"recorded {INSTRUCTIONS}×{PHOTOS_EACH} offline in {day.figures.recorded_seconds:.0f}s")

        day.go_online(context, page, kbit=KBIT, rtt_ms=RTT_MS)
        day.wait_for_data(OPS_WITHIN_SECONDS)
        print(f"operations on the server {day.figures.data_seconds:.0f}s after the network came back")
        pending = day.photos_pending()
        # The supervisor sees how many photos each instruction still waits for.
        assert all(w is not None and w + linked == PHOTOS_EACH for w, linked in pending.values()), pending
        cut = day.cut_mid_photo(CUT_SECONDS)

        # Proven on the slow link: the rest of the photos go at full speed, in the app's own chunks.
        link.lift()
        page.evaluate("localStorage.removeItem('chajian.uploadChunkBytes')")
        day.wait_for_photos(240)
    finally:
        context.close()
    figures = day.check(server_setup["env"]["DATABASE_URL"])

    report_measurement(
        record_property,
        f"field day: {INSTRUCTIONS}×{PHOTOS_EACH} recorded offline in {figures.recorded_seconds:.0f}s "
        f"(photos drawn in {camera_roll.seconds:.0f}s); on {KBIT} kbit/s {RTT_MS} ms: operations on the "
        f"server after {figures.data_seconds:.0f}s ({figures.operations} ops in {figures.pushes} pushes), "
        f"cut {CUT_SECONDS}s mid-photo at {cut.held_offset}/{cut.size} bytes, resumed there "
        f"{cut.resumed_after:.1f}s after the link returned, {figures.cut_chunks} chunk(s) cut, none resent; "
        f"photos linked after {figures.photos_seconds:.0f}s (throttle lifted after the resume); bytes per "
        f"photo median {figures.median_photo / 1000:.0f} KB, mean {figures.mean_photo / 1000:.0f} KB; "
        f"{figures.bytes_up / 1e6:.1f} MB up, {figures.bytes_down / 1e6:.1f} MB down through the link",
    )
    assert figures.median_photo <= MEDIAN_PHOTO_BYTES, f"median photo {figures.median_photo:.0f} bytes"
