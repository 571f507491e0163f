"""A catalogue version's whole life: import, diff, apply; old applications keep the old version."""

from __future__ import annotations

import io
from datetime import timedelta

from backend.catalogs.national import MORE_PORTS, PORT_DISTRICTS, PORTS
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.declarations.service import china_today
from backend.extensions import db
from tests.declarations.bodies import registered_body

ALL_PORTS = {**PORTS, **MORE_PORTS}


def _ports_csv(ports: dict) -> bytes:
    lines = ["code,name_zh,name_en,customs_code"]
    # The seeded ports' customs codes (口岸海关) kept, so only the changes below show in the diff.
    lines += [f"{code},{zh},{en},{PORT_DISTRICTS.get(code, '')}" for code, (zh, en) in ports.items()]
    return ("\n".join(lines) + "\n").encode()


def _findings(response, path):
    assert response.status_code == 200, response.get_json()
    return [(f["severity"], f["rule"]) for f in response.get_json()["findings"] if f["path"] == path]


def test_import_diff_apply_then_old_and_new_applications(client, factories):
    admin = factories.headers(factories.user(Role.ADMINISTRATOR), "key")
    today = china_today()
    ports = {code: names for code, names in ALL_PORTS.items() if code != "CNYTN"}  # 盐田 retired
    ports["CNSZX"] = ("深圳港", "Shenzhen")  # renamed
    ports["CNDCW"] = ("大铲湾码头", "Dachan Bay Terminal")  # new
    preview = client.post(
        "/api/v1/catalogs/ports/imports",
        headers=admin,
        data={"file": (io.BytesIO(_ports_csv(ports)), "ports.csv"), "effective_date": today.isoformat()},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 201, preview.get_json()
    diff = preview.get_json()
    assert diff["added"] == [{"code": "CNDCW", "name_zh": "大铲湾码头", "name_en": "Dachan Bay Terminal"}]
    assert diff["changed"] == [
        {
            "code": "CNSZX",
            "before": {"code": "CNSZX", "name_zh": "深圳", "name_en": "Shenzhen", "customs_code": "5300"},
            "after": {"code": "CNSZX", "name_zh": "深圳港", "name_en": "Shenzhen", "customs_code": "5300"},
        }
    ]
    assert diff["retired"] == [
        {"code": "CNYTN", "name_zh": "盐田", "name_en": "Yantian", "customs_code": "5300"}
    ]
    assert diff["counts"] == {
        "rows": len(ALL_PORTS),
        "added": 1,
        "changed": 1,
        "retired": 1,
        "unchanged": len(ALL_PORTS) - 2,
    }
    # Previewed, not applied: the version in force is still the first.
    versions = client.get("/api/v1/catalogs/ports/versions", headers=admin).get_json()
    assert [v["number"] for v in versions] == [1]

    applied = client.post(f"/api/v1/catalogs/imports/{diff['id']}/apply", headers=admin)
    assert applied.status_code == 200
    assert {k: applied.get_json()[k] for k in ("number", "added", "changed", "retired", "source")} == {
        "number": 2,
        "added": 1,
        "changed": 1,
        "retired": 1,
        "source": "official",
    }
    listed = {t["table"]: t for t in client.get("/api/v1/catalogs", headers=admin).get_json()}["ports"]
    assert (listed["version"], listed["effective_date"], listed["row_count"]) == (2, today.isoformat(), 90)

    enterprise = factories.enterprise(customs_code="44031600Z9")
    clerk = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    # An application submitted before the new version is checked against the old one: 盐田 is fine.
    old = factories.declaration(enterprise, status="submitted", submitted_at=utcnow() - timedelta(days=3))
    old.departure_port = "CNYTN"
    db.session.commit()
    assert (
        _findings(client.post(f"/api/v1/declarations/{old.id}/validate", headers=clerk), "departure_port")
        == []
    )
    # A new application may not name the retired code, and may name the added one.
    new = registered_body(factories, enterprise, "chopsticks", departure_port="CNYTN")
    response = client.post("/api/v1/declarations/validate", json=new, headers=clerk)
    assert _findings(response, "departure_port") == [("error", "catalog.code_retired")]
    retired = next(f for f in response.get_json()["findings"] if f["rule"] == "catalog.code_retired")
    assert retired["message_zh"] == f"代码“CNYTN”已于 {today} 停用（第2版）"
    new["departure_port"] = "CNDCW"
    response = client.post("/api/v1/declarations/validate", json=new, headers=clerk)
    assert _findings(response, "departure_port") == []
    assert response.get_json()["valid"] is True
    # The retired code is still shown with its names on the old application.
    assert client.get(f"/api/v1/declarations/{old.id}", headers=clerk).get_json()["departure_port"] == "CNYTN"
