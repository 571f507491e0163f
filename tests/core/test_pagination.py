"""The one cursor pager (backend/core/pagination.py): by id alone or by (sort column, id)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.core.pagination import encode_cursor, keyset_page
from backend.declarations.models import Declaration
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import Enterprise
from tests.helpers import make_declaration, make_enterprise


def _walk(query, **options) -> list[list]:
    pages, cursor = [], None
    while True:
        rows, cursor = keyset_page(query, limit=2, cursor=cursor, **options)
        pages.append(rows)
        if cursor is None:
            return pages


def test_by_id_the_cursor_is_the_last_id_in_either_direction():
    enterprise = make_enterprise()
    ids = [make_declaration(enterprise).id for _ in range(5)]
    query = db.select(Declaration)
    newest_first = _walk(query, id_column=Declaration.id)
    assert [[d.id for d in page] for page in newest_first] == [ids[4:2:-1], ids[2:0:-1], ids[:1]]
    oldest_first = _walk(query, id_column=Declaration.id, descending=False)
    assert [[d.id for d in page] for page in oldest_first] == [ids[0:2], ids[2:4], ids[4:]]
    rows, cursor = keyset_page(query, id_column=Declaration.id, limit=2, cursor=ids[3])
    assert [d.id for d in rows] == [ids[2], ids[1]] and cursor == ids[1] and type(cursor) is int
    assert keyset_page(query, id_column=Declaration.id, limit=5) == (
        [db.session.get(Declaration, i) for i in reversed(ids)],
        None,
    )


def test_by_sort_column_the_cursor_is_opaque_and_names_its_list():
    enterprise = make_enterprise()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Two rows share a sort value: the id breaks the tie; a NULL sort value cannot be placed.
    moments = [
        start,
        start + timedelta(hours=1),
        start + timedelta(hours=1),
        start + timedelta(hours=2),
        None,
    ]
    rows = [make_declaration(enterprise, status="accepted", accepted_at=m) for m in moments]
    options = {"id_column": Declaration.id, "sort_column": Declaration.accepted_at, "order": "accepted"}
    pages = _walk(db.select(Declaration), **options)
    assert [[d.id for d in page] for page in pages] == [[rows[3].id, rows[2].id], [rows[1].id, rows[0].id]]
    first, cursor = keyset_page(db.select(Declaration), limit=2, **options)
    assert cursor == encode_cursor("accepted", rows[2].accepted_at, rows[2].id)
    with pytest.raises(DomainError) as foreign:
        keyset_page(db.select(Declaration), limit=2, cursor=cursor, **{**options, "order": "created"})
    assert foreign.value.error == "request.invalid" and "cursor" in foreign.value.errors
    with pytest.raises(DomainError) as garbled:
        keyset_page(
            db.select(Declaration), limit=2, cursor="not-a-cursor", invalid="review.invalid_cursor", **options
        )
    assert garbled.value.error == "review.invalid_cursor" and garbled.value.status == 422


def test_a_query_of_several_columns_pages_plain_tuples():
    enterprise = make_enterprise()
    made = [make_declaration(enterprise) for _ in range(3)]
    query = db.select(Declaration, Enterprise.customs_code).join(
        Enterprise, Enterprise.id == Declaration.enterprise_id
    )
    rows, cursor = keyset_page(query, id_column=Declaration.id, limit=2)
    assert (
        rows == [(made[2], enterprise.customs_code), (made[1], enterprise.customs_code)]
        and cursor == made[1].id
    )
    declaration, code = rows[0]
    assert isinstance(declaration, Declaration) and code == enterprise.customs_code
