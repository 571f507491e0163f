"""Keyset pagination, the one pager of every list: rows ordered by (sort column, id) or by id alone.

A page is `limit` rows after the cursor. With a sort column the cursor is the last row's (sort value,
id), encoded as an opaque URL-safe string that also names the ordering it belongs to; ordered by id
alone, the cursor is the last row's id itself (an integer: the lists that take `before_id`,
`after_id` or an integer `cursor`). Unlike OFFSET, a deep page costs the same as the first one (given
an index on (filter columns…, sort column, id)), and rows inserted meanwhile do not shift later pages.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

import sqlalchemy as sa

from backend.errors import DomainError
from backend.extensions import db


def encode_cursor(order: str, value, row_id: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([order, value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str, *, invalid: str = "request.invalid") -> tuple:
    """(value, id) of a cursor made for `order`, or `invalid` (a 422 code) naming the cursor field."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_order, value, row_id = json.loads(raw)
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["dt"])
            if value.tzinfo is None:
                raise ValueError("naive datetime in cursor")
        if cursor_order != order or not isinstance(row_id, int) or isinstance(row_id, bool):
            raise ValueError("cursor of another list")
    except (ValueError, TypeError, KeyError, json.JSONDecodeError):
        raise DomainError(
            invalid, errors={"cursor": ["无效的分页游标 / invalid cursor for this list"]}
        ) from None
    return value, row_id


def keyset_page(
    query: sa.Select,
    *,
    id_column,
    limit: int,
    cursor: str | int | None = None,
    sort_column=None,
    order: str | None = None,
    descending: bool = True,
    invalid: str = "request.invalid",
    session=None,
) -> tuple[list, str | int | None]:
    """Run one page of `query`; returns (rows, next cursor or None when this is the last page).

    Ordered by (sort_column, id_column) with an opaque cursor naming `order`, or by id_column alone
    with the last id as cursor; newest (largest) first unless `descending` is False. A query of one
    entity gives its objects, a query of several columns plain tuples. Rows whose sort value is NULL
    are excluded: they cannot be placed in the key order.
    """
    session = session or db.session
    keys = (id_column,) if sort_column is None else (sort_column, id_column)
    width = len(query.column_descriptions)
    if sort_column is not None:
        query = query.where(sort_column.is_not(None))
    after = _after(cursor, keys, order=order, invalid=invalid)
    if after is not None:
        position = sa.tuple_(*keys) if len(keys) > 1 else keys[0]
        query = query.where(position < after if descending else position > after)
    query = query.add_columns(*(key.label(f"page_key_{i}") for i, key in enumerate(keys)))
    query = query.order_by(None).order_by(*(key.desc() if descending else key.asc() for key in keys))
    rows = session.execute(query.limit(limit + 1)).all()
    items = [row[0] if width == 1 else tuple(row[:width]) for row in rows[:limit]]
    if len(rows) <= limit:
        return items, None
    last = rows[limit - 1][width:]
    return items, last[0] if sort_column is None else encode_cursor(order, last[0], last[1])


def _after(cursor, keys, *, order, invalid):
    if cursor is None or cursor == "":
        return None
    if len(keys) == 1:
        return cursor
    value, row_id = decode_cursor(cursor, order, invalid=invalid)
    return sa.tuple_(sa.literal(value, keys[0].type), row_id)
