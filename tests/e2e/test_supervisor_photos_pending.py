""" "待到照片 n 张" on the supervisor's board and detail, in Chromium against the live server.

The field inspector's phone sends its findings ahead of its photos (issue 10): two photos are
declared with the findings and the instruction is completed; the board shows two photos pending
without a reload. One photo's upload arrives and is linked after completion: the board shows one;
the detail too. The second arrives: nothing is pending any more.
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.request
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FIELD_INSPECTOR, FieldApi
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

SUPERVISOR = "supervisor-demo"
DEVICE = "e2e-photos-pending-phone"


def webp(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (shade, 120, 60)).save(buffer, "WEBP", quality=70)
    return buffer.getvalue()


def push(api: FieldApi, operations: list[dict]) -> list[dict]:
    now = datetime.now(UTC).isoformat()
    ops = [
        {"op_id": str(uuid.uuid4()), "recorded_at": now, "base_version": None, "body": {}, **op}
        for op in operations
    ]
    answer = api.ok("POST", "/api/v1/sync/push", FIELD_INSPECTOR, {"device_id": DEVICE, "operations": ops})
    assert [r["status"] for r in answer["results"]] == ["applied"] * len(ops), answer
    return answer["results"]


def upload(api: FieldApi, client_id: str, data: bytes) -> dict:
    """The phone's resumable upload in one chunk: start, put the bytes, complete."""
    started = api.ok(
        "POST",
        "/api/v1/uploads",
        FIELD_INSPECTOR,
        {
            "client_id": client_id,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "content_type": "image/webp",
            "captured_at": datetime.now(UTC).isoformat(),
            "device_id": DEVICE,
            "original_sha256": hashlib.sha256(b"camera file " + data).hexdigest(),
            "exif": {
                "make": "HUAWEI",
                "model": "P60 Pro",
                "taken_at": "2026-11-27T15:30:05+08:00",
                "gps": None,
            },
        },
    )
    request = urllib.request.Request(
        f"{api.base_url}/api/v1/uploads/{started['id']}?offset=0",
        data=data,
        method="PUT",
        headers={
            "Authorization": f"Bearer {api.token(FIELD_INSPECTOR)}",
            "Content-Type": "application/octet-stream",
        },
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 200
    return api.ok("POST", f"/api/v1/uploads/{started['id']}/complete", FIELD_INSPECTOR)


def test_the_board_shows_photos_pending_until_they_arrive_after_completion(page: Page, field_api: FieldApi):
    instruction = field_api.new_instruction()
    iid, items = instruction["id"], instruction["items"]
    login(page, SUPERVISOR)
    expect(page).to_have_url(re.compile(r"/monitoring$"))
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-live", "true")
    row = page.locator(f"[data-testid=board-item][data-instruction='{iid}']")
    expect(row).to_have_attribute("data-status", "assigned")
    expect(row.get_by_test_id("photos-pending")).to_have_count(0)
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page

    shots = [(str(uuid.uuid4()), webp(shade)) for shade in (40, 200)]
    version = instruction["version"]
    push(
        field_api,
        [
            {"type": "instruction.accept", "target": {"instruction_id": iid}, "base_version": version},
            {"type": "instruction.start", "target": {"instruction_id": iid}, "base_version": version + 1},
            *(
                {
                    "type": "photo.declare",
                    "target": {"instruction_id": iid, "client_photo_id": cid, "item_id": items[0]["id"]},
                    "body": {
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "original_sha256": hashlib.sha256(b"camera file " + data).hexdigest(),
                        "captured_at": datetime.now(UTC).isoformat(),
                        "gps": None,
                        "exif": None,
                        "caption": None,
                    },
                }
                for cid, data in shots
            ),
            *(
                {
                    "type": "item_result.set",
                    "target": {"instruction_id": iid, "item_id": item["id"]},
                    "base_version": 0,
                    "body": {"result": "conforms", "notes": "", "measurements": {}},
                }
                for item in items
            ),
            {
                "type": "conclusion.set",
                "target": {"instruction_id": iid},
                "base_version": 0,
                "body": {"conclusion": "pass", "notes": ""},
            },
            {"type": "instruction.complete", "target": {"instruction_id": iid}, "base_version": version + 2},
        ],
    )
    expect(row).to_have_attribute("data-status", "completed")
    pending = row.get_by_test_id("photos-pending")
    expect(pending).to_have_attribute("data-count", "2")
    expect(pending).to_have_text(re.compile(r"待到照片 2 张"))

    def arrive(cid: str, data: bytes) -> None:
        photo = upload(field_api, cid, data)
        push(
            field_api,
            [
                {
                    "type": "photo.attach",
                    "target": {"instruction_id": iid, "photo_id": photo["id"], "client_photo_id": cid},
                    "body": {"sha256": photo["sha256"], "caption": ""},
                }
            ],
        )

    arrive(*shots[0])
    expect(pending).to_have_attribute("data-count", "1")
    expect(pending).to_have_text(re.compile(r"待到照片 1 张"))
    assert page.evaluate("window.__sameDocument") is True

    row.click()
    expect(page).to_have_url(re.compile(rf"/supervisor/instructions/{iid}$"))
    expect(page.get_by_test_id("photo-count")).to_contain_text("1 张")
    detail_pending = page.get_by_test_id("photos-pending")
    expect(detail_pending).to_have_text("待到照片 1 张")

    arrive(*shots[1])
    expect(detail_pending).to_have_count(0)
    expect(page.get_by_test_id("photo-count")).to_contain_text("2 张")
