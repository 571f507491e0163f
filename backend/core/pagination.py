"""Keyset pagination, reusable by every list: newest first over (sort column, id).

A page is `limit` rows after the cursor; the cursor is the last row's (sort value, id), encoded as an
opaque URL-safe string that also names the ordering it belongs to. Unlike OFFSET, a deep page costs the
same as the first one (given an index on (filter columns…, sort column, id)), and rows inserted
meanwhile do not shift later pages.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

import sqlalchemy as sa

from backend.errors import DomainError


def encode_cursor(order: str, value, row_id: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([order, value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> tuple:
    """(value, id) of a cursor made for `order`, or a 422 naming the cursor field."""
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
            "request.invalid", errors={"cursor": ["无效的分页游标 / invalid cursor for this list"]}
        ) from None
    return value, row_id


def keyset_page(
    query: sa.Select,
    *,
    sort_column,
    id_column,
    order: str,
    limit: int,
    cursor: str | None,
    session,
) -> tuple[list, str | None]:
    """Run `query` newest first by (sort_column, id_column); returns (rows, next_cursor or None).

    Rows whose sort value is NULL are excluded: they cannot be placed in the key order.
    """
    query = query.where(sort_column.is_not(None))
    if cursor:
        value, row_id = decode_cursor(cursor, order)
        query = query.where(
            sa.tuple_(sort_column, id_column) < sa.tuple_(sa.literal(value, sort_column.type), row_id)
        )
    query = query.order_by(sort_column.desc(), id_column.desc()).limit(limit + 1)
    rows = list(session.execute(query).scalars())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(order, getattr(last, sort_column.key), getattr(last, id_column.key))
