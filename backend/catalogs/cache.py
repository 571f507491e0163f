"""Per-process memory of catalogue reads, exact across processes: keyed on the newest version's stamp.

Catalogue rows change only when a version is applied: a new catalog_version row, with the entries it
closes and opens and the projections it refreshes (qualification types, e-record validity prefixes), in
one transaction. So every read kept here is keyed on the stamp of the newest version (its id and
applied_at — ids can be reused on SQLite after a delete, the moment cannot), read once per transaction
with one primary-key query. A version applied by any process is seen by the next transaction of every
process; validation reads the catalogues with one statement instead of one or two per table.

What is kept is plain data (CachedEntry, CachedVersion), never ORM objects of some session. The memory
holds one stamp at a time and is emptied past MAX_KEYS keys (a flood of unknown codes cannot grow it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.catalogs.models import CatalogVersion
from backend.extensions import db

MAX_KEYS = 200_000
_SESSION_KEY = "catalog_stamp"
_MEMORY_KEY = "catalog_memory"  # the memory found for the stamp, for the rest of the transaction
_MISSING = object()


@dataclass(frozen=True)
class CachedEntry:
    """A catalogue entry's columns, detached from any session."""

    table_code: str
    code: str
    name_zh: str
    name_en: str
    data: dict
    valid_from: date
    valid_to: date | None
    from_version: int | None
    to_version: int | None

    @classmethod
    def of(cls, entry) -> CachedEntry:
        return cls(
            entry.table_code,
            entry.code,
            entry.name_zh,
            entry.name_en,
            dict(entry.data or {}),
            entry.valid_from,
            entry.valid_to,
            entry.from_version,
            entry.to_version,
        )


@dataclass(frozen=True)
class CachedVersion:
    number: int
    effective_date: date


class _Memory:
    def __init__(self, key: tuple):
        self.key = key
        self.values: dict[tuple, Any] = {}


_memory = _Memory(())
_lock = threading.Lock()


def stamp() -> tuple[int | None, datetime | None]:
    """The newest version's (id, applied_at), read once per transaction of the current session."""
    info = db.session.info
    found = info.get(_SESSION_KEY)
    if found is None:
        row = db.session.execute(
            sa.select(CatalogVersion.id, CatalogVersion.applied_at)
            .order_by(CatalogVersion.id.desc())
            .limit(1)
        ).first()
        found = info[_SESSION_KEY] = (row[0], row[1]) if row else (None, None)
    return found


def forget_stamp() -> None:
    db.session.info.pop(_SESSION_KEY, None)
    db.session.info.pop(_MEMORY_KEY, None)


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_stamp(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_SESSION_KEY, None)
        session.info.pop(_MEMORY_KEY, None)


def _database_name(engine) -> str:
    """The engine's URL as text, rendered once per engine (a validation asks for it dozens of times)."""
    name = getattr(engine, "_chajian_catalog_key", None)
    if name is None:
        name = engine._chajian_catalog_key = engine.url.render_as_string()
    return name


def _current() -> _Memory:
    """The memory of the current stamp, found once per transaction (a validation asks dozens of times)."""
    global _memory
    info = db.session.info
    memory = info.get(_MEMORY_KEY)
    if memory is not None and memory is _memory and len(memory.values) <= MAX_KEYS:
        return memory
    key = (_database_name(db.engine), *stamp())
    memory = _memory
    if memory.key != key or len(memory.values) > MAX_KEYS:
        with _lock:
            if _memory.key != key or len(_memory.values) > MAX_KEYS:
                _memory = _Memory(key)
            memory = _memory
    info[_MEMORY_KEY] = memory
    return memory


def get(key: tuple, default=_MISSING):
    """A kept value for `key` under the current stamp, or `default` (MISSING: not kept)."""
    return _current().values.get(key, default)


def get_many(prefix: tuple, names) -> tuple[dict, list]:
    """(found {name: value}, missing names) of the keys prefix + (name,)."""
    values = _current().values
    found, missing = {}, []
    for name in names:
        value = values.get((*prefix, name), _MISSING)
        if value is _MISSING:
            missing.append(name)
        else:
            found[name] = value
    return found, missing


def put(key: tuple, value):
    _current().values[key] = value
    return value


def remember(key: tuple, read):
    """The kept value of `key`, else read() kept."""
    value = get(key)
    return put(key, read()) if value is _MISSING else value


MISSING = _MISSING
