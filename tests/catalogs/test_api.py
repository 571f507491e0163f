"""Catalogue API: list, layout, versions, imports (preview, malformed, apply), look-ups."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from backend.audit.models import AuditEvent
from backend.catalogs.models import CatalogEntry, CatalogImport, CatalogVersion
from backend.extensions import db

PORTS_CSV = "code,name_zh,name_en,customs_code\nCNSZX,深圳,Shenzhen,5300\nCNXYZ,新港,New Port,\n"


def _admin(factories):
    return factories.headers(factories.user("administrator"), "key")


def _upload(client, headers, table, content: bytes, name="ports.csv", effective="2030-01-01"):
    return client.post(
        f"/api/v1/catalogs/{table}/imports",
        headers=headers,
        data={"file": (io.BytesIO(content), name), "effective_date": effective},
        content_type="multipart/form-data",
    )


def test_list_layout_and_versions(client, factories):
    headers = factories.headers(factories.user("enterprise"))
    tables = {t["table"]: t for t in client.get("/api/v1/catalogs", headers=headers).get_json()}
    assert tables["hs_subheadings"]["row_count"] == 6936
    assert tables["hs_subheadings"]["source"] == "official"
    assert tables["countries"]["row_count"] == 249 and tables["countries"]["source"] == "official"
    assert tables["ports"]["source"] == "national_extension" and tables["ports"]["version"] == 1
    assert tables["ports"]["effective_date"] == "2000-01-01"
    layout = client.get("/api/v1/catalogs/hs/layout", headers=headers).get_json()
    assert [c["name"] for c in layout["columns"]][:5] == ["code", "name_zh", "name_en", "unit", "second_unit"]
    versions = client.get("/api/v1/catalogs/ports/versions", headers=headers).get_json()
    assert [(v["number"], v["row_count"]) for v in versions] == [(1, 90)]
    assert client.get("/api/v1/catalogs/nope/layout", headers=headers).status_code == 404


def test_malformed_file_names_every_bad_row_and_stores_nothing(client, factories):
    content = (
        "code,name_zh,name_en\n"
        "CNSZX,深圳,Shenzhen\n"
        "cn-bad,坏,Bad\n"  # row 3: code format
        ",无代码,No code\n"  # row 4: code required
        "CNSZX,深圳2,Dup\n"  # row 5: duplicate of row 2
        "CNABC,,Nameless\n"  # row 6: name_zh required
    ).encode()
    response = _upload(client, _admin(factories), "ports", content)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "catalog.file_invalid"
    assert [(r["row"], r["column"]) for r in body["errors"]["rows"]] == [
        (3, "code"),
        (4, "code"),
        (5, "code"),
        (6, "name_zh"),
    ]
    assert "row 2" in body["errors"]["rows"][2]["reason"]
    assert db.session.query(CatalogImport).count() == 0
    assert db.session.query(CatalogVersion).filter_by(table_code="ports").count() == 1


def test_unknown_column_and_unreadable_file(client, factories):
    headers = _admin(factories)
    response = _upload(client, headers, "units", b"code,name_zh,colour\n001,\xe5\x8f\xb0,red\n", name="u.csv")
    assert response.status_code == 422
    assert response.get_json()["errors"]["rows"] == [
        {"row": 1, "column": "colour", "reason": "unknown column 'colour'", "reason_zh": "未知的列“colour”"}
    ]
    response = _upload(client, headers, "units", b"\xff\xfe\x00bad", name="u.csv")
    assert response.status_code == 422 and response.get_json()["errors"]["rows"][0]["row"] == 1


def test_xlsx_import_preview_and_apply(client, factories):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "name_zh", "name_en"])
    sheet.append(["001", "台", "set (machine)"])
    sheet.append(["999", "测试单位", "test unit"])
    buffer = io.BytesIO()
    book.save(buffer)
    headers = _admin(factories)
    response = _upload(client, headers, "units", buffer.getvalue(), name="units.xlsx")
    assert response.status_code == 201, response.get_json()
    preview = response.get_json()
    assert preview["counts"] == {"rows": 2, "added": 1, "changed": 0, "retired": 39, "unchanged": 1}
    assert preview["added"] == [{"code": "999", "name_zh": "测试单位", "name_en": "test unit"}]
    applied = client.post(f"/api/v1/catalogs/imports/{preview['id']}/apply", headers=headers)
    assert applied.status_code == 200
    assert applied.get_json()["number"] == 2 and applied.get_json()["retired"] == 39
    again = client.post(f"/api/v1/catalogs/imports/{preview['id']}/apply", headers=headers)
    assert again.status_code == 409 and again.get_json()["error"] == "catalog.import_applied"
    event = db.session.query(AuditEvent).filter_by(action="catalog.version_applied").one()
    assert event.entity_id == "units:2"


def test_import_requires_key_login_and_administrator(client, factories):
    admin = factories.user("administrator")
    password_only = _upload(client, factories.headers(admin), "ports", PORTS_CSV.encode())
    assert password_only.status_code == 403 and password_only.get_json()["error"] == "auth.key_required"
    reviewer = _upload(
        client, factories.headers(factories.user("reviewer"), "key"), "ports", PORTS_CSV.encode()
    )
    assert reviewer.status_code == 403


def test_import_dated_before_the_current_version_is_refused(client, factories):
    headers = _admin(factories)
    first = _upload(client, headers, "ports", PORTS_CSV.encode(), effective="2030-01-01").get_json()
    assert client.post(f"/api/v1/catalogs/imports/{first['id']}/apply", headers=headers).status_code == 200
    response = _upload(client, headers, "ports", PORTS_CSV.encode(), effective="2029-12-31")
    assert response.status_code == 409
    assert response.get_json()["error"] == "catalog.effective_date_before_current"


def test_lookups(client, factories):
    headers = factories.headers(factories.user("enterprise"))
    assert client.get("/api/v1/lookups/hs?q=4", headers=headers).get_json() == {"items": []}
    assert client.get("/api/v1/lookups/hs?q=%20", headers=headers).get_json() == {"items": []}
    items = client.get("/api/v1/lookups/hs?q=441912", headers=headers).get_json()["items"]
    national = items[0]
    assert national["code"] == "4419121000" and national["national"] is True
    assert national["unit"] == "035" and national["unit_name"] == "千克"
    assert national["supervision_conditions"] == "AB" and national["inspection_category"] == "P/Q"
    assert [q["code"] for q in national["qualifications"]] == ["BWG_PRODUCER"]
    assert [c["code"] for c in national["certificates"]] == ["18"]
    assert {"code": "441912", "national": False, "level": 6}.items() <= items[1].items()
    by_name = client.get("/api/v1/lookups/hs?q=Horses;%20live", headers=headers).get_json()["items"]
    assert [i["code"] for i in by_name][:2] == ["010129", "010121"]  # by name: "other than" < "pure-bred"
    ciq = client.get("/api/v1/lookups/ciq?q=竹编", headers=headers).get_json()["items"]
    assert ciq[0]["code"] == "4602119000999" and ciq[0]["qualifications"][0]["code"] == "BWG_PRODUCER"
    countries = client.get("/api/v1/lookups/countries?q=日本", headers=headers).get_json()["items"]
    assert countries[0]["code"] == "JPN" and countries[0]["alpha_2"] == "JP"
    ports = client.get("/api/v1/lookups/ports?q=cnsz&limit=5", headers=headers).get_json()["items"]
    assert ports == []  # codes are upper case; a prefix search is exact on the code
    ports = client.get("/api/v1/lookups/ports?q=CNSZ&limit=5", headers=headers).get_json()["items"]
    assert [p["code"] for p in ports] == ["CNSZX"]
    units = client.get("/api/v1/lookups/units?q=kilo", headers=headers).get_json()["items"]
    assert units[0]["code"] == "035"
    assert client.get("/api/v1/lookups/hs?q=ab&limit=0", headers=headers).status_code == 422


def test_lookup_answers_the_version_in_force_on_a_date(client, factories):
    headers = _admin(factories)
    preview = _upload(client, headers, "ports", PORTS_CSV.encode(), effective="2030-01-01").get_json()
    client.post(f"/api/v1/catalogs/imports/{preview['id']}/apply", headers=headers)
    now = client.get("/api/v1/lookups/ports?q=CNXY", headers=headers).get_json()["items"]
    assert now == []  # version 2 is not in force yet
    later = client.get("/api/v1/lookups/ports?q=CNXY&on=2030-01-01", headers=headers).get_json()["items"]
    assert [p["code"] for p in later] == ["CNXYZ"]
    entry = db.session.query(CatalogEntry).filter_by(table_code="ports", code="CNYTN").one()
    assert entry.valid_to == date(2030, 1, 1) and entry.to_version == 2


def test_national_administrator_keeps_the_catalogues_and_others_cannot_apply_a_preview(client, factories):
    national = factories.headers(factories.user("administrator", district_code="0000"), "key")
    preview = _upload(client, national, "ports", PORTS_CSV.encode())
    assert preview.status_code == 201, preview.get_json()
    shenzhen = _admin(factories)  # an administrator of 5300: the preview is not theirs
    assert (
        client.post(
            f"/api/v1/catalogs/imports/{preview.get_json()['id']}/apply", headers=shenzhen
        ).status_code
        == 404
    )
    applied = client.post(f"/api/v1/catalogs/imports/{preview.get_json()['id']}/apply", headers=national)
    assert applied.status_code == 200 and applied.get_json()["number"] == 2
