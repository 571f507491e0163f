"""电子底账申请单查询: filters, keyset pages, exact lookups, scope, and the latest receipt per item."""

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.core.enums import Role
from backend.declarations.models import Declaration, ERecord
from backend.declarations.workflow import Event, apply
from backend.extensions import db

API = "/api/v1/declarations"


@pytest.fixture
def ent(factories):
    enterprise = factories.enterprise()
    return enterprise, factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))


def _issue(declaration: Declaration, issued_at: datetime) -> ERecord:
    record = ERecord(
        declaration_id=declaration.id,
        district_code=declaration.district_code,
        e_record_no=f"{declaration.inspection_no}001",
        status="normal",
        goods_category="general",
        issued_at=issued_at,
        valid_until=issued_at + timedelta(days=60),
    )
    db.session.add(record)
    db.session.commit()
    return record


def _pages(client, headers, query=""):
    seen, cursor = [], None
    while True:
        url = f"{API}?limit=3{query}" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).get_json()
        seen.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def test_keyset_pages_cover_everything_once_newest_first(client, ent, factories):
    enterprise, headers = ent
    base = datetime(2026, 3, 1, tzinfo=UTC)
    ids = [
        factories.declaration(enterprise, status="draft", created_at=base + timedelta(hours=i % 3)).id
        for i in range(8)
    ]
    factories.declaration(factories.enterprise(), status="draft")  # not ours
    pages = _pages(client, headers)
    assert [len(p) for p in pages] == [3, 3, 2]
    flat = [i for p in pages for i in p]
    created = {d.id: d.created_at for d in db.session.execute(db.select(Declaration)).scalars()}
    assert sorted(flat) == sorted(ids)
    assert flat == sorted(ids, key=lambda i: (created[i], i), reverse=True)


def test_items_carry_status_labels_and_latest_receipt(client, ent, factories):
    enterprise, headers = ent
    declaration = factories.declaration(enterprise, status="accepted")
    apply(declaration, Event.RETURN, actor=None, reason="装箱单缺失")
    db.session.commit()
    [item] = client.get(API, headers=headers).get_json()["items"]
    assert (item["status"], item["status_label_zh"], item["status_label_en"]) == (
        "returned",
        "退回修改",
        "Returned for changes",
    )
    assert item["latest_receipt"]["code"] == "RETURNED" and "装箱单缺失" in item["latest_receipt"]["text_zh"]


def test_filters(client, ent, factories):
    enterprise, headers = ent
    march = datetime(2026, 3, 10, 2, tzinfo=UTC)
    draft = factories.declaration(enterprise, status="draft", created_at=march)
    accepted = factories.declaration(enterprise, status="accepted", accepted_at=march + timedelta(days=5))
    issued = factories.declaration(enterprise, status="e_record_issued", accepted_at=march)
    record = _issue(issued, datetime(2026, 3, 20, 17, tzinfo=UTC))  # 21 March in Beijing

    def ids(query):
        response = client.get(f"{API}?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert ids("status=draft") == {draft.id}
    assert ids("status=accepted&status=e_record_issued") == {accepted.id, issued.id}
    assert ids("created_from=2026-03-10&created_to=2026-03-10") == {draft.id}
    assert ids("order=accepted") == {accepted.id, issued.id}
    assert ids("accepted_from=2026-03-12&order=accepted") == {accepted.id}
    assert ids(f"inspection_no={accepted.inspection_no}") == {accepted.id}
    assert ids(f"e_record_no={record.e_record_no}") == {issued.id}
    assert ids("issued_from=2026-03-21&issued_to=2026-03-21") == {issued.id}
    assert ids("issued_from=2026-03-20&issued_to=2026-03-20") == set()


def test_lookup_by_either_number(client, ent, factories):
    enterprise, headers = ent
    issued = factories.declaration(enterprise, status="e_record_issued", accepted_at=datetime.now(UTC))
    record = _issue(issued, datetime.now(UTC))
    by_no = client.get(f"{API}/lookup?inspection_no={issued.inspection_no}", headers=headers).get_json()
    by_record = client.get(f"{API}/lookup?e_record_no={record.e_record_no}", headers=headers).get_json()
    assert by_no["id"] == by_record["id"] == issued.id
    assert (
        by_record["e_record"]["e_record_no"] == record.e_record_no
        and by_record["e_record"]["status"] == "normal"
    )
    assert client.get(f"{API}/lookup?inspection_no=226N53009999999", headers=headers).status_code == 404
    neither = client.get(f"{API}/lookup", headers=headers)
    assert neither.status_code == 422 and neither.get_json()["error"] == "declaration.lookup_criteria"
    both = f"{API}/lookup?inspection_no={issued.inspection_no}&e_record_no={record.e_record_no}"
    assert client.get(both, headers=headers).status_code == 422


def test_customs_see_their_district(client, factories):
    here = factories.declaration(factories.enterprise(), status="accepted", district_code="5300")
    factories.declaration(factories.enterprise(), status="accepted", district_code="2200")
    reviewer = factories.headers(factories.user(Role.REVIEWER, district_code="5300"))
    items = client.get(API, headers=reviewer).get_json()["items"]
    assert [item["id"] for item in items] == [here.id]
    found = client.get(f"{API}/lookup?inspection_no={here.inspection_no}", headers=reviewer)
    assert found.status_code == 200


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJhY2NlcHRlZCIsMSwxXQ"])
def test_bad_cursor_is_a_field_error(client, ent, cursor):
    _, headers = ent
    response = client.get(f"{API}?cursor={cursor}", headers=headers)
    assert response.status_code == 422 and "cursor" in response.get_json()["errors"]


def test_bad_filters_are_refused(client, ent):
    _, headers = ent
    for query in ("status=nonsense", "limit=0", "limit=abc", "created_from=2026-13-01", "order=random"):
        assert client.get(f"{API}?{query}", headers=headers).status_code == 422, query


def test_dates_are_china_dates():
    from backend.declarations.queries import _start

    assert _start(date(2026, 3, 21)).astimezone(UTC) == datetime(2026, 3, 20, 16, tzinfo=UTC)


def test_lookup_and_issue_date_with_an_e_record_issued_by_review(client, ent, factories):
    enterprise, headers = ent
    record = factories.e_record(enterprise)
    found = client.get(f"{API}/lookup?e_record_no={record.e_record_no}", headers=headers).get_json()
    assert found["status"] == "e_record_issued" and found["e_record"]["e_record_no"] == record.e_record_no
    from backend.declarations.numbers import CHINA_TIME

    day = record.issued_at.astimezone(CHINA_TIME).date().isoformat()
    items = client.get(f"{API}?issued_from={day}&issued_to={day}", headers=headers).get_json()["items"]
    assert [item["e_record"]["e_record_no"] for item in items] == [record.e_record_no]
