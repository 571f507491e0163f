"""业务监控: every tile counted against hand-computed figures on work in 5301, 5320 and their parent 5300
(and in 2200, which nobody here may see), with roll-ups, the district filter, lists and the field."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from backend.appointments.models import Appointment
from backend.blank_stock.models import BlankStock
from backend.certificate_applications.models import CertificateApplication
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.extensions import db
from backend.inspections.models import EvidenceRecord, Inspection, InspectionPhoto
from backend.instructions.models import InstructionLease
from backend.media.models import Upload
from backend.sync.models import SyncOperation
from tests.helpers import make_stored_e_record

BOARD = "/api/v1/monitoring/board"
ITEMS = "/api/v1/monitoring/items"
FIELD = "/api/v1/monitoring/field"


class Fixture:
    """Work in four districts, made row by row so each figure below can be counted by hand."""

    def __init__(self, factories):
        self.f = factories
        self.enterprises = {
            d: factories.enterprise(district_code=d) for d in ("5300", "5301", "5320", "2200")
        }
        self.inspectors = {
            d: factories.user(Role.INSPECTOR, district_code=d) for d in ("5300", "5301", "5320", "2200")
        }
        self.ids: dict[str, dict[str, set[int]]] = {}

    def note(self, tile, district, row_id):
        self.ids.setdefault(tile, {}).setdefault(district, set()).add(row_id)

    def declaration(self, district, status, **fields):
        return self.f.declaration(self.enterprises[district], status=status, district_code=district, **fields)

    def instruction(self, district, status, *, deadline=None):
        declaration = self.declaration(district, "inspection_notice")
        inspector = self.inspectors[district] if status != "pending" else None
        instruction = self.f.instruction(declaration, inspector=inspector)
        instruction.status = status
        if status == "completed":
            declaration.status = "passed"  # the inspection ended: the notice is no longer waiting
        if deadline is not None:
            instruction.deadline = deadline
        db.session.commit()
        return instruction

    def appointment(self, district, status):
        declaration = self.declaration(district, "inspecting")  # no tile counts it: not in the way
        row = Appointment(
            declaration_id=declaration.id,
            enterprise_id=declaration.enterprise_id,
            district_code=district,
            status=status,
            requested_date=date(2026, 12, 20),
            requested_slot="morning",
            site_address="仓库",
            contact_name="王",
            contact_phone="13800000000",
        )
        db.session.add(row)
        db.session.commit()
        return row

    def e_record(self, district, *, days, status="normal"):
        declaration = self.declaration(district, "e_record_issued")
        record = make_stored_e_record(declaration, status=status)
        record.valid_until = utcnow() + timedelta(days=days)
        db.session.commit()
        return record

    def certificate_application(self, district, status):
        record = self.e_record(district, days=40)
        user = self.f.user(Role.ENTERPRISE, enterprise=self.enterprises[district])
        row = CertificateApplication(
            enterprise_id=self.enterprises[district].id,
            district_code=district,
            declaration_id=record.declaration_id,
            e_record_id=record.id,
            type_code="11",
            status=status,
            form={},
            created_by_id=user.id,
        )
        db.session.add(row)
        db.session.commit()
        return row

    def blank_stock(self, district, status):
        row = BlankStock(
            enterprise_id=self.enterprises[district].id,
            district_code=district,
            type_code="11",
            quantity=10,
            status=status,
        )
        db.session.add(row)
        db.session.commit()
        return row


@pytest.fixture
def work(factories):
    w = Fixture(factories)
    past, future = utcnow() - timedelta(hours=2), utcnow() + timedelta(days=3)
    for district in ("5301", "5320", "5300", "2200"):
        # Review queue: accepted and under review count; a returned one does not.
        for status in ("accepted", "under_review") if district != "5300" else ("accepted",):
            w.note("review_waiting", district, w.declaration(district, status).id)
        w.declaration(district, "returned")
    w.note("review_waiting", "5301", w.declaration("5301", "accepted").id)  # 5301: three

    # Inspection notices: without an open instruction they wait; with one (or a closed one) as noted.
    for district in ("5301", "5320", "5320"):
        w.note("notice_without_instruction", district, w.declaration(district, "inspection_notice").id)
    cancelled = w.instruction("5320", "cancelled")  # its declaration is waiting again for an instruction
    w.note("notice_without_instruction", "5320", cancelled.declaration_id)

    # Instructions by status, and overdue (open with a deadline passed; a completed one never is).
    for district, status, deadline, tiles in (
        ("5301", "pending", future, ["instructions_unassigned"]),
        ("5301", "pending", past, ["instructions_unassigned", "instructions_overdue"]),
        ("5301", "assigned", future, ["instructions_assigned"]),
        ("5301", "accepted", future, ["instructions_in_progress"]),
        ("5301", "completed", past, []),
        ("5320", "assigned", past, ["instructions_assigned", "instructions_overdue"]),
        ("5320", "in_progress", future, ["instructions_in_progress"]),
        ("5300", "in_progress", past, ["instructions_in_progress", "instructions_overdue"]),
        ("2200", "pending", past, ["instructions_unassigned", "instructions_overdue"]),
    ):
        instruction = w.instruction(district, status, deadline=deadline)
        for tile in tiles:
            w.note(tile, district, instruction.id)

    for district, status in (
        ("5301", "requested"),
        ("5301", "confirmed"),
        ("5320", "requested"),
        ("2200", "requested"),
    ):
        row = w.appointment(district, status)
        if status == "requested":
            w.note("appointments_requested", district, row.id)

    for district, days, status, counted in (
        ("5320", 3, "normal", True),
        ("5320", 10, "normal", False),  # beyond the seven days
        ("5320", 2, "used", False),  # no longer usable anyway
        ("5301", -1, "normal", False),  # already past its date
        ("5300", 6, "normal", True),
    ):
        record = w.e_record(district, days=days, status=status)
        if counted:
            w.note("e_records_expiring", district, record.id)

    for district, status in (("5300", "officer_review"), ("5301", "officer_review"), ("5301", "issued")):
        row = w.certificate_application(district, status)
        if status == "officer_review":
            w.note("certificates_referred", district, row.id)

    for district, status in (("5300", "requested"), ("5320", "requested"), ("5320", "allocated")):
        row = w.blank_stock(district, status)
        if status == "requested":
            w.note("blank_stock_requested", district, row.id)
    return w


# The figures, counted by hand from the fixture above (own district only; 2200 is never shown).
EXPECTED_OWN = {
    "review_waiting": {"5301": 3, "5320": 2, "5300": 1},
    "notice_without_instruction": {"5301": 1, "5320": 3},
    "instructions_unassigned": {"5301": 2},
    "instructions_assigned": {"5301": 1, "5320": 1},
    "instructions_in_progress": {"5301": 1, "5320": 1, "5300": 1},
    "instructions_overdue": {"5301": 1, "5320": 1, "5300": 1},
    "appointments_requested": {"5301": 1, "5320": 1},
    "e_records_expiring": {"5320": 1, "5300": 1},
    "certificates_referred": {"5300": 1, "5301": 1},
    "blank_stock_requested": {"5300": 1, "5320": 1},
}


def _supervisor(factories, district):
    return factories.headers(factories.user(Role.SUPERVISOR, district_code=district))


def test_every_tile_counts_its_districts_and_rolls_up_to_the_parent(client, factories, work):
    # The fixture's notes agree with the hand-written figures (a wrong note would make both wrong).
    for tile, own in EXPECTED_OWN.items():
        assert {d: len(ids) for d, ids in work.ids[tile].items() if d != "2200"} == own, tile

    body = client.get(BOARD, headers=_supervisor(factories, "5300")).get_json()
    assert [d["code"] for d in body["districts"]] == ["5300", "5301", "5302", "5320"]
    tiles = {tile["key"]: tile for tile in body["tiles"]}
    assert list(tiles) == list(EXPECTED_OWN)
    for key, own in EXPECTED_OWN.items():
        tile = tiles[key]
        assert tile["by_district"] == own, key
        assert tile["total"] == sum(own.values()), key
        assert tile["rollup"]["5300"] == sum(own.values()), key  # the parent: itself and its three
        for child in ("5301", "5302", "5320"):
            assert tile["rollup"][child] == own.get(child, 0), (key, child)

    # A subordinate's supervisor sees its own figures only.
    child = client.get(BOARD, headers=_supervisor(factories, "5301")).get_json()
    assert [d["code"] for d in child["districts"]] == ["5301"]
    assert {t["key"]: t["total"] for t in child["tiles"]} == {
        k: v.get("5301", 0) for k, v in EXPECTED_OWN.items()
    }

    # The parent narrows to one subordinate with ?district=.
    narrowed = client.get(BOARD, query_string={"district": "5320"}, headers=_supervisor(factories, "5300"))
    assert {t["key"]: t["total"] for t in narrowed.get_json()["tiles"]} == {
        k: v.get("5320", 0) for k, v in EXPECTED_OWN.items()
    }

    # The national level sees 2200's work as well.
    national = client.get(BOARD, headers=_supervisor(factories, "0000")).get_json()
    overdue = next(t for t in national["tiles"] if t["key"] == "instructions_overdue")
    assert overdue["total"] == 4 and overdue["by_district"]["2200"] == 1
    assert overdue["rollup"]["0000"] == 4 and overdue["rollup"]["5300"] == 3


def test_a_district_outside_the_scope_is_refused_in_the_error_shape(client, factories, work):
    child = _supervisor(factories, "5301")
    for url in (BOARD, FIELD):
        for district in ("5300", "5320", "2200", "9999"):
            response = client.get(
                url, query_string={"district": district}, headers={**child, "Accept-Language": "en"}
            )
            body = response.get_json()
            assert response.status_code == 403, body
            assert (
                body["error"] == "scope.district_outside" and body["message"] and "district" in body["errors"]
            )
    bad = client.get(ITEMS, query_string={"tile": "coffee"}, headers=child)
    assert bad.status_code == 422 and "tile" in bad.get_json()["errors"]
    assert client.get(BOARD, headers=factories.headers(factories.user(Role.REVIEWER))).status_code == 403


def test_each_tile_opens_the_rows_it_counted(client, factories, work):
    parent = _supervisor(factories, "5300")
    for tile, by_district in work.ids.items():
        expected = set().union(*(ids for d, ids in by_district.items() if d != "2200"))
        got = client.get(ITEMS, query_string={"tile": tile, "limit": 200}, headers=parent).get_json()
        assert {item["id"] for item in got["items"]} == expected, tile
        assert all(item["district_code"] in {"5300", "5301", "5320"} for item in got["items"])
    # Filtered and paged: 5301's review queue, two then one.
    first = client.get(
        ITEMS, query_string={"tile": "review_waiting", "district": "5301", "limit": 2}, headers=parent
    ).get_json()
    rest = client.get(
        ITEMS,
        query_string={
            "tile": "review_waiting",
            "district": "5301",
            "limit": 2,
            "before_id": first["next_before_id"],
        },
        headers=parent,
    ).get_json()
    assert {i["id"] for i in first["items"] + rest["items"]} == work.ids["review_waiting"]["5301"]
    assert rest["next_before_id"] is None and first["kind"] == "declaration"


def test_the_field_shows_holdings_last_sync_position_and_what_is_unsent(client, factories, work):
    inspector = work.inspectors["5301"]
    held = sorted(work.ids["instructions_assigned"]["5301"] | work.ids["instructions_in_progress"]["5301"])
    now = utcnow()
    db.session.add(
        InstructionLease(
            instruction_id=held[0],
            inspector_id=inspector.id,
            device_id="phone-5301-a",
            acquired_at=now,
            expires_at=now + timedelta(hours=8),
        )
    )
    from backend.instructions.models import Instruction

    target = db.session.get(Instruction, held[1])
    inspection = Inspection(
        instruction_id=target.id,
        declaration_id=target.declaration_id,
        enterprise_id=target.enterprise_id,
        district_code=target.district_code,
        inspector_id=inspector.id,
    )
    db.session.add(inspection)
    db.session.flush()
    db.session.add_all(
        [
            InspectionPhoto(inspection_id=inspection.id, sha256="a" * 64),  # declared, bytes not arrived
            InspectionPhoto(inspection_id=inspection.id, sha256="b" * 64),
            SyncOperation(
                user_id=inspector.id,
                op_id="op-1",
                device_id="phone-5301-a",
                op_type="item.result",
                body_sha256="c" * 64,
                status="applied",
                result={},
                processed_at=now - timedelta(minutes=30),
            ),
            SyncOperation(
                user_id=inspector.id,
                op_id="op-2",
                device_id="phone-5301-a",
                op_type="item.result",
                body_sha256="d" * 64,
                status="applied",
                result={},
                processed_at=now - timedelta(minutes=5),
            ),
            Upload(
                client_id="11111111-1111-4111-8111-111111111111",
                uploaded_by_id=inspector.id,
                filename="a.jpg",
                content_type="image/jpeg",
                size=1000,
                sha256="a" * 64,
                status="receiving",
            ),
        ]
    )
    for n, (lat, lon) in enumerate(
        ((Decimal("22.5"), Decimal("114.1")), (Decimal("22.531"), Decimal("114.117")))
    ):
        db.session.add(
            EvidenceRecord(
                inspection_id=inspection.id,
                seq=n + 1,
                previous_sha256="0" * 64 if n == 0 else "f" * 64,
                record_sha256="f" * 64,
                kind="item_result",
                ref=f"r{n}",
                content={},
                content_sha256="e" * 64,
                actor_user_id=inspector.id,
                latitude=lat,
                longitude=lon,
                accuracy_m=Decimal("8.0"),
            )
        )
    db.session.commit()

    rows = client.get(FIELD, headers=_supervisor(factories, "5300")).get_json()
    assert {row["district_code"] for row in rows} == {"5300", "5301", "5320"}  # 2200's inspector is not shown
    mine = next(row for row in rows if row["inspector_id"] == inspector.id)
    assert [i["id"] for i in mine["instructions"]] == held
    assert mine["instructions"][0]["device_id"] == "phone-5301-a"
    assert mine["instructions"][1]["device_id"] is None
    assert mine["last_sync_at"].startswith((now - timedelta(minutes=5)).isoformat()[:16])
    assert mine["last_position"]["lat"] == 22.531 and mine["last_position"]["lon"] == 114.117
    assert (mine["photos_pending"], mine["uploads_unfinished"]) == (2, 1)
    quiet = next(row for row in rows if row["inspector_id"] == work.inspectors["5320"].id)
    assert quiet["last_sync_at"] is None and quiet["last_position"] is None and quiet["photos_pending"] == 0
    narrowed = client.get(
        FIELD, query_string={"district": "5301"}, headers=_supervisor(factories, "5300")
    ).get_json()
    assert [row["inspector_id"] for row in narrowed] == [inspector.id]


def test_a_tile_exports_to_csv_and_xlsx_with_its_filters(client, factories, work):
    import csv
    import io

    from openpyxl import load_workbook

    from backend.declarations.models import Declaration

    # An enterprise's text that a spreadsheet would run as a formula stays text.
    declaration = db.session.get(Declaration, sorted(work.ids["review_waiting"]["5320"])[0])
    declaration.inspection_no = "=HYPERLINK(1)"
    db.session.commit()
    parent = _supervisor(factories, "5300")
    query = {"tile": "review_waiting", "district": "5320"}
    response = client.get("/api/v1/monitoring/items.csv", query_string=query, headers=parent)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[1] == ["关区 District", "5320"]
    body = lines[
        lines.index(["编号 Id", "关区 District", "单号 Reference", "状态 Status", "时间 Time (UTC)"]) + 1 :
    ]
    assert {int(row[0]) for row in body} == work.ids["review_waiting"]["5320"]
    assert "'=HYPERLINK(1)" in [row[2] for row in body]

    xlsx = client.get("/api/v1/monitoring/items.xlsx", query_string=query, headers=parent)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    ids = {row[0] for row in values[5:]}
    assert ids == work.ids["review_waiting"]["5320"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    refused = client.get(
        "/api/v1/monitoring/items.csv", query_string=query, headers=_supervisor(factories, "5301")
    )
    assert refused.status_code == 403 and refused.get_json()["error"] == "scope.district_outside"
