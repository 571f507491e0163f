"""代理报检: an enterprise declares in another's name only under that enterprise's live authorisation."""

from datetime import timedelta

import pytest

from backend.audit.models import AuditEvent
from backend.core.enums import Role
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.identity.agency import china_today
from backend.identity.agency_models import AgencyAuthorisation
from tests.declarations.bodies import registered_body

API = "/api/v1/declarations"
AGENCY = "/api/v1/agent-authorisations"
INTAKE = "/api/v1/intake/single-window/declarations"


@pytest.fixture
def parties(factories):
    """The exporter (principal, ent-demo's role), a broker (agent, ent2-demo's role) and a stranger."""
    principal = factories.enterprise(customs_code="4403160AB1")
    agent = factories.enterprise(customs_code="4403960C22")
    stranger = factories.enterprise(customs_code="4403960D33")
    users = {
        name: factories.user(Role.ENTERPRISE, enterprise=enterprise)
        for name, enterprise in (("principal", principal), ("agent", agent), ("stranger", stranger))
    }
    return {
        "principal": principal,
        "agent": agent,
        "headers": {name: factories.headers(user) for name, user in users.items()},
        "key": {name: factories.headers(user, assurance="key") for name, user in users.items()},
    }


def grant(client, parties, **changes):
    today = china_today()
    data = {
        "agent_customs_code": parties["agent"].customs_code,
        "scopes": ["declare", "appointments"],
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=90)).isoformat(),
        "reason": "2027 年度代理报检委托书",
    } | changes
    return client.post(AGENCY, json=data, headers=parties["key"]["principal"])


def count_declarations() -> int:
    db.session.expire_all()
    return db.session.execute(db.select(db.func.count()).select_from(Declaration)).scalar()


def test_an_enterprise_cannot_declare_in_another_enterprise_name_without_authorisation(
    client, factories, parties
):
    data = registered_body(factories, parties["principal"])
    refused = client.post(API, json=data, headers=parties["headers"]["agent"])
    assert refused.status_code == 403, refused.get_json()
    body = refused.get_json()
    assert body["error"] == "declaration.party_not_authorised"
    assert set(body["errors"]) == {"applicant_code", "consignor_code"}
    assert "4403160AB1" in body["errors"]["applicant_code"][0]
    assert count_declarations() == 0
    # Its own draft cannot be turned into the other's either.
    own = client.post(
        API, json=registered_body(factories, parties["agent"]), headers=parties["headers"]["agent"]
    ).get_json()
    changed = client.put(
        f"{API}/{own['id']}",
        json={**own_body(factories, parties), "version": own["version"]},
        headers=parties["headers"]["agent"],
    )
    assert changed.status_code == 403, changed.get_json()
    assert changed.get_json()["error"] == "declaration.party_not_authorised"
    db.session.expire_all()
    assert db.session.get(Declaration, own["id"]).applicant_code == "4403960C22"


def own_body(factories, parties) -> dict:
    return registered_body(factories, parties["principal"])


def test_with_a_live_authorisation_the_agent_declares_and_both_see_it(client, factories, parties):
    granted = grant(client, parties)
    assert granted.status_code == 201, granted.get_json()
    authorisation = granted.get_json()
    assert authorisation["scopes"] == ["declare", "appointments"]
    assert authorisation["agent"]["customs_code"] == "4403960C22" and authorisation["revoked_at"] is None
    created = client.post(
        API, json=registered_body(factories, parties["principal"]), headers=parties["headers"]["agent"]
    )
    assert created.status_code == 201, created.get_json()
    declaration_id = created.get_json()["id"]
    submitted = client.post(f"{API}/{declaration_id}/submit", json={}, headers=parties["headers"]["agent"])
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["status"] == "accepted"
    stored = db.session.get(Declaration, declaration_id)
    assert stored.enterprise_id == parties["agent"].id
    assert stored.principal_enterprise_id == parties["principal"].id
    for side in ("agent", "principal"):
        assert client.get(f"{API}/{declaration_id}", headers=parties["headers"][side]).status_code == 200
        listed = client.get(API, headers=parties["headers"][side]).get_json()
        assert [item["id"] for item in listed["items"]] == [declaration_id]
    assert client.get(f"{API}/{declaration_id}", headers=parties["headers"]["stranger"]).status_code == 404
    assert client.get(API, headers=parties["headers"]["stranger"]).get_json()["items"] == []
    held = client.get(f"{AGENCY}?side=held", headers=parties["headers"]["agent"]).get_json()
    assert [row["id"] for row in held] == [authorisation["id"]]
    assert client.get(AGENCY, headers=parties["headers"]["agent"]).get_json() == []
    audit = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "agency.granted")
    ).scalar_one()
    assert audit.after["scopes"] == ["declare", "appointments"]


