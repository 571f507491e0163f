"""海关事务联系单: the Single Window books an appointment through intake, idempotent, answered by receipts."""

from datetime import timedelta

import pytest

from backend.appointments.models import Appointment
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.declarations.models import IntakeMessage, Receipt
from backend.extensions import db

URL = "/api/v1/intake/single-window/appointments"


@pytest.fixture
def scene(factories):
    class Scene:
        enterprise = factories.enterprise()
        declaration = factories.declaration(enterprise, status="accepted")
        sender = factories.headers(
            factories.user(Role.SYSTEM_CLIENT, username="single-window", district_code=None), assurance="key"
        )
        reviewer = factories.headers(factories.user("reviewer"))
        inspector = factories.user("inspector")

    return Scene


def _message(scene, message_id="SW-APPT-000001", **overrides):
    return {
        "message_id": message_id,
        "enterprise_customs_code": scene.enterprise.customs_code,
        "inspection_no": scene.declaration.inspection_no,
        "date": (utcnow() + timedelta(days=2)).date().isoformat(),
        "slot": "afternoon",
        "site_address": "深圳市龙岗区坂田街道雪岗路 88 号",
        "contact_name": "王经理",
        "contact_phone": "+86 755 1234 5678",
        **overrides,
    }


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_request_is_booked_once_and_answered_through_receipts(client, scene):
    first = client.post(URL, json=_message(scene), headers=scene.sender)
    assert first.status_code == 201, first.get_json()
    answer = first.get_json()
    assert first.headers["Idempotent-Replayed"] == "false"
    assert answer["status"] == "requested" and answer["inspection_no"] == scene.declaration.inspection_no
    assert [r["code"] for r in answer["receipts"]] == ["APPOINTMENT_REQUESTED"]
    assert "下午" in answer["receipts"][0]["text_zh"]
    retry = client.post(URL, json=_message(scene), headers=scene.sender)
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == answer
    other_body = client.post(URL, json=_message(scene, slot="morning"), headers=scene.sender)
    assert other_body.status_code == 409 and other_body.get_json()["error"] == "intake.message_conflict"
    assert _count(Appointment) == 1
    # Customs answers as for any booking: the answer is a receipt of the application.
    confirmed = client.post(
        f"/api/v1/appointments/{answer['appointment_id']}/confirm",
        json={"expected_version": 1, "inspector_id": scene.inspector.id},
        headers=scene.reviewer,
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    codes = [
        r.code
        for r in db.session.scalars(
            db.select(Receipt).where(Receipt.declaration_id == scene.declaration.id).order_by(Receipt.id)
        )
    ]
    assert codes[-2:] == ["APPOINTMENT_REQUESTED", "APPOINTMENT_CONFIRMED"]


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"inspection_no": "226N530099999990"}, 422, "inspection_no"),  # 16 characters
        ({"slot": "evening"}, 422, "slot"),
        ({"contact_phone": "call me"}, 422, "contact_phone"),
        ({"declaration_id": 1}, 422, "declaration_id"),  # the Single Window names the inspection number
        ({"inspection_no": "226N53009999999"}, 404, "inspection_no"),  # no such application
        ({"date": "2020-01-01"}, 422, "date"),  # in the past
    ],
)
def test_malformed_requests_name_the_field_and_store_nothing(client, scene, change, status, field):
    refused = client.post(URL, json=_message(scene, **change), headers=scene.sender)
    body = refused.get_json()
    assert refused.status_code == status, body
    assert field in body["errors"], body
    assert _count(Appointment) == 0 and _count(IntakeMessage) == 0
    # Corrected, the same message id goes through.
    assert client.post(URL, json=_message(scene), headers=scene.sender).status_code == 201


def test_only_the_enterprise_of_the_application_may_book_it(client, scene, factories):
    stranger = factories.enterprise()
    refused = client.post(
        URL, json=_message(scene, enterprise_customs_code=stranger.customs_code), headers=scene.sender
    )
    assert refused.status_code == 404 and refused.get_json()["error"] == "intake.application_unknown"
    owner = factories.headers(factories.user("enterprise", enterprise=scene.enterprise), assurance="key")
    assert client.post(URL, json=_message(scene), headers=owner).status_code == 403
