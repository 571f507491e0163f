"""回执 reach the enterprise's room over Socket.IO after commit, and only its own room."""

from backend.core.enums import Role
from backend.extensions import socketio
from tests.declarations.bodies import body, registered_body

API = "/api/v1/declarations"


def _token(factories, user) -> str:
    return factories.headers(user)["Authorization"].split()[1]


def _connect(app, token):
    sio = socketio.test_client(app, auth={"token": token})
    assert sio.is_connected()
    sio.get_received()
    return sio


def test_submission_receipts_arrive_in_the_enterprise_room(app, client, factories):
    enterprise = factories.enterprise()
    user = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    colleague = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    stranger = factories.user(Role.ENTERPRISE)
    headers = factories.headers(user)
    data = registered_body(factories, enterprise)
    # Connecting ends the test's session (the handler removes it): build everything first.
    tokens = _token(factories, colleague), _token(factories, stranger)
    mine, theirs = _connect(app, tokens[0]), _connect(app, tokens[1])
    created = client.post(API, json=data, headers=headers).get_json()
    assert mine.get_received() == []  # a draft writes no receipt
    submitted = client.post(f"{API}/{created['id']}/submit", json={}, headers=headers).get_json()
    messages = [m for m in mine.get_received() if m["name"] == "declaration.receipt"]
    assert [m["args"][0]["receipt"]["code"] for m in messages] == ["SUBMITTED", "ACCEPTED"]
    last = messages[-1]["args"][0]
    assert last["declaration_id"] == created["id"] and last["status"] == "accepted"
    assert last["version"] == submitted["version"]
    assert submitted["inspection_no"] in last["receipt"]["text_zh"]
    assert theirs.get_received() == []
    mine.disconnect()
    theirs.disconnect()


def test_a_refused_submission_announces_nothing(app, client, factories):
    enterprise = factories.enterprise()
    user = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    headers = factories.headers(user)
    data = body(enterprise)  # qualification missing
    sio = _connect(app, _token(factories, user))
    created = client.post(API, json=data, headers=headers).get_json()
    assert client.post(f"{API}/{created['id']}/submit", json={}, headers=headers).status_code == 422
    assert sio.get_received() == []
    sio.disconnect()


def test_socket_without_token_is_refused(app):
    sio = socketio.test_client(app)
    assert not sio.is_connected()


def test_receipts_carry_the_reviewers_reasons_per_field(client, factories):
    """A return's field reasons reach the enterprise, so its form can show them beside the fields."""
    from backend.declarations.models import Declaration
    from backend.declarations.workflow import Event, apply
    from backend.extensions import db

    enterprise = factories.enterprise()
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    created = client.post(API, json=registered_body(factories, enterprise), headers=headers).get_json()
    client.post(f"{API}/{created['id']}/submit", json={}, headers=headers)
    reasons = [{"path": "contract_no", "reason_zh": "合同号与附件不一致", "reason_en": "Differs"}]
    apply(
        db.session.get(Declaration, created["id"]),
        Event.RETURN,
        actor=None,
        reason="合同号与附件不一致",
        detail={"field_reasons": reasons, "note_zh": None, "note_en": None},
    )
    db.session.commit()
    receipts = client.get(f"{API}/{created['id']}/receipts", headers=headers).get_json()
    assert [(r["code"], r["field_reasons"]) for r in receipts] == [
        ("SUBMITTED", []),
        ("ACCEPTED", []),
        ("RETURNED", reasons),
    ]
