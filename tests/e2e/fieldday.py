"""A field day of an inspector, driven through the PWA and checked through the API.

Shared by the browser test (tests/e2e/test_field_day.py: 10 instructions, part of the day on the slow
link) and the bench (bench/field_bench.py: a whole day on it). Steps, in order:

1. `prepare()`: the office issues `instructions` instructions for the inspector through the API
   (declare, approve under a 100 % rule, assign) while the camera roll draws the photos;
2. `record_offline(page)`: with the phone offline, each instruction is recorded on the task screen:
   start, the three items' results with the photos shared out over them (two each of six),
   conclusion, disposition, signature, submit; the 4th, 12th, 20th … instruction fails with a
   treatment, the 8th, 16th … with a return, the others pass and are released;
3. `go_online(context, page)`: the phone comes back on the throttled link (tests/e2e/network.py: the
   page is opened on the link's address from the start, so the link is in the path of every request);
4. `wait_for_data()`: every finding, conclusion, disposition, signature and completion on the server;
5. `cut_mid_photo()`: the link is cut while a chunk is in flight with part of its photo on the server,
   and comes back; the upload must resume at the server's offset;
6. `wait_for_photos()`; then `check()`: nothing lost or doubled, and the figures.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import statistics
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.camera import CameraPhoto, CameraRoll
from tests.e2e.network import Link, Request, Traffic
from tests.e2e.office import FIELD_RULE

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_PUT = re.compile(r"^/api/v1/uploads/(\d+)$")
UPLOAD_COMPLETE = re.compile(r"^/api/v1/uploads/\d+/complete$")
PUSH = "/api/v1/sync/push"
SUPERVISOR = "supervisor-demo"

TREATMENT = {
    "处理方法": "熏蒸",
    "药剂": "溴甲烷",
    "剂量": "48 g/m³",
    "处理时长（小时）": "24",
    "处理单位": "深圳市出入境检验检疫除害处理中心",
}
RETURN = {"原因": "霉变，退回企业整理", "监管人": "查检员 孙勤"}
KINDS = {"放行": "release", "除害处理后重新查检": "treatment", "退货": "return"}
# Operations whose effect leaves a custody record (evidence bundle) carrying the operation's id.
CUSTODY_TYPES = {
    "instruction.start",
    "item_result.set",
    "photo.declare",
    "photo.attach",
    "conclusion.set",
    "disposition.set",
    "signature.set",
    "instruction.complete",
}


@dataclass(frozen=True)
class Outcome:
    conclusion: str  # the radio's label: 合格 / 不合格
    failing_seq: int | None  # the item that does not conform
    disposition: str  # the radio's label
    fields: dict  # disposition fields by their labels


PASS = Outcome("合格", None, "放行", {})


def outcome_of(n: int) -> Outcome:
    if n % 4 == 3:
        return (
            Outcome("不合格", 2, "除害处理后重新查检", TREATMENT)
            if n % 8 == 3
            else Outcome("不合格", 1, "退货", RETURN)
        )
    return PASS


_CREATE_INSPECTOR = """
import os, sys
from backend import create_app
from backend.extensions import db
from backend.identity.models import User
from backend.identity.passwords import hash_password
name = sys.argv[1]
app = create_app()
with app.app_context():
    if db.session.execute(db.select(User).where(User.username == name)).first() is None:
        db.session.add(User(username=name, password_hash=hash_password(os.environ["DEMO_PASSWORD"]),
                            role="inspector", display_name="外勤查检员 田野", district_code="5300"))
        db.session.commit()
"""


_SEED_FIELD_RULE = """
import json, sys
from backend import create_app
from backend.core.auth import Actor
from backend.core.enums import Assurance, Role
from backend.extensions import db
from backend.identity.models import User
from backend.review.models import RiskRule
from backend.review.rule_admin import create_rule
app = create_app()
with app.app_context():
    rule = json.loads(sys.argv[1])
    if db.session.execute(db.select(RiskRule).where(RiskRule.name_zh == rule["name_zh"])).first() is None:
        admin = db.session.execute(db.select(User).where(User.username == "admin-demo")).scalar_one()
        actor = Actor(admin.id, admin.username, Role.ADMINISTRATOR, Assurance.KEY, None, admin.district_code,
                      "field-bench")
        create_rule(actor=actor, **rule)