def test_a_revoked_authorisation_refuses_the_submission_naming_the_field(client, factories, parties):
    authorisation = grant(client, parties).get_json()
    draft = client.post(
        API, json=registered_body(factories, parties["principal"]), headers=parties["headers"]["agent"]
    ).get_json()
    revoked = client.post(
        f"{AGENCY}/{authorisation['id']}/revoke",
        json={"reason": "委托到期不续"},
        headers=parties["key"]["principal"],
    )
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    refused = client.post(f"{API}/{draft['id']}/submit", json={}, headers=parties["headers"]["agent"])
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"] == "declaration.party_not_authorised"
    assert set(refused.get_json()["errors"]) == {"applicant_code", "consignor_code"}
    db.session.expire_all()
    assert db.session.get(Declaration, draft["id"]).status == "draft"
    again = client.post(
        f"{AGENCY}/{authorisation['id']}/revoke", json={}, headers=parties["key"]["principal"]
    )
    assert again.status_code == 409 and again.get_json()["error"] == "agency.already_revoked"
    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.action.like("agency.%")))
    assert sorted(actions.scalars()) == ["agency.granted", "agency.revoked"]


@pytest.mark.parametrize("case", ["expired", "not_yet", "other_scope"])
def test_an_expired_future_or_other_scope_authorisation_does_not_count(client, factories, parties, case):
    today = china_today()
    valid = {
        "expired": (today - timedelta(days=30), today - timedelta(days=1)),
        "not_yet": (today + timedelta(days=1), today + timedelta(days=30)),
        "other_scope": (today, today + timedelta(days=30)),
    }[case]
    db.session.add(
        AgencyAuthorisation(
            principal_enterprise_id=parties["principal"].id,
            agent_enterprise_id=parties["agent"].id,
            scopes="certificates" if case == "other_scope" else "declare",
            valid_from=valid[0],
            valid_to=valid[1],
            granted_by_id=factories.user(Role.ENTERPRISE, enterprise=parties["principal"]).id,
        )
    )
    db.session.commit()
    refused = client.post(
        API, json=registered_body(factories, parties["principal"]), headers=parties["headers"]["agent"]
    )
    assert refused.status_code == 403 and refused.get_json()["error"] == "declaration.party_not_authorised"


def test_only_the_principal_revokes_and_granting_needs_a_key(client, parties):
    authorisation = grant(client, parties).get_json()
    by_agent = client.post(f"{AGENCY}/{authorisation['id']}/revoke", json={}, headers=parties["key"]["agent"])
    assert by_agent.status_code == 403 and by_agent.get_json()["error"] == "auth.forbidden"
    by_stranger = client.post(
        f"{AGENCY}/{authorisation['id']}/revoke", json={}, headers=parties["key"]["stranger"]
    )
    assert by_stranger.status_code == 404
    password = client.post(
        AGENCY,
        json={
            "agent_customs_code": "4403960C22",
            "scopes": ["declare"],
            "valid_from": "2026-01-01",
            "valid_to": "2099-01-01",
        },
        headers=parties["headers"]["principal"],
    )
    assert password.status_code == 403 and password.get_json()["error"] == "auth.key_required"
    unknown = grant(client, parties, agent_customs_code="9999999999")
    assert unknown.status_code == 422 and unknown.get_json()["error"] == "agency.agent_unknown"
    itself = grant(client, parties, agent_customs_code=parties["principal"].customs_code)
    assert itself.status_code == 422 and itself.get_json()["error"] == "agency.self"
    past = grant(client, parties, valid_to=(china_today() - timedelta(days=1)).isoformat())
    assert past.status_code == 422 and past.get_json()["error"] == "agency.invalid_period"
    assert grant(client, parties, scopes=["everything"]).status_code == 422


def test_single_window_intake_follows_the_same_rule(client, factories, parties):
    sender = factories.headers(
        factories.user(Role.SYSTEM_CLIENT, username="single-window", district_code=None), assurance="key"
    )
    message = {
        "message_id": "SW-AGENT-000001",
        "enterprise_customs_code": parties["agent"].customs_code,  # the declaring agent
        "application": registered_body(factories, parties["principal"]),
    }
    refused = client.post(INTAKE, json=message, headers=sender)
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"] == "declaration.party_not_authorised"
    assert count_declarations() == 0
    grant(client, parties)
    accepted = client.post(INTAKE, json=message, headers=sender)
    assert accepted.status_code == 201, accepted.get_json()
    stored = db.session.get(Declaration, accepted.get_json()["declaration_id"])
    assert (stored.enterprise_id, stored.principal_enterprise_id) == (
        parties["agent"].id,
        parties["principal"].id,
    )
