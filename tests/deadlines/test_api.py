"""时限 administration: who keeps which limits and the calendar, audited; everyone in customs reads them."""

from __future__ import annotations

from backend.audit.models import AuditEvent
from backend.core.enums import Role
from backend.extensions import db

URL = "/api/v1/deadlines/time-limits"
CALENDAR = "/api/v1/deadlines/calendar"


def _admin(factories, district):
    return factories.headers(factories.user(Role.ADMINISTRATOR, district_code=district), assurance="key")


def test_a_district_administrator_sets_and_drops_its_own_limit_only(client, factories):
    admin = _admin(factories, "5301")
    body = {"stage": "review", "district_code": "5301", "amount": 2, "unit": "working_days"}
    response = client.put(URL, json=body, headers=admin)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["district_code"] == "5301" and response.get_json()["amount"] == 2
    again = client.put(URL, json={**body, "amount": 3}, headers=admin)  # an update, not a second row
    assert again.get_json()["amount"] == 3

    for district in ("5300", "5320", None):  # the parent, a sibling, the national default
        refused = client.put(URL, json={**body, "district_code": district}, headers=admin)
        assert refused.status_code == 403 and refused.get_json()["error"] == "deadlines.district_forbidden"

    parent = factories.headers(factories.user(Role.SUPERVISOR, district_code="5300"))
    rows = client.get(URL, headers=parent).get_json()
    review = {row["district_code"]: row["amount"] for row in rows if row["stage"] == "review"}
    assert review == {None: 1, "5301": 3}  # the national default and the subordinate's own
    other = factories.headers(factories.user(Role.SUPERVISOR, district_code="2200"))
    assert {row["district_code"] for row in client.get(URL, headers=other).get_json()} == {None}

    events = (
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.entity_type == "time_limit").order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [(e.action, e.before, e.after) for e in events] == [
        ("deadlines.time_limit_set", None, {"amount": 2, "unit": "working_days"}),
        (
            "deadlines.time_limit_set",
            {"amount": 2, "unit": "working_days"},
            {"amount": 3, "unit": "working_days"},
        ),
    ]
    assert events[0].district_code == "5301"

    dropped = client.delete(URL, query_string={"stage": "review", "district_code": "5301"}, headers=admin)
    assert dropped.status_code == 204
    gone = client.delete(URL, query_string={"stage": "review", "district_code": "5301"}, headers=admin)
    assert gone.status_code == 404


def test_the_national_level_keeps_the_defaults_and_the_calendar(client, factories):
    national = _admin(factories, "0000")
    district_admin = _admin(factories, "5300")
    body = {"stage": "certificate_review", "district_code": None, "amount": 4, "unit": "hours"}
    assert client.put(URL, json=body, headers=national).status_code == 200
    cannot_drop = client.delete(URL, query_string={"stage": "certificate_review"}, headers=national)
    assert cannot_drop.status_code == 422  # district_code is required to drop a row

    day = {"day": "2026-12-31", "kind": "holiday", "name_zh": "测试假日", "name_en": "Test day off"}
    refused = client.put(CALENDAR, json=day, headers=district_admin)
    assert refused.status_code == 403 and refused.get_json()["error"] == "deadlines.district_forbidden"
    assert client.put(CALENDAR, json=day, headers=national).status_code == 200

    reader = factories.headers(factories.user(Role.INSPECTOR, district_code="5320"))
    days = client.get(CALENDAR, query_string={"year": 2026}, headers=reader).get_json()
    by_day = {row["day"]: row["kind"] for row in days}
    assert by_day["2026-01-01"] == "holiday" and by_day["2026-01-04"] == "workday"
    assert by_day["2026-12-31"] == "holiday"
    assert sum(kind == "holiday" for kind in by_day.values()) == 3 + 9 + 3 + 5 + 3 + 3 + 7 + 1
    assert sum(kind == "workday" for kind in by_day.values()) == 6

    # National-level business writes stay refused even for its administrators.
    refused = client.post("/api/v1/admin/enterprises", json={}, headers=national)
    assert refused.status_code == 403 and refused.get_json()["error"] == "scope.national_read_only"

    assert client.delete(CALENDAR, query_string={"day": "2026-12-31"}, headers=national).status_code == 204
    actions = (
        db.session.execute(
            db.select(AuditEvent.action)
            .where(AuditEvent.entity_type.in_(["time_limit", "calendar_day"]))
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert actions == [
        "deadlines.time_limit_set",
        "deadlines.calendar_day_set",
        "deadlines.calendar_day_removed",
    ]


def test_unknown_stage_and_unit_are_field_errors(client, factories):
    admin = _admin(factories, "5300")
    for body in (
        {"stage": "coffee", "district_code": "5300", "amount": 1, "unit": "hours"},
        {"stage": "review", "district_code": "5300", "amount": 1, "unit": "weeks"},
        {"stage": "review", "district_code": "5300", "amount": 0, "unit": "hours"},
    ):
        response = client.put(URL, json=body, headers=admin)
        assert response.status_code == 422 and response.get_json()["error"] == "request.invalid"
