"""Administrators query the audit trail; rows carry the actor's assurance and the request id."""

from backend.audit.models import AuditEvent
from backend.extensions import db

URL = "/api/v1/audit-events"


def make_changes(client, factories, headers, count=3):
    for n in range(count):
        body = {"customs_code": f"44039600{n:02d}", "name_zh": f"企业{n}"}
        assert client.post("/api/v1/admin/enterprises", json=body, headers=headers).status_code == 201


def test_rows_carry_assurance_and_request_id(client, factories):
    admin = factories.user("administrator")
    headers = factories.headers(admin, assurance="key", **{"X-Request-ID": "req-audit-0001"})
    body = {"customs_code": "4403960ABC", "name_zh": "竹韵"}
    assert client.post("/api/v1/admin/enterprises", json=body, headers=headers).status_code == 201
    row = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert (row.assurance, row.request_id, row.actor_username) == ("key", "req-audit-0001", admin.username)
    listed = client.get(URL, headers=factories.headers(admin)).get_json()
    assert listed[0]["assurance"] == "key" and listed[0]["request_id"] == "req-audit-0001"


def test_password_session_is_recorded_as_such(client, factories):
    user = factories.user("enterprise")
    headers = factories.headers(user, **{"X-Request-ID": "req-logout-01"})
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    row = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "identity.logout")).scalar_one()
    assert row.assurance == "password" and row.request_id == "req-logout-01"


def test_query_filters_and_pages_newest_first(client, factories):
    admin = factories.user("administrator")
    headers = factories.headers(admin, assurance="key")
    make_changes(client, factories, headers)
    reviewer = factories.user("reviewer")
    client.post("/api/v1/auth/logout", headers=factories.headers(reviewer))
    everything = client.get(URL, headers=headers).get_json()
    assert [e["id"] for e in everything] == sorted((e["id"] for e in everything), reverse=True)
    created = client.get(
        URL, query_string={"action": "identity.enterprise_created"}, headers=headers
    ).get_json()
    assert len(created) == 3 and all(e["after"]["customs_code"].startswith("440396") for e in created)
    mine = client.get(URL, query_string={"actor_username": reviewer.username}, headers=headers).get_json()
    assert [e["action"] for e in mine] == ["identity.logout"]
    one = created[1]
    by_entity = client.get(
        URL, query_string={"entity_type": "enterprise", "entity_id": one["entity_id"]}, headers=headers
    ).get_json()
    assert [e["id"] for e in by_entity] == [one["id"]]
    first_page = client.get(URL, query_string={"limit": 2}, headers=headers).get_json()
    second_page = client.get(
        URL, query_string={"limit": 2, "before_id": first_page[-1]["id"]}, headers=headers
    ).get_json()
    assert len(first_page) == 2 and second_page[0]["id"] < first_page[-1]["id"]
    since = client.get(
        URL,
        query_string={"since": "2000-01-01T00:00:00+00:00", "until": "2000-01-02T00:00:00+00:00"},
        headers=headers,
    ).get_json()
    assert since == []


def test_query_arguments_are_strict(client, factories):
    headers = factories.headers(factories.user("administrator"))
    for query in (
        {"limit": "0"},
        {"limit": "500"},
        {"nope": "1"},
        {"since": "yesterday"},
        {"before_id": str(10**30)},
        {"action": "x" * 81},
        {"since": "0001-01-01T00:00:00+14:00"},
        {"until": "9999-12-31T23:59:00-14:00"},
    ):
        response = client.get(URL, query_string=query, headers=headers)
        assert response.status_code == 422, query


def test_only_administrators_read_the_trail(client, factories):
    response = client.get(URL, headers=factories.headers(factories.user("supervisor")))
    assert response.status_code == 403 and response.get_json()["error"] == "auth.forbidden"
