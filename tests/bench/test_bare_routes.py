"""The floors over HTTP (bench.bare_routes) do the project's work from the same rows: the lookup answers
what the project answers, the submission writes what the project writes. A floor that did less work would
flatter the project's ratio; one that did more would hide its cost."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from backend.audit.models import AuditEvent
from backend.core.enums import Role
from backend.declarations.models import Declaration, ERecord, Receipt
from backend.extensions import db
from bench import bare_routes
from tests.declarations.bodies import registered_body


def test_the_bare_route_finds_what_the_project_finds(client, factories, database_url, monkeypatch):
    enterprise = factories.enterprise()
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    declaration = factories.declaration(enterprise, status="e_record_issued")
    now = datetime.now(UTC)
    db.session.add(
        ERecord(
            declaration_id=declaration.id, district_code=declaration.district_code,
            e_record_no=f"{declaration.inspection_no}001", status="normal",
            goods_category="general", issued_at=now, valid_until=now + timedelta(days=60),
        )
    )
    db.session.commit()
    number = declaration.inspection_no
    bare = _bare_client(database_url, monkeypatch)
    for query in (f"inspection_no={number}", f"e_record_no={number}001"):
        ours = client.get(f"/api/v1/declarations/lookup?{query}", headers=headers).get_json()
        floor = bare.get(f"/api/v1/declarations/lookup?{query}", headers=headers)
        assert floor.status_code == 200, floor.get_json()
        floor = floor.get_json()
        assert (floor["id"], floor["inspection_no"]) == (ours["id"], number)
        assert floor["e_record_no"] == ours["e_record"]["e_record_no"] == f"{number}001"
        assert [g["hs_code"] for g in floor["goods"]] == [g["hs_code"] for g in ours["goods"]]
        codes = [c["cert_code"] for c in ours["certificates"]]
        assert [c["cert_code"] for c in floor["certificates"]] == codes
    assert bare.get(f"/api/v1/declarations/lookup?inspection_no={number}").status_code == 401
    bare_routes._local.conn.close()


def test_the_bare_submission_writes_what_the_project_writes(client, factories, database_url, monkeypatch):
    enterprise = factories.enterprise()
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    ids = [
        client.post("/api/v1/declarations", json=registered_body(factories, enterprise), headers=headers)
        .get_json()["id"]
        for _ in range(2)
    ]
    ours = client.post(f"/api/v1/declarations/{ids[0]}/submit", json={}, headers=headers).get_json()
    db.session.remove()  # the test's session lets go of the database before the raw driver writes
    bare = _bare_client(database_url, monkeypatch)
    assert bare.post(f"/api/v1/declarations/{ids[1]}/submit", json={}).status_code == 401
    floor = bare.post(f"/api/v1/declarations/{ids[1]}/submit", json={}, headers=headers)
    assert floor.status_code == 200, floor.get_json()
    floor = floor.get_json()
    # The next number of the same counter, the same status, and the application read back in the answer.
    assert floor["id"] == ids[1] and floor["status"] == ours["status"] == "accepted"
    assert floor["inspection_no"][:8] == ours["inspection_no"][:8]
    assert int(floor["inspection_no"][8:]) == int(ours["inspection_no"][8:]) + 1
    assert [g["hs_code"] for g in floor["goods"]] == [g["hs_code"] for g in ours["goods"]]
    stored = db.session.get(Declaration, ids[1])
    assert (stored.status, stored.inspection_no) == ("accepted", floor["inspection_no"])
    for declaration_id in ids:  # two receipts and two audit rows each
        receipts = db.session.scalars(
            sa.select(Receipt.code).where(Receipt.declaration_id == declaration_id).order_by(Receipt.id)
        ).all()
        assert receipts == ["SUBMITTED", "ACCEPTED"]
        actions = db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.entity_type == "declaration", AuditEvent.entity_id == str(declaration_id))
            .where(AuditEvent.action.in_(["declaration.submit", "declaration.accept"]))
            .order_by(AuditEvent.id)
        ).all()
        assert actions == ["declaration.submit", "declaration.accept"]
    bare_routes._local.conn.close()
    bare_routes._local.raw.conn.close()


def _bare_client(database_url: str, monkeypatch):
    """The bare routes' test client on the test's database, with connections of their own."""
    url = sa.make_url(database_url)
    monkeypatch.setattr(bare_routes, "_URL", url)
    monkeypatch.setattr(bare_routes, "_POSTGRES", url.get_backend_name() == "postgresql")
    monkeypatch.setattr(bare_routes, "_local", type(bare_routes._local)())
    return bare_routes.app.test_client()
