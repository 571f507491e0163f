"""Appointments (预约查检): every path, who may take it, realtime notes, and the double-booking race."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.appointments import service
from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.extensions import db

BASE = "/api/v1/appointments"


@pytest.fixture
def scene(factories):
    """An enterprise with an accepted application, its user, a reviewer and an inspector of 5300."""

    class Scene:
        enterprise = factories.enterprise()
        declaration = factories.declaration(enterprise, status="accepted")
        owner = factories.headers(factories.user("enterprise", enterprise=enterprise))
        reviewer = factories.headers(factories.user("reviewer"))
        inspector = factories.user("inspector")
        tomorrow = (utcnow() + timedelta(days=1)).date()

    return Scene


def _book(client, scene, declaration=None, **changes):
    body = {
        "declaration_id": (declaration or scene.declaration).id,
        "date": scene.tomorrow.isoformat(),
        "slot": "morning",
        "site_address": "深圳市龙岗区坂田街道雪岗路 88 号",
        "contact_name": "王经理",
        "contact_phone": "+86 755 1234 5678",
        **changes,
    }
    return client.post(BASE, json=body, headers=scene.owner)


def _act(client, appointment, action, headers, **body):
    return client.post(f"{BASE}/{appointment['id']}/{action}", json=body, headers=headers)


def test_book_then_confirm_notifies_the_other_side(client, scene, emitted):
    booked = _book(client, scene)
    assert booked.status_code == 201, booked.get_json()
    appointment = booked.get_json()
    assert (appointment["status"], appointment["requested_slot"], appointment["version"]) == (
        "requested",
        "morning",
        1,
    )
    assert emitted[-1][:2] == ("district:5300", "appointment.changed")
    confirmed = _act(
        client, appointment, "confirm", scene.reviewer, expected_version=1, inspector_id=scene.inspector.id
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    body = confirmed.get_json()
    assert (body["status"], body["inspector_id"], body["confirmed_date"], body["confirmed_slot"]) == (
        "confirmed",
        scene.inspector.id,
        scene.tomorrow.isoformat(),
        "morning",
    )
    rooms = {to for to, _, _ in emitted[-2:]}
    assert rooms == {f"enterprise:{scene.enterprise.id}", f"user:{scene.inspector.id}"}
    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.entity_type == "appointment"))
    assert list(actions.scalars()) == ["appointment.requested", "appointment.confirm"]
    listed = client.get(BASE, headers=scene.owner).get_json()
    assert [a["id"] for a in listed] == [appointment["id"]]
    assert client.get(f"{BASE}/{appointment['id']}", headers=scene.reviewer).status_code == 200


def test_propose_and_the_enterprise_accepts(client, scene, factories):
    appointment = _book(client, scene).get_json()
    later = scene.tomorrow + timedelta(days=2)
    proposed = _act(
        client,
        appointment,
        "propose",
        scene.reviewer,
        expected_version=1,
        date=later.isoformat(),
        slot="afternoon",
        inspector_id=scene.inspector.id,
        note="上午无人员",
    )
    assert proposed.status_code == 200 and proposed.get_json()["status"] == "proposed"
    customs_accepts = _act(client, appointment, "accept-proposal", scene.reviewer, expected_version=2)
    assert customs_accepts.status_code == 403
    accepted = _act(client, appointment, "accept-proposal", scene.owner, expected_version=2)
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert (body["status"], body["confirmed_date"], body["confirmed_slot"], body["inspector_id"]) == (
        "confirmed",
        later.isoformat(),
        "afternoon",
        scene.inspector.id,
    )


def test_declined_proposal_returns_to_the_request_then_customs_declines(client, scene):
    appointment = _book(client, scene).get_json()
    _act(
        client,
        appointment,
        "propose",
        scene.reviewer,
        expected_version=1,
        date=scene.tomorrow.isoformat(),
        slot="afternoon",
        inspector_id=scene.inspector.id,
    )
    answered = _act(client, appointment, "decline-proposal", scene.owner, expected_version=2)
    assert answered.status_code == 200
    assert (answered.get_json()["status"], answered.get_json()["proposed_slot"]) == ("requested", None)
    declined = _act(client, appointment, "decline", scene.reviewer, expected_version=3, reason="货物尚未备齐")
    assert declined.status_code == 200
    assert (declined.get_json()["status"], declined.get_json()["decline_reason"]) == (
        "declined",
        "货物尚未备齐",
    )
    again = _act(client, appointment, "cancel", scene.owner, expected_version=4, reason="x")
    assert again.status_code == 409 and again.get_json()["error"] == "appointment.invalid_transition"
    # A closed appointment frees the application for a new booking.
    assert _book(client, scene).status_code == 201


def test_either_side_cancels_and_a_cancelled_slot_is_free_again(client, scene, factories):
    first = _book(client, scene).get_json()
    _act(client, first, "confirm", scene.reviewer, expected_version=1, inspector_id=scene.inspector.id)
    cancelled = _act(client, first, "cancel", scene.owner, expected_version=2, reason="生产延期")
    assert cancelled.status_code == 200
    assert (cancelled.get_json()["status"], cancelled.get_json()["cancelled_by"]) == (
        "cancelled",
        "enterprise",
    )
    other = factories.declaration(scene.enterprise, status="inspection_notice")
    second = _book(client, scene, declaration=other).get_json()
    reused = _act(
        client, second, "confirm", scene.reviewer, expected_version=1, inspector_id=scene.inspector.id
    )
    assert reused.status_code == 200
    by_customs = _act(client, second, "cancel", scene.reviewer, expected_version=2, reason="查检人员调整")
    assert by_customs.get_json()["cancelled_by"] == "customs"


def test_booking_refusals(client, scene, factories):
    draft = factories.declaration(scene.enterprise, status="draft")
    refused = _book(client, scene, declaration=draft)
    assert (
        refused.status_code == 409 and refused.get_json()["error"] == "appointment.declaration_not_bookable"
    )
    strangers = factories.declaration(factories.enterprise(), status="accepted")
    assert _book(client, scene, declaration=strangers).status_code == 404
    past = _book(client, scene, date=(scene.tomorrow - timedelta(days=3)).isoformat())
    assert past.status_code == 422 and past.get_json()["error"] == "appointment.date_in_past"
    assert _book(client, scene, slot="midnight").status_code == 422
    assert _book(client, scene).status_code == 201
    twice = _book(client, scene)
    assert twice.status_code == 409 and twice.get_json()["error"] == "appointment.already_open"
    body = {
        "declaration_id": scene.declaration.id,
        "date": scene.tomorrow.isoformat(),
        "slot": "morning",
        "site_address": "x",
        "contact_name": "x",
        "contact_phone": "12345",
    }
    assert client.post(BASE, json=body, headers=scene.reviewer).status_code == 403


def test_customs_refusals_scope_versions_and_inspectors(client, scene, factories):
    appointment = _book(client, scene).get_json()
    elsewhere = factories.headers(factories.user("reviewer", district_code="5100"))
    assert (
        _act(
            client, appointment, "confirm", elsewhere, expected_version=1, inspector_id=scene.inspector.id
        ).status_code
        == 404
    )
    stale = _act(
        client, appointment, "confirm", scene.reviewer, expected_version=5, inspector_id=scene.inspector.id
    )
    assert stale.status_code == 409 and stale.get_json()["error"] == "appointment.version_conflict"
    for wrong in (factories.user("inspector", district_code="5100"), factories.user("reviewer")):
        refused = _act(
            client, appointment, "confirm", scene.reviewer, expected_version=1, inspector_id=wrong.id
        )
        assert refused.status_code == 422 and refused.get_json()["error"] == "appointment.invalid_inspector"
    assert (
        _act(
            client, appointment, "confirm", scene.owner, expected_version=1, inspector_id=scene.inspector.id
        ).status_code
        == 403
    )
    too_early = _act(client, appointment, "accept-proposal", scene.owner, expected_version=1)
    assert too_early.status_code == 409 and too_early.get_json()["error"] == "appointment.invalid_transition"
    assert client.get(f"{BASE}/{appointment['id']}", headers=elsewhere).status_code == 404
    slots = client.get(f"{BASE}/slots", headers=scene.owner).get_json()
    assert [s["code"] for s in slots] == ["morning", "afternoon"]


def test_an_inspector_is_not_booked_twice_for_one_slot(client, scene, factories):
    first = _book(client, scene).get_json()
    second = _book(
        client, scene, declaration=factories.declaration(scene.enterprise, status="accepted")
    ).get_json()
    assert (
        _act(
            client, first, "confirm", scene.reviewer, expected_version=1, inspector_id=scene.inspector.id
        ).status_code
        == 200
    )
    busy = _act(
        client, second, "confirm", scene.reviewer, expected_version=1, inspector_id=scene.inspector.id
    )
    assert busy.status_code == 409 and busy.get_json()["error"] == "appointment.inspector_busy"
    assert client.get(f"{BASE}/{second['id']}", headers=scene.owner).get_json()["status"] == "requested"
    afternoon = _act(
        client,
        second,
        "confirm",
        scene.reviewer,
        expected_version=1,
        inspector_id=scene.inspector.id,
        slot="afternoon",
    )
    assert afternoon.status_code == 200


def test_two_concurrent_confirmations_of_one_inspector_slot(app, client, scene, factories):
    ids = [_book(client, scene).get_json()["id"]]
    ids.append(
        _book(
            client, scene, declaration=factories.declaration(scene.enterprise, status="accepted")
        ).get_json()["id"]
    )
    reviewers = [factories.headers(factories.user("reviewer")) for _ in ids]
    inspector_id = scene.inspector.id
    db.session.rollback()
    barrier, results = threading.Barrier(2), []

    def confirm(appointment_id, headers):
        with app.test_client() as own:
            barrier.wait()
            response = own.post(
                f"{BASE}/{appointment_id}/confirm",
                json={"expected_version": 1, "inspector_id": inspector_id},
                headers=headers,
            )
            results.append((response.status_code, response.get_json().get("error")))

    threads = [threading.Thread(target=confirm, args=pair) for pair in zip(ids, reviewers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=lambda r: r[0]) == [(200, None), (409, "appointment.inspector_busy")], results


def test_the_past_ends_at_midnight_in_china(client, scene, monkeypatch):
    # 17:00 on 6 December in UTC is 01:00 on 7 December in China: the 6th is over there.
    monkeypatch.setattr(service, "utcnow", lambda: datetime(2026, 12, 6, 17, 0, tzinfo=UTC))
    yesterday = _book(client, scene, date=date(2026, 12, 6).isoformat())
    assert yesterday.status_code == 422 and yesterday.get_json()["error"] == "appointment.date_in_past"
    today = _book(client, scene, date=date(2026, 12, 7).isoformat())
    assert today.status_code == 201, today.get_json()
