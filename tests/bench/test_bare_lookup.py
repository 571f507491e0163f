"""The lookup floor (bench.bare_lookup) answers the same lookups as the project, from the same rows: a
floor that did less work would flatter the project's ratio."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from backend.core.enums import Role
from backend.declarations.models import ERecord
from backend.extensions import db
from bench import bare_lookup


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
    url = sa.make_url(database_url)
    monkeypatch.setattr(bare_lookup, "_URL", url)
    monkeypatch.setattr(bare_lookup, "_POSTGRES", url.get_backend_name() == "postgresql")
    monkeypatch.setattr(bare_lookup, "_local", type(bare_lookup._local)())
    bare = bare_lookup.app.test_client()
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
    bare_lookup._local.conn.close()
