"""The outbox, the message and push delivery in-process (embedded job engine) to a real receiver process."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from backend.certificates.keys import rotate_signing_key
from backend.certificates.models import SigningKey
from backend.certificates.sealing import signature_holds
from backend.core.enums import Role
from backend.declarations.models import Declaration, IntakeMessage, Receipt
from backend.extensions import db
from backend.interchange import delivery, documents
from backend.interchange.models import DELIVERED, PARKED, PENDING, OutboxMessage
from tests.interchange.conftest import INTAKE

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).resolve().parents[2] / "docs/interchange/receipt.xsd")))


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_each_intake_receipt_is_in_the_outbox_in_order_and_web_ones_are_not(intake, factories, exporter):
    [declaration_id] = intake(1)
    factories.declaration(exporter, status="accepted")  # a web application: no message owed
    rows = outbox()
    receipts = db.session.execute(
        db.select(Receipt.id, Receipt.code)
        .where(Receipt.declaration_id == declaration_id)
        .order_by(Receipt.id)
    ).all()
    assert [(r.declaration_id, r.sequence, r.receipt_id, r.status) for r in rows] == [
        (declaration_id, 1, receipts[0].id, PENDING),
        (declaration_id, 2, receipts[1].id, PENDING),
    ]
    assert len({r.message_id for r in rows}) == 2 and rows[0].recipient_id is not None


def test_malformed_intake_is_refused_with_the_field_named_and_stores_nothing(
    client, sender, exporter, factories
):
    from tests.declarations.bodies import registered_body

    bad = {
        "message_id": "SW-BAD-1",
        "enterprise_customs_code": "not-a-code",
        "application": {**registered_body(factories, exporter), "shipping_date": "31/12/2026"},
    }
    response = client.post(INTAKE, json=bad, headers=sender)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "enterprise_customs_code" in errors and "shipping_date" in errors["application"]
    counts = [
        db.session.execute(db.select(db.func.count()).select_from(model)).scalar()
        for model in (Declaration, IntakeMessage, Receipt, OutboxMessage)
    ]
    assert counts == [0, 0, 0, 0]


def test_the_message_validates_against_the_xsd_and_its_signature_holds(intake):
    intake(1)
    message = outbox()[1]
    rendered = documents.render(message)
    document = etree.fromstring(rendered.xml)
    XSD.assertValid(document)
    twin = documents.from_xml(rendered.xml)
    assert twin == rendered.twin
    assert twin["application"]["sequence"] == 2 and twin["receipt"]["code"] == "ACCEPTED"
    assert twin["application"]["intake_message_id"].startswith("SW-T-")
    key = db.session.execute(
        db.select(SigningKey).where(SigningKey.key_id == twin["signature"]["key_id"])
    ).scalar_one()
    statement = documents.signed_statement(twin)
    assert signature_holds(statement, signature=twin["signature"]["value"], public_key=key.public_key)
    tampered = {**twin, "receipt": {**twin["receipt"], "code": "REJECTED"}}
    assert not signature_holds(
        documents.signed_statement(tampered), signature=twin["signature"]["value"], public_key=key.public_key
    )
    # Rendering again gives the same bytes: a retry is the same message.
    assert documents.render(message).xml == rendered.xml
    broken = etree.fromstring(rendered.xml.replace(b"<Sequence>2</Sequence>", b"<Sequence>two</Sequence>"))
    assert not XSD.validate(broken)


def test_signing_reads_the_key_unlocked_and_a_rotation_applies_to_the_next_message(intake):
    intake(1)
    first_message, second_message = outbox()[:2]
    before = documents.render(first_message)  # the district's key is made on first use
    db.session.commit()
    db.session.expire_all()
    seen: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()).lower())

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        documents.render(second_message)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    db.session.commit()
    # One read of the key, without FOR UPDATE (deliveries of a district no longer queue on its row),
    # and no read of the district besides.
    on_keys = [s for s in seen if "from signing_key" in s]
    assert len(on_keys) == 1 and "for update" not in on_keys[0], seen
    assert not any("from district" in s for s in seen), seen
    rotated = rotate_signing_key(actor=None, district_code=first_message.district_code)
    after = documents.render(second_message)
    assert after.twin["signature"]["key_id"] == rotated.key_id != before.twin["signature"]["key_id"]
    # What the retired key signed still verifies: it stays published.
    retired = db.session.execute(
        db.select(SigningKey).where(SigningKey.key_id == before.twin["signature"]["key_id"])
    ).scalar_one()
    assert retired.status == "retired"
    assert signature_holds(
        documents.signed_statement(before.twin), signature=before.twin["signature"]["value"],
        public_key=retired.public_key,
    )


def test_pushed_after_the_commit_in_order_and_once(pushing, intake):
    ids = intake(2)
    assert [row.status for row in outbox()] == [DELIVERED] * 4
    assert [(d, s, c) for d, s, c, _ in pushing.received()] == [
        (ids[0], 1, "SUBMITTED"),
        (ids[0], 2, "ACCEPTED"),
        (ids[1], 1, "SUBMITTED"),
        (ids[1], 2, "ACCEPTED"),
    ]
    assert pushing.stats() == {"received": 4, "duplicates": 0, "order_breaks": 0}


def test_a_4xx_parks_at_once_with_the_answer_and_holds_back_the_rest_until_retried(
    pushing, intake, client, admin
):
    pushing.control("fail4xx", count=1)
    [declaration_id] = intake(1)
    first, second = outbox()
    assert (first.status, first.attempts, first.last_response_status) == (PARKED, 1, 422)
    assert "CustomsCode unknown" in first.last_response_body
    assert (second.status, second.attempts) == (PENDING, 0)  # never sent before its predecessor
    listed = client.get("/api/v1/interchange/outbox?status=parked", headers=admin).get_json()["items"]
    assert [row["message_id"] for row in listed] == [first.message_id]
    retried = client.post(f"/api/v1/interchange/outbox/{first.id}/retry", headers=admin)
    assert retried.status_code == 200, retried.get_json()
    assert [row.status for row in outbox()] == [DELIVERED, DELIVERED]
    assert [(d, s) for d, s, _, _ in pushing.received()] == [(declaration_id, 1), (declaration_id, 2)]
    again = client.post(f"/api/v1/interchange/outbox/{first.id}/retry", headers=admin)
    assert again.status_code == 409 and again.get_json()["error"] == "interchange.already_delivered"


def test_5xx_timeouts_and_closed_connections_are_retried_then_parked_after_n(pushing, intake, app):
    app.config["INTERCHANGE_TIMEOUT_SECONDS"] = 0.3
    pushing.control("close", count=1)  # recorded, then the connection dropped: sent again, de-duplicated
    [declaration_id] = intake(1)
    first = outbox()[0]
    assert (first.status, first.attempts, first.last_response_status) == (PENDING, 1, None)
    assert first.last_error and first.next_attempt_at is not None
    pushing.control("hang", count=1)
    assert delivery.deliver_application(declaration_id=declaration_id).delivered == 0
    assert "timeout" in outbox()[0].last_error
    assert delivery.deliver_application(declaration_id=declaration_id).delivered == 2
    assert pushing.stats() == {"received": 2, "duplicates": 1, "order_breaks": 0}
    pushing.control("fail5xx")
    [other] = intake(1)
    for _ in range(3):
        delivery.deliver_application(declaration_id=other)
    parked = [row for row in outbox() if row.declaration_id == other]
    assert [(row.status, row.attempts, row.last_response_status) for row in parked] == [
        (PARKED, 3, 503),
        (PENDING, 0, None),
    ]
    pushing.control("ok")
    assert (
        delivery.deliver_application(declaration_id=other).delivered == 0
    )  # parked: an administrator decides


def test_backoff_doubles_up_to_its_cap(app):
    app.config.update(INTERCHANGE_RETRY_BASE_SECONDS=5, INTERCHANGE_RETRY_MAX_SECONDS=60)
    try:
        assert [delivery.backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 40, 60]
    finally:
        app.config.update(INTERCHANGE_RETRY_BASE_SECONDS=5, INTERCHANGE_RETRY_MAX_SECONDS=600)


def test_feed_pages_by_cursor_and_shows_only_the_callers_own(client, intake, sender, factories):
    intake(3)
    page = client.get("/api/v1/interchange/receipts?limit=4", headers=sender).get_json()
    assert len(page["items"]) == 4 and page["has_more"] is True
    rest = client.get(f"/api/v1/interchange/receipts?cursor={page['cursor']}", headers=sender).get_json()
    assert len(rest["items"]) == 2 and rest["has_more"] is False
    ids = [item["message_id"] for item in page["items"] + rest["items"]]
    assert ids == [row.message_id for row in outbox()]
    empty = client.get(f"/api/v1/interchange/receipts?cursor={rest['cursor']}", headers=sender).get_json()
    assert empty == {"items": [], "cursor": rest["cursor"], "has_more": False}
    other = factories.headers(factories.user(Role.SYSTEM_CLIENT, district_code=None), assurance="key")
    assert client.get("/api/v1/interchange/receipts", headers=other).get_json()["items"] == []
    bad = client.get("/api/v1/interchange/receipts?cursor=abc", headers=sender)
    assert bad.status_code == 422 and "cursor" in bad.get_json()["errors"]


def test_administrators_list_export_and_see_only_their_districts(client, intake, admin, factories):
    intake(1)
    page = client.get("/api/v1/interchange/outbox", headers=admin).get_json()
    assert [row["sequence"] for row in page["items"]] == [2, 1] and page["next_before_id"] is None
    detail = client.get(f"/api/v1/interchange/outbox/{page['items'][0]['id']}", headers=admin).get_json()
    assert detail["document"]["receipt"]["code"] == "ACCEPTED"
    csv = client.get("/api/v1/interchange/outbox.csv", headers=admin)
    assert csv.status_code == 200 and page["items"][0]["message_id"] in csv.get_data(as_text=True)
    xlsx = client.get("/api/v1/interchange/outbox.xlsx?status=pending", headers=admin)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    elsewhere = factories.headers(factories.user(Role.ADMINISTRATOR, district_code="2200"), assurance="key")
    assert client.get("/api/v1/interchange/outbox", headers=elsewhere).get_json()["items"] == []
    row_id = page["items"][0]["id"]
    assert client.post(f"/api/v1/interchange/outbox/{row_id}/retry", headers=elsewhere).status_code == 404
    national = factories.headers(factories.user(Role.ADMINISTRATOR, district_code="0000"), assurance="key")
    assert len(client.get("/api/v1/interchange/outbox", headers=national).get_json()["items"]) == 2
    reviewer = factories.headers(factories.user(Role.REVIEWER, district_code="5300"))
    assert client.get("/api/v1/interchange/outbox", headers=reviewer).status_code == 403


def test_the_command_sends_what_waits_after_a_failure(pushing, intake, app):
    pushing.control("fail5xx", count=1)
    intake(1)
    assert [row.status for row in outbox()] == [PENDING, PENDING]
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["interchange", "deliver"])
    assert result.exit_code == 0 and "delivered: 2" in result.output
    assert [row.status for row in outbox()] == [DELIVERED, DELIVERED]


FEED = "/api/v1/interchange/receipts"


def pull(client, headers, cursor) -> tuple[list[str], int]:
    page = client.get(FEED if cursor is None else f"{FEED}?cursor={cursor}", headers=headers).get_json()
    return [item["message_id"] for item in page["items"]], page["cursor"]


def notice(declaration_id: int) -> Receipt:
    return Receipt(
        declaration_id=declaration_id,
        code="INSPECTION_NOTICE",
        status="accepted",
        text_zh="查检通知",
        text_en="Inspection notice",
        actor_label="test",
    )


def test_feed_loses_no_message_whose_transaction_commits_after_a_later_one_was_read(client, intake, sender):
    """The transaction with the smaller id commits after the feed handed out the larger one: a client
    following the cursors receives both, once. On PostgreSQL they really interleave (two connections);
    SQLite has one writer, so there the late row is written first and kept from its recipient."""
    first, second = intake(2)
    received, cursor = pull(client, sender, None)
    sqlite = db.engine.dialect.name == "sqlite"
    late = db.session if sqlite else sa.orm.Session(db.engine)
    late.add(notice(first))
    late.flush()  # draws the smaller id
    row = sa.update(OutboxMessage).where(OutboxMessage.sequence == 3, OutboxMessage.declaration_id == first)
    if sqlite:
        recipient = outbox()[0].recipient_id
        late.execute(row.values(recipient_id=None))
        late.commit()
    db.session.add(notice(second))
    db.session.commit()
    ids, cursor = pull(client, sender, cursor)
    if sqlite:
        late.execute(row.values(recipient_id=recipient))
    late.commit()  # now the smaller id is there, behind the cursor of its id
    late.close()
    received += ids + pull(client, sender, cursor)[0]
    assert sorted(received) == sorted(row.message_id for row in outbox()) and len(received) == 6
