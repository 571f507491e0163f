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
    assert (row.assurance, row.actor_username) == ("key", admin.username)
    assert row.client_request_id == "req-audit-0001"
    assert len(row.request_id) == 32 and row.request_id != "req-audit-0001"  # the server's own id
    listed = client.get(URL, headers=factories.headers(admin)).get_json()
    assert listed[0]["assurance"] == "key" and listed[0]["client_request_id"] == "req-audit-0001"
    assert listed[0]["request_id"] == row.request_id


def test_password_session_is_recorded_as_such(client, factories):
    user = factories.user("enterprise")
    headers = factories.headers(user, **{"X-Request-ID": "req-logout-01"})
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    row = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "identity.logout")).scalar_one()
    assert row.assurance == "password" and row.client_request_id == "req-logout-01"


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


def produce_events_in(client, factories, district):
    """An administrator of `district` with a key, and events in that district made by several kinds of
    actor: the administrator (an enterprise created), an enterprise user of the district (logout), a
    customs user (a password login, written with no actor) and a failed login."""
    admin = factories.user("administrator", district_code=district)
    headers = factories.headers(admin, assurance="key")
    body = {"customs_code": f"{district}9600AB", "name_zh": f"{district} 企业"}
    created = client.post("/api/v1/admin/enterprises", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    trader = factories.user("enterprise", enterprise=factories.enterprise(district_code=district))
    assert client.post("/api/v1/auth/logout", headers=factories.headers(trader)).status_code == 204
    inspector = factories.user("inspector", district_code=district)
    for password in (factories.password, "wrong-password"):
        client.post("/api/v1/auth/login", json={"username": inspector.username, "password": password})
    return headers, {"enterprise": created.get_json()["id"], "trader": trader, "inspector": inspector}


def test_administrators_read_only_their_own_districts_events(client, factories):
    home_headers, home = produce_events_in(client, factories, "5300")
    away_headers, away = produce_events_in(client, factories, "2200")
    stored = {e.id: e.district_code for e in db.session.execute(db.select(AuditEvent)).scalars()}
    assert sorted(set(stored.values())) == ["2200", "5300"]

    for headers, district in ((home_headers, "5300"), (away_headers, "2200")):
        seen = client.get(URL, headers=headers).get_json()
        assert sorted(e["id"] for e in seen) == sorted(i for i, d in stored.items() if d == district)
        assert {e["district_code"] for e in seen} == {district}
        assert {e["action"] for e in seen} == {
            "identity.enterprise_created",
            "identity.logout",
            "identity.login",
            "identity.login_failed",
        }

    # The filters still work inside the district, and never reach into another one.
    def query(**args):
        return client.get(URL, query_string=args, headers=home_headers).get_json()

    assert [e["actor_username"] for e in query(action="identity.logout")] == [home["trader"].username]
    assert query(actor_username=away["trader"].username) == []
    logins = query(entity_type="user", entity_id=str(home["inspector"].id))
    assert [e["action"] for e in logins] == ["identity.login_failed", "identity.login"]
    assert query(entity_type="user", entity_id=str(away["inspector"].id)) == []
    assert query(entity_type="enterprise", entity_id=str(away["enterprise"])) == []
    mine = query(entity_type="enterprise", entity_id=str(home["enterprise"]))
    assert [e["action"] for e in mine] == ["identity.enterprise_created"]
    newest = max(i for i, d in stored.items() if d == "5300")
    paged = query(limit=1, before_id=newest)
    assert len(paged) == 1 and paged[0]["id"] < newest and stored[paged[0]["id"]] == "5300"


def test_the_district_comes_from_the_actor_unless_the_caller_names_it(app, factories):
    from backend.audit.service import record_event

    trader = factories.user("enterprise", enterprise=factories.enterprise(district_code="5301"))
    officer = factories.user("reviewer", district_code="5100")
    rows = [
        record_event(action="t.a", entity_type="t", entity_id=1, actor=factories.actor(trader)),
        record_event(action="t.b", entity_type="t", entity_id=2, actor=factories.actor(officer)),
        # An enterprise of 5301 declaring to 5300: the application's district is the better one.
        record_event(
            action="t.c", entity_type="t", entity_id=3, actor=factories.actor(trader), district_code="5300"
        ),
        record_event(action="t.d", entity_type="t", entity_id=4, actor=None),
    ]
    db.session.commit()
    assert [row.district_code for row in rows] == ["5301", "5100", "5300", None]


def test_events_without_a_district_are_shown_to_no_administrator(client, factories):
    from backend.audit.service import record_event

    record_event(action="system.job", entity_type="job", entity_id="nightly", actor=None)
    db.session.commit()
    for district in ("5300", "2200"):
        headers = factories.headers(factories.user("administrator", district_code=district))
        assert client.get(URL, query_string={"action": "system.job"}, headers=headers).get_json() == []
