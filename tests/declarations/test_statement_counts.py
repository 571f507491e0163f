"""Statements per request, counted on the engine: a lookup and a submission must not creep back up.

A lookup reads the token with its user (one query), the declaration with its e-records, certificates
and qualifications (one), its goods and its containers (one each): 4, however many lines it has. A
submission is bounded at what it costs today; transaction control (BEGIN, SAVEPOINT…) is not counted.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backend.core.enums import Role
from backend.declarations.models import (
    DeclarationContainer,
    DeclarationQualification,
    ERecord,
)
from backend.extensions import db
from tests.declarations.bodies import registered_body

API = "/api/v1/declarations"
LOOKUP_QUERIES = 4
# Measured on SQLite and PostgreSQL with one goods line: the token with its user and its enterprise's
# customs code 1, the locked declaration with its small parts joined 1, its goods 1 and containers 1,
# the catalogue stamp 1 (validation's catalogue reads are kept per process under it:
# backend/catalogs/cache.py), the qualifications held 1, the counter 1 (UPDATE … RETURNING), and the
# one flush: the two audit rows in one INSERT, the declaration's UPDATE, the two receipts in one INSERT.
# Was 47 before the counter's UPDATE … RETURNING, the one flush and the answer served from the objects
# just written; 31 before the catalogue cache; 16 before the joined parts, the declarer's code from
# the token and SQLite's multi-row INSERT … RETURNING (backend/core/sqlite.py).
SUBMISSION_STATEMENTS = 10
_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


@contextmanager
def statements():
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not _CONTROL.match(statement):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def _goods(n: int) -> dict:
    return {
        "line_no": n, "hs_code": "4419121000", "ciq_code": "4419121000999", "name_zh": f"竹筷{n}",
        "quantity": Decimal("100"), "quantity_unit": "035", "net_weight": Decimal("10.000"),
    }


@pytest.fixture
def issued(factories):
    """An issued application with several of every part (a lazy load per item would show)."""
    enterprise = factories.enterprise()
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    declaration = factories.declaration(
        enterprise,
        status="e_record_issued",
        goods=[_goods(n) for n in (1, 2, 3)],
        containers=[
            DeclarationContainer(size_type="40HC", count=1, numbers=[f"MSCU123456{n}"]) for n in (1, 2)
        ],
        qualifications=[DeclarationQualification(type_code="BWG_PRODUCER", number=f"Q{n}") for n in (1, 2)],
    )
    now = datetime.now(UTC)
    for suffix in ("001", "002"):
        db.session.add(
            ERecord(
                declaration_id=declaration.id, district_code=declaration.district_code,
                e_record_no=f"{declaration.inspection_no}{suffix}",
                status="normal", goods_category="general", issued_at=now,
                valid_until=now + timedelta(days=60),
            )
        )
    db.session.commit()
    numbers = declaration.id, declaration.inspection_no
    db.session.expunge_all()  # nothing of it left in the session: the request reads it all
    return headers, numbers


@pytest.mark.parametrize("by", ["inspection_no", "e_record_no", "id"])
def test_a_lookup_is_four_queries(client, issued, by):
    headers, (declaration_id, number) = issued
    url = {
        "inspection_no": f"{API}/lookup?inspection_no={number}",
        "e_record_no": f"{API}/lookup?e_record_no={number}002",
        "id": f"{API}/{declaration_id}",
    }[by]
    with statements() as seen:
        found = client.get(url, headers=headers)
    assert found.status_code == 200, found.get_json()
    body = found.get_json()
    assert len(body["goods"]) == 3 and len(body["containers"]) == 2 and len(body["qualifications"]) == 2
    assert body["e_record"]["e_record_no"] == f"{number}002"
    assert len(seen) <= LOOKUP_QUERIES, "\n".join(seen)


def test_an_e_record_by_number_is_four_queries(client, issued):
    headers, (_, number) = issued
    with statements() as seen:
        found = client.get(f"/api/v1/e-records/{number}002", headers=headers)
    assert found.status_code == 200, found.get_json()
    assert found.get_json()["inspection_no"] == number
    # The token with its user; the e-record with its declaration; its goods lines and its consumptions
    # (核销: the balance per line is summed from them, not asked for again).
    assert len(seen) <= 4, "\n".join(seen)
    assert sum("e_record_consumption" in s for s in seen) == 1, "\n".join(seen)


def test_a_submission_stays_within_its_statement_budget(client, factories):
    enterprise = factories.enterprise()
    headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))
    body = registered_body(factories, enterprise)
    first, second = (client.post(API, json=body, headers=headers).get_json()["id"] for _ in range(2))
    # The first submission of the year creates the counter row; the second is the steady state.
    assert client.post(f"{API}/{first}/submit", json={}, headers=headers).status_code == 200
    db.session.expunge_all()
    with statements() as seen:
        submitted = client.post(f"{API}/{second}/submit", json={}, headers=headers)
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["inspection_no"].endswith("0000002")
    writes = [s for s in seen if not s.lstrip().upper().startswith("SELECT")]
    # The counter bumped and read back in one statement; declaration, receipts and audit in one flush,
    # the two receipts in one INSERT and the two audit rows in another.
    assert sum(s.lstrip().upper().startswith("UPDATE INSPECTION_NO_COUNTER") for s in writes) == 1
    assert sum(s.lstrip().upper().startswith("UPDATE DECLARATION") for s in writes) == 1
    assert sum(s.lstrip().upper().startswith("INSERT INTO RECEIPT") for s in writes) == 1
    assert sum(s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT") for s in writes) == 1
    assert sum(" FROM ENTERPRISE" in s.upper().split(" WHERE ")[0] for s in seen) == 0, "the declarer re-read"
    assert len(seen) <= SUBMISSION_STATEMENTS, "\n".join(s.split("\n")[0][:120] for s in seen)
    assert sum("catalog_entry" in s for s in seen) == 0, "the first submission left the catalogue reads kept"


def test_the_rows_read_dump_as_the_objects_do(app, client, issued):
    """The read views serve plain rows (detail_rows): their JSON is the object's, field for field."""
    import json

    from backend.declarations.models import Declaration
    from backend.declarations.schemas import DeclarationSchema

    headers, (declaration_id, number) = issued
    by_id = client.get(f"{API}/{declaration_id}", headers=headers).get_json()
    by_e_record = client.get(f"{API}/lookup?e_record_no={number}001", headers=headers).get_json()
    declaration = db.session.get(Declaration, declaration_id)
    from_object = json.loads(app.json.dumps(DeclarationSchema().dump(declaration)))
    assert by_id == from_object
    assert by_e_record == from_object
    assert by_id["e_record"]["e_record_no"] == f"{number}002"  # the current e-record, the latest
