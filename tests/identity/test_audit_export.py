"""The audit trail exported with the list's filters, as CSV and XLSX, formulas neutralised."""

import csv
import io

from openpyxl import load_workbook

from tests.identity.test_audit_events import URL


def _create(client, headers, code, name):
    body = {"customs_code": code, "name_zh": name}
    assert client.post("/api/v1/admin/enterprises", json=body, headers=headers).status_code == 201


def test_export_follows_the_filters_and_the_district(client, factories):
    admin = factories.user("administrator")
    headers = factories.headers(admin, assurance="key")
    _create(client, headers, "4403960001", "竹韵")
    _create(client, headers, "4403960002", '=HYPERLINK("http://x")')
    other = factories.headers(factories.user("administrator", district_code="5100"), assurance="key")
    _create(client, other, "5100960003", "别处")

    response = client.get(
        f"{URL}.csv", query_string={"action": "identity.enterprise_created"}, headers=factories.headers(admin)
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="audit-events.csv"' in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    filters_line, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert filters_line == ["# 筛选条件 Filters: action=identity.enterprise_created"]
    assert rows[0][:5] == ["编号 Id", "时间 Time (UTC)", "操作人 Who", "登录方式 Login", "操作 What"]
    assert len(rows) == 3 and {row[2] for row in rows[1:]} == {admin.username}
    assert [row[4] for row in rows[1:]] == ["identity.enterprise_created"] * 2
    newest = rows[1]
    assert newest[8].startswith("{") and "'" not in newest[8][:1]  # JSON of the new row, not a formula
    assert '"name_zh": "=HYPERLINK' in newest[8]

    only_first = client.get(
        f"{URL}.xlsx",
        query_string={
            "entity_type": "enterprise",
            "action": "identity.enterprise_created",
            "actor_username": admin.username,
        },
        headers=factories.headers(admin),
    )
    assert only_first.status_code == 200
    sheet = load_workbook(io.BytesIO(only_first.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "审计日志" and len(values) == 3 and values[1][2] == admin.username
    assert client.get(f"{URL}.csv", headers=factories.headers(factories.user("reviewer"))).status_code == 403
    assert client.get(f"{URL}.csv", query_string={"limit": 5}, headers=headers).status_code == 422
