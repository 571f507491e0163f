"""The number checker (号码查询) and the `flask catalogs import` command."""

from __future__ import annotations

from backend.catalogs.models import CatalogVersion
from backend.core.enums import Role
from backend.extensions import db
from tests.authz_registry import OTHER_DISTRICT


def _check(client, headers, number):
    response = client.get(f"/api/v1/tools/numbers/{number}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_numbers_are_explained_and_existence_told_only_to_whom_may_know(client, factories):
    enterprise = factories.enterprise()
    mine = factories.declaration(enterprise, status="submitted", inspection_no="226N53000000042")
    factories.declaration(
        factories.enterprise(district_code=OTHER_DISTRICT),
        status="submitted",
        district_code=OTHER_DISTRICT,
        inspection_no="226N22000000007",
    )
    clerk = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    reviewer = factories.headers(factories.user(Role.REVIEWER))  # district 5300

    explained = _check(client, clerk, mine.inspection_no)
    assert {
        k: explained[k] for k in ("kind", "year", "district_code", "district_name", "serial", "channel")
    } == {
        "kind": "inspection_no",
        "year": 2026,
        "district_code": "5300",
        "district_name": "深圳海关",
        "serial": 42,
        "channel": "web",
    }
    assert explained["valid"] is True and explained["exists"] is True
    # Someone else's application: the parts are explained, whether it exists is not told.
    assert _check(client, clerk, "226N22000000007")["exists"] is None
    assert _check(client, clerk, "226N53000000043")["exists"] is None
    # Customs of the district may know a number does not exist; of another district, they may not.
    assert _check(client, reviewer, "226N53000000043")["exists"] is False
    assert _check(client, reviewer, "226N22000000007")["exists"] is None
    assert _check(client, reviewer, mine.inspection_no)["exists"] is True

    record = _check(client, clerk, f"{mine.inspection_no}001")
    assert (record["kind"], record["inspection_no"], record["suffix"], record["exists"]) == (
        "e_record_no",
        mine.inspection_no,
        "001",
        None,  # no e-record issued: the clerk is not told
    )
    assert _check(client, reviewer, f"{mine.inspection_no}001")["exists"] is False

    certificate = _check(client, reviewer, "530026180000001")
    assert {
        k: certificate[k] for k in ("kind", "year", "certificate_type", "certificate_type_name", "serial")
    } == {
        "kind": "certificate_no",
        "year": 2026,
        "certificate_type": "18",
        "certificate_type_name": "植物检疫证书",
        "serial": 1,
    }
    assert certificate["exists"] is False

    bad = _check(client, clerk, "236N99990000001")  # unknown district, a year still to come
    assert bad["valid"] is False
    assert {c["check"] for c in bad["checks"] if not c["ok"]} == {"district", "year"}
    assert _check(client, clerk, "hello")["kind"] == "unknown"


def test_cli_import_dry_run_then_apply(app, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name_zh,name_en\n035,千克,kilogram\n999,测试,test\n", encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(
        args=["catalogs", "import", "units", str(path), "--effective-date", "2031-01-01", "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "units: 1 added, 0 changed, 39 retired, 1 unchanged" in dry.output and "dry run" in dry.output
    assert db.session.query(CatalogVersion).filter_by(table_code="units").count() == 1
    applied = runner.invoke(args=["catalogs", "import", "units", str(path), "--effective-date", "2031-01-01"])
    assert applied.exit_code == 0 and "applied as version 2" in applied.output
    path.write_text("code,name_zh\nabc,坏\n", encoding="utf-8")
    bad = runner.invoke(args=["catalogs", "import", "units", str(path)])
    assert bad.exit_code != 0 and "row 2 code" in bad.output
