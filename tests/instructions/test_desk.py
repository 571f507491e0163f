"""The 指令管理 desk's API: issuing by hand for an accepted application, cancelling with the officer's
choice of what the application becomes (back to review, or released), and a confirmed booking on the
inspector's phone."""

from datetime import timedelta

import pytest

from backend.core.enums import Role
from backend.core.models import utcnow
from backend.declarations.models import Declaration
from backend.extensions import db
from tests.helpers import goods_line

BASE = "/api/v1/instructions"


def _declaration(client, world, declaration_id):
    db.session.expire_all()
    return db.session.get(Declaration, declaration_id)


def _cancel(client, world, factories, reason: str, then: str):
    """A supervisor cancels a fresh instruction of world.declaration; returns the instruction's answer."""
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    response = client.post(
        f"{BASE}/{instruction.id}/cancel", json={"reason": reason, "then": then}, headers=world.h_supervisor
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_officer_issues_by_hand_for_an_accepted_application_with_items_from_its_goods(
    client, world, factories, emitted
):
    reviewer = factories.headers(factories.user(Role.REVIEWER))
    accepted = factories.declaration(
        world.enterprise,
        status="accepted",
        goods=[goods_line("4419121000", ciq_code="4419121000999"), goods_line("0810100000", line_no=2)],
    )
    factories.declaration(world.enterprise, status="draft")  # not a candidate
    candidates = client.get(f"{BASE}/candidates", headers=reviewer).get_json()
    by_id = {row["declaration_id"]: row for row in candidates}
    # world.declaration is in 查检通知 without an instruction: a candidate too; drafts are not.
    assert set(by_id) == {accepted.id, world.declaration.id}
    # The base checks, then bamboo (a plant product) and fresh fruit (fresh or live goods) add theirs.
    assert by_id[accepted.id]["suggested_items"] == [
        "verify_goods",
        "packaging",
        "labels",
        "quantity_weight",
        "sampling",
        "treatment_supervision",
        "sensory",
        "cold_chain",
    ]
    response = client.post(
        BASE,
        json={
            "declaration_id": accepted.id,
            "item_codes": by_id[accepted.id]["suggested_items"],
            "note": "举报线索",
            "inspector_id": world.inspector.id,
        },
        headers=reviewer,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["inspector_id"], body["follows_instruction_id"]) == (
        "assigned",
        world.inspector.id,
        None,
    )
    declaration = _declaration(client, world, accepted.id)
    assert declaration.status == "inspection_notice"
    assert declaration.receipts[-1].code == "INSPECTION_NOTICE"
    assert (f"enterprise:{world.enterprise.id}", "declaration.receipt") in {(r, e) for r, e, _ in emitted}
    # It has an open instruction now: no longer a candidate, and a second one is refused.
    assert accepted.id not in {
        row["declaration_id"] for row in client.get(f"{BASE}/candidates", headers=reviewer).get_json()
    }
    again = client.post(
        BASE, json={"declaration_id": accepted.id, "item_codes": ["labels"]}, headers=reviewer
    )
    assert (again.status_code, again.get_json()["error"]) == (409, "instruction.already_open")
    pulled = client.get(
        "/api/v1/sync/pull", query_string={"device_id": "phone-a-0001"}, headers=world.h_inspector
    )
    assert [c["instruction_id"] for c in pulled.get_json()["changes"]] == [body["id"]]


def test_cancelling_needs_the_officers_choice_of_what_the_application_becomes(client, world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    url = f"{BASE}/{instruction.id}/cancel"
    missing = client.post(url, json={"reason": "企业撤回货物"}, headers=world.h_supervisor)
    assert (missing.status_code, list(missing.get_json()["errors"])) == (422, ["then"])
    wrong = client.post(
        url, json={"reason": "企业撤回货物", "then": "inspecting"}, headers=world.h_supervisor
    )
    assert wrong.status_code == 422
    assert _declaration(client, world, world.declaration.id).status == "inspection_notice"


def test_cancel_then_accepted_sends_the_application_back_to_review_with_a_receipt(
    client, world, factories, emitted
):
    assert _cancel(client, world, factories, "布控规则误中", "accepted")["status"] == "cancelled"
    declaration = _declaration(client, world, world.declaration.id)
    assert declaration.status == "accepted" and declaration.e_record is None
    receipt = declaration.receipts[-1]
    assert receipt.code == "INSPECTION_CANCELLED" and "布控规则误中" in receipt.text_zh
    sent = [
        d for r, e, d in emitted if (r, e) == (f"enterprise:{world.enterprise.id}", "declaration.receipt")
    ]
    assert sent[-1]["status"] == "accepted" and sent[-1]["receipt"]["code"] == "INSPECTION_CANCELLED"
    # Back in the review queue, and a new instruction may be issued for it.
    queue = client.get("/api/v1/review/queue", headers=world.h_supervisor).get_json()
    assert world.declaration.id in [row["id"] for row in queue["items"]]


def test_cancel_then_released_issues_the_e_record_without_inspection(client, world, factories):
    assert _cancel(client, world, factories, "免于查检", "released")["status"] == "cancelled"
    declaration = _declaration(client, world, world.declaration.id)
    assert declaration.status == "e_record_issued"
    assert declaration.e_record.e_record_no == f"{declaration.inspection_no}001"
    assert declaration.receipts[-1].code == "RELEASED"
    assert declaration.e_record.e_record_no in declaration.receipts[-1].text_zh


def test_a_refused_release_leaves_the_instruction_open(client, world, factories):
    """The instruction and its application move together: a refusal of one rolls back the other."""
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    declaration = _declaration(client, world, world.declaration.id)
    declaration.status = "passed"  # moved on by someone else in between
    db.session.commit()
    response = client.post(
        f"{BASE}/{instruction.id}/cancel",
        json={"reason": "免于查检", "then": "accepted"},
        headers=world.h_supervisor,
    )
    assert (response.status_code, response.get_json()["error"]) == (409, "declaration.invalid_transition")
    db.session.rollback()  # what the request's teardown does outside tests (here it shares our context)
    assert (
        client.get(f"{BASE}/{instruction.id}", headers=world.h_supervisor).get_json()["status"] == "assigned"
    )


@pytest.fixture
def booked(client, world, factories):
    """The enterprise's booking for world.declaration, which has an instruction nobody holds yet."""
    owner = factories.headers(factories.user(Role.ENTERPRISE, enterprise=world.enterprise))
    instruction = factories.instruction(world.declaration)
    tomorrow = (utcnow() + timedelta(days=1)).date()
    response = client.post(
        "/api/v1/appointments",
        json={
            "declaration_id": world.declaration.id,
            "date": tomorrow.isoformat(),
            "slot": "afternoon",
            "site_address": "深圳市龙岗区坂田街道雪岗路 88 号 2 号仓",
            "contact_name": "王经理",
            "contact_phone": "13800138000",
        },
        headers=owner,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json(), instruction, tomorrow, owner


def test_a_confirmed_booking_reaches_the_inspectors_pull_and_a_cancelled_one_leaves_it(
    client, world, booked, emitted
):
    appointment, instruction, tomorrow, owner = booked
    confirmed = client.post(
        f"/api/v1/appointments/{appointment['id']}/confirm",
        json={"expected_version": 1, "inspector_id": world.inspector.id},
        headers=world.h_supervisor,
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["instruction_id"] == instruction.id
    assert (f"enterprise:{world.enterprise.id}", "appointment.changed") in {(r, e) for r, e, _ in emitted}
    # The instruction nobody held goes to the inspector who keeps the booking, with the booking on it.
    pull = client.get(
        "/api/v1/sync/pull", query_string={"device_id": "phone-a-0001"}, headers=world.h_inspector
    )
    changes = pull.get_json()["changes"]
    assert [c["instruction_id"] for c in changes] == [instruction.id]
    document = changes[0]["instruction"]
    assert document["status"] == "assigned"
    assert document["appointment"] == {
        "id": appointment["id"],
        "date": tomorrow.isoformat(),
        "slot": "afternoon",
        "slot_zh": "下午",
        "slot_en": "Afternoon",
        "start": "14:00",
        "end": "17:30",
        "site_address": "深圳市龙岗区坂田街道雪岗路 88 号 2 号仓",
        "contact_name": "王经理",
        "contact_phone": "13800138000",
        "note": None,
    }
    cursor = pull.get_json()["next_cursor"]
    cancelled = client.post(
        f"/api/v1/appointments/{appointment['id']}/cancel",
        json={"expected_version": 2, "reason": "货物未备齐"},
        headers=owner,
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    again = client.get(
        "/api/v1/sync/pull",
        query_string={"device_id": "phone-a-0001", "cursor": cursor},
        headers=world.h_inspector,
    ).get_json()["changes"]
    assert [(c["instruction_id"], c["instruction"]["appointment"]) for c in again] == [(instruction.id, None)]
