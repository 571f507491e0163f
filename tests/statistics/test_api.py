"""Every statistics figure against numbers worked out by hand from tests/statistics/fixture.py."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.helpers import auth_headers
from tests.statistics.fixture import build_world

WEEK = {"date_from": "2026-03-02", "date_to": "2026-03-08"}


@pytest.fixture
def world(app):
    return build_world()


def _get(client, user, path, **params):
    response = client.get(f"/api/v1/statistics/{path}", query_string=params, headers=auth_headers(user))
    assert response.status_code == 200, response.get_json()
    return {table["name"]: table["rows"] for table in response.get_json()["tables"]}


def test_overview_of_the_parent_rolls_up_both_subordinates(client, world):
    tables = _get(client, world.supervisor_5300, "overview", **WEEK)
    assert tables["applications"] == [
        {
            "submitted": 5,
            "accepted": 5,
            "returned": 1,
            "rejected": 1,
            "withdrawn": 1,
            "instructions": 2,
            "inspection_rate": 0.4,
        }
    ]
    by_district = {row["district"]: row for row in tables["by_district"]}
    assert set(by_district) == {"5301", "5320"}  # 2200 (D6) is another 直属海关's
    assert by_district["5301"] | {"district_name": None} == {
        "district": "5301",
        "district_name": None,
        "submitted": 2,
        "accepted": 2,
        "returned": 1,
        "rejected": 0,
        "withdrawn": 1,
        "instructions": 1,
        "inspection_rate": 0.5,
        "e_record_issued": 1,
        "e_record_used": 0,
        "e_record_expired": 1,
        "e_record_voided": 1,
    }
    assert by_district["5320"]["submitted"] == 3
    assert by_district["5320"]["rejected"] == 1
    assert by_district["5320"]["inspection_rate"] == 0.3333
    assert by_district["5320"]["e_record_used"] == 1
    assert tables["e_records"] == [{"issued": 2, "used": 1, "expired": 1, "voided": 1}]
    assert tables["inspections"] == [
        {"conclusion": "fail", "disposition": "return", "count": 1},
        {"conclusion": "pass", "disposition": "release", "count": 1},
    ]
    assert [
        (row["type_code"], row["issued"], row["auto_issued"], row["referred"], row["auto_rate"])
        for row in tables["certificates"]
    ] == [("11", 1, 1, 0, 1.0), ("18", 1, 0, 1, 0.0)]
    assert tables["failed_rules"] == [{"rule": "key_login", "failures": 1}]
    rules = [
        (r["hits"], r["selected"], r["inspected"], r["failed"], r["selection_rate"], r["fail_rate"])
        for r in tables["risk_rules"]
    ]
    assert rules == [(2, 1, 1, 0, 0.5, 0.0), (1, 1, 1, 1, 1.0, 1.0)]
    assert [row["count"] for row in tables["funnel"]] == [5, 5, 2, 2, 2, 2]
    assert [{k: v for k, v in row.items() if k != "enterprise_name"} for row in tables["blank_stock"]] == [
        {
            "enterprise_id": world.cases["D1"].enterprise_id,
            "type_code": "18",
            "allocated": 5,
            "received": 5,
            "printed": 2,
            "spoiled": 1,
            "remaining": 2,
            "anomalies": 1,
        }
    ]


def test_filters_narrow_every_figure(client, world):
    only_5320 = _get(client, world.supervisor_5300, "overview", district="5320", **WEEK)
    assert only_5320["applications"][0]["submitted"] == 3
    assert only_5320["applications"][0]["inspection_rate"] == round(1 / 3, 4)
    assert [row["type_code"] for row in only_5320["certificates"]] == ["11"]
    assert only_5320["e_records"] == [{"issued": 1, "used": 1, "expired": 0, "voided": 0}]
    assert only_5320["blank_stock"] == []  # its request is not allocated yet

    fish = _get(client, world.supervisor_5300, "overview", hs_chapter="03", **WEEK)["applications"][0]
    assert (fish["submitted"], fish["returned"], fish["withdrawn"], fish["instructions"]) == (1, 1, 1, 0)
    window = _get(client, world.supervisor_5300, "overview", channel="single_window", **WEEK)
    assert window["applications"][0]["submitted"] == 1
    usa = _get(client, world.supervisor_5300, "overview", destination_country="USA", **WEEK)
    assert usa["applications"][0]["submitted"] == 2
    assert usa["inspections"] == [{"conclusion": "fail", "disposition": "return", "count": 1}]
    enterprise = world.cases["D1"].enterprise_id
    one = _get(client, world.supervisor_5300, "overview", enterprise_id=enterprise, **WEEK)
    assert one["applications"][0]["submitted"] == 2  # D1 and D2; D7 and D8 fall outside the week
    cert_11 = _get(client, world.supervisor_5300, "overview", certificate_type="11", **WEEK)
    assert cert_11["applications"][0]["submitted"] == 1  # D4 asked for a 品质证书
    assert [row["type_code"] for row in cert_11["certificates"]] == ["11"]


def test_a_subordinate_sees_its_own_district_only(client, world):
    tables = _get(client, world.supervisor_5301, "overview", **WEEK)
    assert tables["applications"][0]["submitted"] == 2
    assert [row["district"] for row in tables["by_district"]] == ["5301"]


def test_trend_by_day_week_and_month_counts_china_days_and_fills_zeros(client, world):
    days = _get(client, world.supervisor_5300, "trend", granularity="day", **WEEK)["trend"]
    assert [row["bucket"] for row in days] == [f"2026-03-0{d}" for d in range(2, 9)]
    assert [(r["submitted"], r["accepted"], r["instructions"], r["e_records"]) for r in days] == [
        (2, 2, 1, 0),  # D2's submission at 07:30 CST is 23:30 UTC the day before: still 03-02
        (1, 1, 1, 1),
        (1, 1, 0, 1),
        (1, 1, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
    ]
    weeks = _get(client, world.supervisor_5300, "trend", granularity="week", **WEEK)["trend"]
    assert weeks == [
        {"bucket": "2026-03-02", "submitted": 5, "accepted": 5, "instructions": 2, "e_records": 2}
    ]
    months = _get(
        client,
        world.supervisor_5300,
        "trend",
        granularity="month",
        date_from="2026-02-01",
        date_to="2026-03-31",
    )["trend"]
    assert [(r["bucket"], r["submitted"], r["e_records"]) for r in months] == [
        ("2026-02-01", 1, 1),
        ("2026-03-01", 6, 2),
    ]


def test_timeliness_median_p90_count_by_district(client, world):
    tables = _get(client, world.supervisor_5300, "timeliness", **WEEK)
    durations = {
        (r["group"], r["stage"]): (r["count"], r["median_hours"], r["p90_hours"]) for r in tables["durations"]
    }
    assert durations[("5301", "acceptance")] == (2, 1.5, 1.9)
    assert {r["group"]: r["group_name"] for r in tables["durations"]} == {
        "5301": "皇岗海关",
        "5320": "文锦渡海关",
    }
    assert durations[("5301", "review")] == (2, 5.0, 7.4)
    assert durations[("5301", "dispatch")] == (1, 20.0, 20.0)
    assert durations[("5301", "certificate")] == (1, 24.0, 24.0)
    assert durations[("5301", "total")] == (1, 27.0, 27.0)
    assert durations[("5320", "acceptance")] == (3, 1.0, 1.0)
    assert durations[("5320", "review")] == (3, 2.0, 3.6)
    assert durations[("5320", "dispatch")] == (1, 46.5, 46.5)
    assert durations[("5320", "on_site")] == (1, 6.0, 6.0)
    assert durations[("5320", "total")] == (1, 3.0, 3.0)
    assert ("5320", "e_record") not in durations  # D3 failed, D4 had no inspection
    assert {r["band"]: r["count"] for r in tables["distribution"]} == {
        "0–4 h": 1,
        "4–8 h": 0,
        "8–24 h": 0,
        "24–48 h": 1,
        "48–72 h": 0,
        "72–120 h": 0,
        "120–240 h": 0,
        "≥ 240 h": 0,
    }
    assert [(r["inspection_no"], r["late_stage"]) for r in tables["overdue"]] == [
        (world.cases["D3"].inspection_no, "disposition")  # concluded 03-05 15:00, due 03-04 10:30
    ]


def test_timeliness_by_inspector_hs_chapter_and_channel(client, world):
    by_inspector = _get(client, world.supervisor_5300, "timeliness", group_by="inspector", **WEEK)[
        "durations"
    ]
    on_site = {r["group_name"]: r["median_hours"] for r in by_inspector if r["stage"] == "on_site"}
    assert on_site == {"insp-5301": 2.0, "insp-5320": 6.0}
    by_chapter = _get(client, world.supervisor_5300, "timeliness", group_by="hs_chapter", **WEEK)["durations"]
    review = {r["group"]: (r["count"], r["median_hours"]) for r in by_chapter if r["stage"] == "review"}
    assert review == {"03": (1, 8.0), "44": (4, 2.0)}
    by_channel = _get(client, world.supervisor_5300, "timeliness", group_by="channel", **WEEK)["durations"]
    acceptance = {r["group"]: r["count"] for r in by_channel if r["stage"] == "acceptance"}
    assert acceptance == {"single_window": 1, "web": 4}


def test_an_empty_period_is_zeros(client, world):
    tables = _get(client, world.supervisor_5300, "overview", date_from="2025-01-01", date_to="2025-01-03")
    assert tables["applications"] == [
        {
            "submitted": 0,
            "accepted": 0,
            "returned": 0,
            "rejected": 0,
            "withdrawn": 0,
            "instructions": 0,
            "inspection_rate": None,
        }
    ]
    assert tables["by_district"] == [] and tables["certificates"] == []
    trend = _get(client, world.supervisor_5300, "trend", date_from="2025-01-01", date_to="2025-01-03")[
        "trend"
    ]
    assert [row["submitted"] for row in trend] == [0, 0, 0]


def test_the_daily_roll_up_gives_the_same_figures(client, world, monkeypatch):
    from backend.extensions import db
    from backend.statistics import rollup
    from backend.statistics.counts import DailyCount
    from backend.statistics.durations import DailyDuration
    from backend.statistics.late import LateDisposition

    before = _get(client, world.supervisor_5300, "overview", **WEEK)
    timeliness = {
        group_by: _get(client, world.supervisor_5300, "timeliness", group_by=group_by, **WEEK)
        for group_by in ("district", "inspector")
    }
    trends = {
        granularity: _get(client, world.supervisor_5300, "trend", granularity=granularity, **WEEK)
        for granularity in ("day", "week", "month")
    }
    assert any(row["instructions"] for row in trends["day"]["trend"])
    monkeypatch.setattr(rollup, "today", lambda: __import__("datetime").date(2026, 3, 6))
    assert rollup.roll_up() == 33  # 2026-02-01 (the oldest receipt) to 03-05
    assert rollup.roll_up() == 0  # idempotent
    by_hand = client.application.test_cli_runner().invoke(args=["statistics", "rollup"])  # beat's task
    assert by_hand.exit_code == 0 and "days rolled up: 0" in by_hand.output
    assert rollup.rolled_range() == (
        __import__("datetime").date(2026, 2, 1),
        __import__("datetime").date(2026, 3, 5),
    )
    after = _get(client, world.supervisor_5300, "overview", **WEEK)
    assert after == before  # every figure: receipts, instructions, inspections, certificates, funnel, …
    stored = db.session.execute(
        db.select(DailyCount.figure, db.func.sum(DailyCount.count)).group_by(DailyCount.figure)
    ).all()
    assert {figure for figure, count in stored if count} >= {"instruction", "inspection", "certificate"}
    assert db.session.execute(db.select(LateDisposition.declaration_id)).scalars().all() == [
        world.cases["D3"].id  # concluded late on 03-05: rolled up; the open ones stay live
    ]
    # Stage durations: those that ended by 03-05 from the roll-up, the later ones live, same figures.
    assert db.session.execute(db.select(db.func.count()).select_from(DailyDuration)).scalar() > 0
    for group_by, expected in timeliness.items():
        again = _get(client, world.supervisor_5300, "timeliness", group_by=group_by, **WEEK)
        assert again["durations"] == expected["durations"]
        assert again["distribution"] == expected["distribution"]
        assert again["overdue"] == expected["overdue"]
    for granularity, expected in trends.items():  # closed days from the roll-up, 03-06 on live
        assert _get(client, world.supervisor_5300, "trend", granularity=granularity, **WEEK) == expected
    window = _get(client, world.supervisor_5300, "overview", channel="single_window", **WEEK)
    assert window["applications"][0]["withdrawn"] == 1


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({**WEEK, "colour": "red"}, 422, "colour"),
        ({"date_from": "2020-01-01", "date_to": "2026-01-02"}, 422, "date_to"),
        ({"date_from": "2026-03-08", "date_to": "2026-03-02"}, 422, "date_to"),
        ({"date_to": "2026-03-02"}, 422, "date_from"),
        ({**WEEK, "hs_chapter": "4"}, 422, "hs_chapter"),
        ({**WEEK, "channel": "fax"}, 422, "channel"),
        ({**WEEK, "district": "2200"}, 403, None),
        ({**WEEK, "district": "9999"}, 403, None),
    ],
)
def test_bad_input_is_a_clear_4xx_in_the_error_shape(client, world, params, status, field):
    response = client.get(
        "/api/v1/statistics/overview", query_string=params, headers=auth_headers(world.supervisor_5300)
    )
    body = response.get_json()
    assert response.status_code == status, body
    assert body["code"] == status and body["message"]
    if field:
        assert field in str(body["errors"])
    else:
        assert body["error"] == "scope.district_outside"


def test_a_subordinate_may_not_ask_for_its_parent_and_inspectors_are_refused(client, world):
    parent = client.get(
        "/api/v1/statistics/overview",
        query_string={**WEEK, "district": "5300"},
        headers=auth_headers(world.supervisor_5301),
    )
    assert parent.status_code == 403
    inspector = client.get(
        "/api/v1/statistics/overview", query_string=WEEK, headers=auth_headers(world.inspector_5301)
    )
    assert inspector.status_code == 403


def test_xlsx_and_csv_carry_the_same_figures_and_the_filters(client, world):
    headers = auth_headers(world.supervisor_5300)
    response = client.get(
        "/api/v1/statistics/export.xlsx",
        headers=headers,
        query_string={**WEEK, "district": "5300", "table": "overview"},
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    filters = [[cell.value for cell in row] for row in workbook["筛选条件 filters"].iter_rows()]
    assert ["期间 period", "2026-03-02 – 2026-03-08 (UTC+8)"] in filters
    assert ["关区 districts", "5300, 5301, 5302, 5320"] in filters
    applications = [[c.value for c in row] for row in workbook["applications"].iter_rows()]
    assert applications[1] == [5, 5, 1, 1, 1, 2, 0.4]
    by_district = {row[0]: row for row in workbook["by_district"].iter_rows(values_only=True)}
    assert by_district["5320"][2:5] == (3, 3, 0)
    timeliness = client.get(
        "/api/v1/statistics/export.xlsx",
        headers=headers,
        query_string={**WEEK, "table": "timeliness.durations"},
    )
    sheet = load_workbook(io.BytesIO(timeliness.data))["durations"]
    rows = {(r[0], r[2]): r[3:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("5301", "单证审核 Document review")] == (2, 5.0, 7.4)

    csv = client.get(
        "/api/v1/statistics/export.csv",
        headers=headers,
        query_string={**WEEK, "table": "trend.trend", "granularity": "week"},
    )
    assert csv.status_code == 200
    text = csv.data.decode("utf-8-sig")
    assert "期间 period,2026-03-02 – 2026-03-08 (UTC+8)" in text
    assert "2026-03-02,5,5,2,2" in text
    unknown = client.get(
        "/api/v1/statistics/export.csv", headers=headers, query_string={**WEEK, "table": "x"}
    )
    assert unknown.status_code == 422


def test_a_second_roll_up_of_the_same_days_gives_way(app, world, monkeypatch):
    """Two scheduled runs at once: the one that finds the days marked writes nothing and says so."""
    from datetime import date

    from backend.extensions import db
    from backend.statistics import rollup

    monkeypatch.setattr(rollup, "today", lambda: date(2026, 3, 6))
    db.session.add(rollup.RolledUpDay(day=date(2026, 2, 1)))  # what the other run committed first
    db.session.commit()
    monkeypatch.setattr(rollup, "rolled_range", lambda: None)  # this run read before that commit
    assert rollup.roll_up() == 0
    assert db.session.execute(db.select(db.func.count()).select_from(rollup.DailyReceiptCount)).scalar() == 0


def test_the_national_level_counts_every_district(client, world):
    from tests.helpers import make_user

    national = make_user("supervisor", district_code="0000")
    tables = _get(client, national, "overview", **WEEK)
    assert tables["applications"][0]["submitted"] == 6  # D1–D5 and 2200's D6
    assert [row["district"] for row in tables["by_district"]] == ["2200", "5301", "5320"]
    only_2200 = _get(client, national, "overview", district="2200", **WEEK)
    assert only_2200["applications"][0]["accepted"] == 1


def test_cases_late_for_review_are_judged_by_working_days(client, world):
    """Review within 1 working day: accepted Friday 03-06 09:00 is due at the end of Monday 03-09."""
    from backend.extensions import db
    from backend.identity.models import Enterprise
    from tests.statistics.fixture import _case, _receipts, at

    enterprise = db.session.get(Enterprise, world.cases["D3"].enterprise_id)
    on_time = _case(enterprise, "5320", accepted=at(6, 9))  # decided Monday 17:00: on time
    late = _case(enterprise, "5320", accepted=at(6, 10))  # still undecided: late since Monday night
    _receipts(on_time, ("SUBMITTED", at(6, 8)), ("ACCEPTED", at(6, 9)), ("RETURNED", at(9, 17)))
    _receipts(late, ("SUBMITTED", at(6, 8)), ("ACCEPTED", at(6, 10)))
    db.session.commit()
    overdue = _get(client, world.supervisor_5300, "timeliness", **WEEK)["overdue"]
    assert [(r["inspection_no"], r["late_stage"], r["deadline"]) for r in overdue] == [
        (world.cases["D3"].inspection_no, "disposition", "2026-03-04T02:30:00+00:00"),
        (late.inspection_no, "review", "2026-03-09T15:59:59+00:00"),
    ]
    assert overdue[1]["late_stage_name"] == "单证审核 Document review"


def test_durations_split_between_the_roll_up_and_today_are_the_same(client, world, monkeypatch):
    """Rolled up through 03-03: the stages that ended from 03-04 on are counted live, the rest from the
    daily rows (and February, a whole month, from the monthly ones)."""
    from datetime import date

    from backend.statistics import rollup

    two_months = {"date_from": "2026-02-01", "date_to": "2026-03-31"}  # February whole: the monthly rows
    periods = [("channel", WEEK), ("district", WEEK), ("district", two_months)]

    def pages():
        user = world.supervisor_5300
        return [_get(client, user, "timeliness", group_by=g, **period) for g, period in periods]

    before = pages()
    monkeypatch.setattr(rollup, "today", lambda: date(2026, 3, 4))
    assert rollup.roll_up() == 31
    after = pages()
    for was, now in zip(before, after, strict=True):
        assert now["durations"] == was["durations"] and now["distribution"] == was["distribution"]
    assert before[2]["durations"] != before[1]["durations"]  # February's cases count too
