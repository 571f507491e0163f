"""综合查询 exports of instructions: the list's scope and filters, the rows in the file."""

import csv
import io

from openpyxl import load_workbook

from backend.core.enums import Role

API = "/api/v1/instructions"


def test_instruction_exports_hold_the_rows_the_list_shows(client, factories):
    enterprise = factories.enterprise()
    inspector = factories.user(Role.INSPECTOR, district_code="5300")
    assigned = factories.instruction(
        factories.declaration(enterprise, status="inspection_notice"), inspector=inspector
    )
    factories.instruction(factories.declaration(enterprise, status="inspection_notice"))
    supervisor = factories.headers(factories.user(Role.SUPERVISOR, district_code="5300"))
    query = f"status={assigned.status}&inspector_id={inspector.id}"
    listed = client.get(f"{API}?{query}", headers=supervisor).get_json()
    assert [i["id"] for i in listed] == [assigned.id]

    exported = client.get(f"{API}.csv?{query}", headers=supervisor)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    filters, header, *rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert filters == [f"# 筛选条件 Filters: inspector_id={inspector.id}; status={assigned.status}"]
    assert header[0] == "指令号 Instruction No."
    assert [(int(r[0]), r[6], r[7]) for r in rows] == [
        (assigned.id, inspector.display_name, "verify_goods, packaging, sampling")
    ]
    workbook = load_workbook(io.BytesIO(client.get(f"{API}.xlsx", headers=supervisor).data))
    assert len(list(workbook.active.iter_rows(values_only=True))) == 1 + 2

    own = factories.headers(inspector)
    mine = list(csv.reader(io.StringIO(client.get(f"{API}.csv", headers=own).data.decode("utf-8-sig"))))
    assert [int(r[0]) for r in mine[2:]] == [assigned.id]
    elsewhere = factories.headers(factories.user(Role.SUPERVISOR, district_code="5100"))
    assert len(list(csv.reader(io.StringIO(client.get(f"{API}.csv", headers=elsewhere).data.decode())))) == 2
    enterprise_user = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    assert client.get(f"{API}.csv", headers=enterprise_user).status_code == 403
