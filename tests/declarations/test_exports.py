"""综合查询 exports of declarations and e-records: the list's scope and filters, written into the file."""

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from backend.core.enums import Role
from backend.extensions import db
from tests.declarations.test_queries import API, _issue


def test_csv_and_xlsx_hold_the_rows_the_list_shows_with_its_filters(client, factories):
    enterprise = factories.enterprise()
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    issued = factories.declaration(enterprise, status="e_record_issued")
    issued.consignee_name_zh = "=HYPERLINK(1)"  # typed by the enterprise: text in the file, never a formula
    db.session.commit()
    _issue(issued, datetime(2026, 4, 2, 3, tzinfo=UTC))
    factories.declaration(enterprise, status="draft")
    factories.declaration(factories.enterprise(), status="e_record_issued")  # another enterprise's
    listed = client.get(f"{API}?issued_from=2026-04-01&issued_to=2026-04-30", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [issued.id]

    response = client.get(f"{API}.csv?issued_from=2026-04-01&issued_to=2026-04-30", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    filters, header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert filters == ["# 筛选条件 Filters: issued_from=2026-04-01; issued_to=2026-04-30; order=created"]
    assert header[0] == "申请号 Application No." and header[9] == "电子底账数据号 E-record No."
    assert [(int(r[0]), r[4], r[9], r[11]) for r in rows] == [
        (issued.id, "'=HYPERLINK(1)", f"{issued.inspection_no}001", "2026-04-02 03:00:00")
    ]

    everything = client.get(f"{API}.xlsx?status=e_record_issued&status=draft", headers=headers)
    workbook = load_workbook(io.BytesIO(everything.data))
    values = list(workbook.active.iter_rows(values_only=True))
    assert len(values) == 1 + 2 and {v[2] for v in values[1:]} == {"e_record_issued", "draft"}
    assert (
        workbook["筛选条件 Filters"]["A1"].value
        == "筛选条件 Filters: order=created; status=e_record_issued,draft"
    )


def test_exports_follow_the_lists_scope(client, factories):
    enterprise = factories.enterprise()
    factories.declaration(enterprise, status="e_record_issued", district_code="5300")
    officer = factories.headers(factories.user(Role.REVIEWER, district_code="5300"))
    elsewhere = factories.headers(factories.user(Role.REVIEWER, district_code="5100"))
    officers_rows = list(
        csv.reader(io.StringIO(client.get(f"{API}.csv", headers=officer).data.decode("utf-8-sig")))
    )
    assert len(officers_rows) == 2 + 1
    others = list(
        csv.reader(io.StringIO(client.get(f"{API}.csv", headers=elsewhere).data.decode("utf-8-sig")))
    )
    assert len(others) == 2
    assert client.get(f"{API}.csv?limit=5", headers=officer).status_code == 422


def test_a_parent_districts_export_holds_its_subordinates_rows(client, factories):
    """Levels of customs: 5300 (直属海关) exports 5301's work too; 5301 never 5300's."""
    own = factories.declaration(factories.enterprise(district_code="5300"), status="accepted")
    child = factories.declaration(
        factories.enterprise(district_code="5301"), status="accepted", district_code="5301"
    )

    def exported(district):
        headers = factories.headers(factories.user(Role.REVIEWER, district_code=district))
        text = client.get(f"{API}.csv", headers=headers).data.decode("utf-8-sig")
        return {int(row[0]) for row in list(csv.reader(io.StringIO(text)))[2:]}

    assert exported("5300") == {own.id, child.id}
    assert exported("5301") == {child.id}
