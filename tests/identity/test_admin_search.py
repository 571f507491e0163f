"""系统管理 look-ups: users and enterprises searched by text, qualifications expiring within 60 days."""

from datetime import UTC, date, datetime, timedelta

from backend.core.china_time import china_date
from backend.core.models import utcnow
from backend.extensions import db
from backend.identity import admin_service
from backend.identity.models import Qualification, QualificationType

EXPIRING = "/api/v1/admin/qualifications/expiring"


def _admin(factories, district_code="5300"):
    return factories.headers(factories.user("administrator", district_code=district_code))


def _bamboo_qualification_type() -> str:
    if db.session.get(QualificationType, "bamboo_wood_grass_producer") is None:
        db.session.add(
            QualificationType(code="bamboo_wood_grass_producer", name_zh="竹木草", name_en="Bamboo")
        )
        db.session.flush()
    return "bamboo_wood_grass_producer"


def test_users_and_enterprises_are_searched_within_the_district(client, factories):
    headers = _admin(factories)
    bamboo = factories.enterprise(name_zh="竹韵家居有限公司")
    factories.enterprise(name_zh="竹子贸易", district_code="5100")
    factories.user("inspector", username="zhang-san-insp")
    factories.user("inspector", username="li_si").display_name = "李四 50%"
    db.session.commit()
    factories.user("inspector", username="zhang-elsewhere", district_code="5100")

    names = [u["username"] for u in client.get("/api/v1/admin/users?q=ZHANG", headers=headers).get_json()]
    assert names == ["zhang-san-insp"]
    assert [u["username"] for u in client.get("/api/v1/admin/users?q=李四", headers=headers).get_json()] == [
        "li_si"
    ]
    # LIKE wildcards are literal
    assert [u["username"] for u in client.get("/api/v1/admin/users?q=_", headers=headers).get_json()] == [
        "li_si"
    ]
    assert [u["username"] for u in client.get("/api/v1/admin/users?q=%25", headers=headers).get_json()] == [
        "li_si"
    ]
    found = client.get("/api/v1/admin/enterprises?q=竹", headers=headers).get_json()
    assert [e["id"] for e in found] == [bamboo.id]
    by_code = client.get(f"/api/v1/admin/enterprises?q={bamboo.customs_code[:6]}", headers=headers).get_json()
    assert bamboo.id in [e["id"] for e in by_code]


def test_expiring_qualifications_are_the_district_s_soonest_first(client, factories):
    headers = _admin(factories)
    type_code = _bamboo_qualification_type()
    home = factories.enterprise()
    away = factories.enterprise(district_code="5100")
    today = china_date(utcnow())  # the day the server counts from: China's
    for enterprise, number, days in (
        (home, "SOON", 30),
        (home, "EXPIRED", -2),
        (home, "LATER", 61),
        (home, "EDGE", 60),
        (away, "AWAY", 5),
    ):
        db.session.add(
            Qualification(
                enterprise_id=enterprise.id,
                type_code=type_code,
                number=number,
                valid_until=today + timedelta(days=days),
            )
        )
    db.session.add(
        Qualification(enterprise_id=home.id, type_code=type_code, number="OPEN")
    )
    db.session.commit()

    rows = client.get(EXPIRING, headers=headers).get_json()
    assert [(r["qualification"]["number"], r["days_left"]) for r in rows] == [
        ("EXPIRED", -2),
        ("SOON", 30),
        ("EDGE", 60),
    ]
    assert rows[0]["customs_code"] == home.customs_code and rows[0]["enterprise_id"] == home.id
    week = client.get(f"{EXPIRING}?days=7", headers=headers).get_json()
    assert [r["qualification"]["number"] for r in week] == ["EXPIRED"]
    reviewer = factories.headers(factories.user("reviewer"))
    assert client.get(EXPIRING, headers=reviewer).status_code == 403


def test_users_and_enterprises_export_with_the_list_filters(client, factories):
    import csv
    import io

    from openpyxl import load_workbook

    headers = _admin(factories)
    factories.enterprise(name_zh="=竹韵家居")
    factories.enterprise(name_zh="海鲜冷链")
    factories.enterprise(name_zh="竹子贸易", district_code="5100")
    factories.user("inspector", username="export-insp")
    factories.user("reviewer", username="export-rev")

    response = client.get("/api/v1/admin/enterprises.csv?q=竹", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="enterprises.csv"' in response.headers["Content-Disposition"]
    filters_line, *rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert filters_line == ["# 筛选条件 Filters: q=竹"]
    assert rows[0][1] == "海关编码 Customs code" and [r[2] for r in rows[1:]] == ["'=竹韵家居"]

    book = client.get("/api/v1/admin/users.xlsx?role=inspector", headers=headers)
    sheet = load_workbook(io.BytesIO(book.get_data())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sheet.title == "用户" and "export-insp" in names and "export-rev" not in names
    # A control character XML forbids (pasted into the search box) is written as U+FFFD, not a 500.
    odd = client.get("/api/v1/admin/users.xlsx?q=%11x", headers=headers)
    assert odd.status_code == 200
    about = load_workbook(io.BytesIO(odd.get_data()))["筛选条件 Filters"]
    assert about["A1"].value == "筛选条件 Filters: q=\ufffdx"
    reviewer = factories.headers(factories.user("reviewer"))
    assert client.get("/api/v1/admin/users.csv", headers=reviewer).status_code == 403
    assert client.get("/api/v1/admin/users.csv?limit=3", headers=headers).status_code == 422


def test_days_left_count_from_the_day_in_china(client, factories, monkeypatch):
    headers = _admin(factories)
    home = factories.enterprise()
    db.session.add(
        Qualification(
            enterprise_id=home.id, type_code=_bamboo_qualification_type(), number="LAST-DAY",
            valid_until=date(2026, 12, 7),
        )
    )
    db.session.commit()
    # 17:00 on 6 December in UTC is 01:00 on 7 December in China: its last day has begun, not tomorrow.
    monkeypatch.setattr(admin_service, "utcnow", lambda: datetime(2026, 12, 6, 17, 0, tzinfo=UTC))
    rows = client.get(EXPIRING, headers=headers).get_json()
    assert [(r["qualification"]["number"], r["days_left"]) for r in rows] == [("LAST-DAY", 0)]