"""


def seed_field_rule(env: dict) -> None:
    """The 100 % rule that gives every green tea to New Zealand an instruction, written on the server
    as its administrator would with a key (the bench has no security key to sign in with)."""
    done = subprocess.run(
        [sys.executable, "-c", _SEED_FIELD_RULE, json.dumps(FIELD_RULE)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding the field rule failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def create_inspector(env: dict, username: str) -> str:
    """An inspector of district 5300 (password DEMO_PASSWORD) in the database of `env`."""
    done = subprocess.run(
        [sys.executable, "-c", _CREATE_INSPECTOR, username], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"creating {username} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return username


def sign(page: Page) -> None:
    pad = page.get_by_test_id("signature-pad")
    pad.evaluate("el => el.scrollIntoView({ block: 'center' })")  # clear of the fixed tab bar
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(box["x"] + 20 + step * 28, box["y"] + box["height"] * (0.7 - 0.4 * (step % 2)))
    page.mouse.up()


def record_instruction(
    page: Page, instruction: dict, photos: list[CameraPhoto], outcome: Outcome
) -> list[str]:
    """Record one instruction on the task screen; returns the SHA-256 of its photos as the phone
    keeps them (what it will send)."""
    page.locator(f"[data-instruction='{instruction['id']}']").click()
    page.get_by_role("button", name="开始查检").click()
    for index, item in enumerate(instruction["items"]):
        section = page.get_by_test_id(f"item-{item['seq']}")
        result = "不符合" if item["seq"] == outcome.failing_seq else "符合"
        section.get_by_role("radio", name=result, exact=True).click()
        batch = photos[index :: len(instruction["items"])]  # shared out over the items
        section.get_by_label("拍照").set_input_files([str(photo.path) for photo in batch])
        expect(section.get_by_test_id("photo-thumb")).to_have_count(len(batch), timeout=60_000)
    page.get_by_role("radio", name=outcome.conclusion, exact=True).click()
    page.get_by_role("radio", name=outcome.disposition, exact=True).click()
    for label, value in outcome.fields.items():
        page.get_by_label(label, exact=True).fill(value)
    sign(page)
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_role("button", name="提交结果").click()
    expect(page.get_by_test_id("submitted-note")).to_be_visible()
    hashes = page.get_by_test_id("photo-thumb").evaluate_all("els => els.map((el) => el.dataset.sha256)")
    page.get_by_role("button", name="任务列表").click()
    return hashes


def data_missing(record: dict, instruction: dict, outcome: Outcome) -> list[str]:
    """What of an instruction's findings, conclusion, disposition, signature and completion the
    server does not hold yet, as recorded (empty: all there)."""
    missing = []
    results = {row["item_id"]: row["result"] for row in record.get("item_results") or []}
    for item in instruction["items"]:
        wanted = "does_not_conform" if item["seq"] == outcome.failing_seq else "conforms"
        if results.get(item["id"]) != wanted:
            missing.append(f"item {item['seq']}")
    if record.get("conclusion") != ("pass" if outcome.conclusion == "合格" else "fail"):
        missing.append("conclusion")
    if (record.get("disposition") or {}).get("kind") != KINDS[outcome.disposition]:
        missing.append("disposition")
    if not record.get("signature_sha256"):
        missing.append("signature")
    if record.get("instruction_status") != "completed":
        missing.append(f"completion ({record.get('instruction_status')})")
    return missing


def chunk_puts(traffic: Traffic) -> dict[int, list[Request]]:
    """Every chunk request per upload id, in the order sent."""
    uploads: dict[int, list[Request]] = {}
    for request in traffic.all("PUT", UPLOAD_PUT):
        uploads.setdefault(int(UPLOAD_PUT.match(request.path).group(1)), []).append(request)
    return uploads


def offset_of(request: Request) -> int:
    return int(request.query["offset"])


def resent_chunks(uploads: dict[int, list[Request]]) -> list[str]:
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


@dataclass
class Cut:
    upload_id: int
    seconds: float
    held_offset: int  # what the server held when the link came back
    size: int
    resumed_offset: int
    resumed_after: float  # seconds from the link's return to the resumed chunk


@dataclass
class Figures:
    instructions: int
    photos: int
    recorded_seconds: float = 0.0
    seconds_per_instruction: list[float] = field(default_factory=list)  # on the phone, offline
    data_seconds: float = 0.0  # network back → every operation (but photo links) on the server
    photos_seconds: float = 0.0  # network back → every photo linked on the server
    drain_seconds: float = 0.0  # network back → the last request of the day answered
    operations: int = 0
    pushes: int = 0
    requests: int = 0
    request_bytes: int = 0  # request bodies CDP showed (not Blobs)
    bytes_up: int = 0  # through the link, phone → server, from the network's return
    bytes_down: int = 0
    photo_bytes: list[int] = field(default_factory=list)
    cut: Cut | None = None
    cut_chunks: int = 0

    @property
    def median_photo(self) -> float:
        return statistics.median(self.photo_bytes)

    @property
    def mean_photo(self) -> float:
        return statistics.mean(self.photo_bytes)


class FieldDay:
    def __init__(
        self, api, inspector: str, roll: CameraRoll, link: Link, *, instructions: int, photos_each: int = 6
    ):
        self.api = api
        self.link = link
        self.inspector = inspector
        self.roll = roll
        self.count = instructions
        self.photos_each = photos_each
        self.instructions: list[dict] = []
        self.outcomes = [outcome_of(n) for n in range(instructions)]
        self.photos: list[CameraPhoto] = []
        self.phone_hashes: dict[int, list[str]] = {}
        self.records: dict[int, dict] = {}
        self._polled = 0.0
        self.figures = Figures(instructions=instructions, photos=instructions * photos_each)
        self.online_at = 0.0
        self.bytes_at_online = (0, 0)

    # 1 ---------------------------------------------------------------------------------------
    def prepare(self) -> None:
        with ThreadPoolExecutor(max_workers=1) as pool:  # the photos are drawn while the office works
            made = pool.submit(self.roll.photos, self.count * self.photos_each)
            self.instructions = [self.api.new_instruction(self.inspector) for _ in range(self.count)]
            self.photos = made.result()

    # 2 ---------------------------------------------------------------------------------------
    def record_offline(self, context, page: Page) -> None:
        for instruction in self.instructions:
            expect(page.locator(f"[data-instruction='{instruction['id']}']")).to_be_visible()
        context.set_offline(True)
        started = time.monotonic()
        each = self.photos_each
        for n, instruction in enumerate(self.instructions):
            mine = self.photos[n * each : (n + 1) * each]
            began = time.monotonic()
            self.phone_hashes[instruction["id"]] = record_instruction(
                page, instruction, mine, self.outcomes[n]
            )
            self.figures.seconds_per_instruction.append(time.monotonic() - began)
        self.figures.recorded_seconds = time.monotonic() - started
        for iid, hashes in self.phone_hashes.items():
            assert len(set(hashes)) == each, f"instruction {iid}: the phone shows {hashes}"

    # 3 ---------------------------------------------------------------------------------------
    def go_online(self, context, page: Page, *, kbit: float, rtt_ms: float) -> None:
        self.link.attach(context, page)
        self.link.throttle(kbit, rtt_ms)
        self.bytes_at_online = (self.link.bytes_up, self.link.bytes_down)
        context.set_offline(False)
        self.online_at = time.monotonic()

    def since_online(self) -> float:
        return time.monotonic() - self.online_at

    # 4 ---------------------------------------------------------------------------------------
    def server_record(self, instruction_id: int) -> dict:
        status, record = self.api.call("GET", f"/api/v1/inspections/{instruction_id}", SUPERVISOR)
        assert status in (200, 404), f"inspection {instruction_id}: {status} {record}"
        return record if status == 200 else {}  # 404: not started on the server yet

    def poll(self, every: float = 2.0) -> dict[int, dict]:
        if time.monotonic() - self._polled >= every:
            self.records = {i["id"]: self.server_record(i["id"]) for i in self.instructions}
            self._polled = time.monotonic()
        return self.records

    def missing_data(self) -> dict[int, list[str]]:
        records = self.poll()
        found = {
            i["id"]: data_missing(records.get(i["id"]) or {}, i, o)
            for i, o in zip(self.instructions, self.outcomes, strict=True)
        }
        return {iid: gaps for iid, gaps in found.items() if gaps}

    def wait_for_data(self, timeout: float) -> None:
        """Every operation but the photo links on the server within `timeout` s of the network's return."""
        try:
            self.link.wait_for(lambda: self.poll() and not self.missing_data(), timeout, "data", every_ms=250)
        except AssertionError:
            photos = sum(1 for r in self.link.traffic.all("POST", UPLOAD_COMPLETE) if r.ok)
            raise AssertionError(
                f"not every operation on the server {timeout:.0f}s after the network came back "
                f"({photos} photos were sent meanwhile); missing: {self.missing_data()}"
            ) from None
        self.figures.data_seconds = self.since_online()

    def photos_pending(self) -> dict[int, tuple[int, int]]:
        """Per instruction: (photos pending as the supervisor's board shows them, photos linked)."""
        return {iid: (r.get("photos_pending"), len(r.get("photos") or [])) for iid, r in self.poll(0).items()}

    # 5 ---------------------------------------------------------------------------------------
    def cut_mid_photo(self, seconds: float, *, find_within: float = 120, mid_photo: bool = True) -> Cut:
        """Cut the link for `seconds` while a chunk is in flight (`mid_photo`: one after the photo's
        first chunk, so part of it is on the server); the upload must resume at the server's offset."""
        link = self.link
        first = 1 if mid_photo else 0

        def chunk_in_flight_mid_photo():
            for upload_id, requests in chunk_puts(link.traffic).items():
                last = requests[-1]
                if last.in_flight and offset_of(last) >= first and time.monotonic() - last.started > 0.3:
                    return upload_id, last
            return None

        upload_id, chunk = link.wait_for(
            chunk_in_flight_mid_photo, find_within, "a chunk in flight mid-photo", 50
        )
        link.cut()
        cut_at = time.monotonic()
        link.wait_for(lambda: not chunk.in_flight, 10, "the cut to end the chunk in flight")
        assert chunk.failed, f"the chunk in flight was not cut: {chunk}"
        held = self.api.ok("GET", f"/api/v1/uploads/{upload_id}", self.inspector)
        assert held["status"] == "receiving" and first <= held["offset"] < held["size"], held
        link.pump(max(0, int((seconds - (time.monotonic() - cut_at)) * 1000)))
        held = self.api.ok("GET", f"/api/v1/uploads/{upload_id}", self.inspector)  # as the link returns
        link.throttle(link.kbit, link.rtt_ms)
        back = time.monotonic()

        def resumed():
            later = [r for r in chunk_puts(link.traffic)[upload_id] if r.started > back and r.ended]
            return later[0] if later else None

        chunk = link.wait_for(resumed, 120, f"upload {upload_id} to resume after the cut")
        assert chunk.ok, f"the resumed chunk was refused: {chunk}"
        assert offset_of(chunk) == held["offset"], (
            f"resumed at {offset_of(chunk)}, the server held {held['offset']}"
        )
        self.figures.cut = Cut(
            upload_id=upload_id,
            seconds=seconds,
            held_offset=held["offset"],
            size=held["size"],
            resumed_offset=offset_of(chunk),
            resumed_after=chunk.started - back,
        )
        return self.figures.cut

    # 6 ---------------------------------------------------------------------------------------
    def wait_for_photos(self, timeout: float) -> None:
        def all_linked():
            records = self.poll(1.0)
            return all(
                len(records[i["id"]].get("photos") or []) >= self.photos_each for i in self.instructions
            )

        self.link.wait_for(all_linked, timeout, "every photo linked on the server", every_ms=250)
        self.figures.photos_seconds = self.since_online()
        self.link.wait_for(
            lambda: not [r for r in self.link.traffic.all() if r.in_flight], 60, "a quiet link"
        )
        last = max((r.ended for r in self.link.traffic.all() if r.ended), default=time.monotonic())
        self.figures.drain_seconds = last - self.online_at

    def check(self, database_url: str, *, camera_evidence: bool = True) -> Figures:
        """Nothing lost or doubled; fills in the figures."""
        traffic = self.link.traffic
        figures = self.figures
        after = [r for r in traffic.all() if r.started >= self.online_at and "/api/" in r.url]
        figures.requests = len(after)
        figures.request_bytes = sum(r.body_bytes or 0 for r in after)
        figures.bytes_up = self.link.bytes_up - self.bytes_at_online[0]
        figures.bytes_down = self.link.bytes_down - self.bytes_at_online[1]

        # Photos: each once, the bytes the phone holds, stored intact; the camera's file on record.
        records = {i["id"]: self.server_record(i["id"]) for i in self.instructions}
        originals = []
        for instruction in self.instructions:
            iid = instruction["id"]
            server_hashes = sorted(photo["sha256"] for photo in records[iid]["photos"])
            assert server_hashes == sorted(self.phone_hashes[iid]), (
                f"instruction {iid}: photos lost or doubled"
            )
            assert not records[iid].get("photos_pending"), f"instruction {iid}: {records[iid]}"
            for linked in records[iid]["photos"]:
                stored = self.api.ok("GET", f"/api/v1/photos/{linked['photo_id']}/original", SUPERVISOR)
                assert hashlib.sha256(stored).hexdigest() == linked["sha256"]
                figures.photo_bytes.append(len(stored))
                if camera_evidence:
                    meta = self.api.ok("GET", f"/api/v1/photos/{linked['photo_id']}", SUPERVISOR)
                    exif = meta.get("original_exif") or {}
                    assert (exif.get("make"), exif.get("model")) == ("HUAWEI", "ELS-AN00"), meta
                    originals.append(meta.get("original_sha256"))
        if camera_evidence:  # the SHA-256 of each camera file, once
            assert sorted(originals) == sorted(photo.sha256 for photo in self.photos), (
                "camera files lost or doubled"
            )

        # Chunks: none sent twice, none refused for its offset.
        uploads = chunk_puts(traffic)
        assert len(uploads) == figures.photos, f"{len(uploads)} uploads for {figures.photos} photos"
        assert not resent_chunks(uploads), f"chunks sent twice: {resent_chunks(uploads)}"
        refused = [f"{r.url} {r.status}" for rs in uploads.values() for r in rs if r.status == 409]
        assert not refused, f"chunks refused for their offset: {refused}"
        figures.cut_chunks = sum(1 for rs in uploads.values() for r in rs if r.failed)

        # Operations: what the phone sent is the server's operation log, each applied once.
        sent: dict[str, dict] = {}
        pushes = traffic.all("POST", PUSH)
        for request in pushes:
            body = traffic.bodies.get(request.id)
            assert body is not None, f"no body recorded for push {request.url}"
            for op in json.loads(body)["operations"]:
                sent.setdefault(op["op_id"], op)
        figures.operations, figures.pushes = len(sent), len(pushes)
        per_instruction = {i["id"]: [] for i in self.instructions}
        for op in sent.values():
            per_instruction[op["target"]["instruction_id"]].append(op)
        wanted = {
            "instruction.accept": 1,
            "instruction.start": 1,
            "item_result.set": 3,
            "photo.attach": self.photos_each,
            "conclusion.set": 1,
            "disposition.set": 1,
            "signature.set": 1,
            "instruction.complete": 1,
        }
        for iid, ops in per_instruction.items():
            types = [op["type"] for op in ops]
            assert {t: types.count(t) for t in wanted} == wanted, f"instruction {iid} sent {sorted(types)}"
        engine = sa.create_engine(database_url)
        try:
            with engine.connect() as connection:
                logged = connection.execute(
                    sa.text(
                        "SELECT o.op_id, o.status FROM sync_operation o"
                        " JOIN user_account u ON u.id = o.user_id WHERE u.username = :name"
                    ),
                    {"name": self.inspector},
                ).all()
        finally:
            engine.dispose()
        assert sorted(op_id for op_id, _ in logged) == sorted(sent), "the server's operation log differs"
        assert {status for _, status in logged} == {"applied"}, sorted(set(logged))
        for iid, ops in per_instruction.items():
            bundle = self.api.ok("GET", f"/api/v1/inspections/{iid}/evidence-bundle", SUPERVISOR)
            manifest = json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("manifest.json"))
            recorded = sorted(record["op_id"] for record in manifest["records"] if record["op_id"])
            expected = sorted(op["op_id"] for op in ops if op["type"] in CUSTODY_TYPES)
            assert recorded == expected, f"instruction {iid}: custody records differ from the operations"
        return figures
