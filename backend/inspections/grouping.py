"""A group of writes to inspections made in one savepoint (the sync push applies a device's operations
for one instruction this way): what the group already read or wrote, so its operations read nothing twice.

Inside `write_group()` the inspection of an instruction is read once, the custody chain head once per
inspection (then carried forward in memory), the item results once per inspection; custody rows are not
flushed one by one (the caller flushes the group). Checks a unique constraint backs (a sample's UUID) are
left to that constraint: the caller rolls the group back and applies its operations one by one on any
failure, so every error is still reported by the operation that caused it.
"""

from __future__ import annotations

import operator
import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import sqlalchemy as sa

from backend.extensions import db
from backend.inspections.models import GENESIS, EvidenceRecord, Inspection, InspectionItemResult

# The open group of this context (the request's, whose scoped session it writes in): a context variable,
# read by each write of each operation, costs far less than the scoped session's `info`.
_CURRENT: ContextVar[WriteGroup | None] = ContextVar("chajian_inspection_write_group", default=None)


@dataclass
class Reads:
    """What the groups of one transaction have read: each group starts from it and adds to it. After a
    group is rolled back, or writes are made outside a group, the caller must `forget` it all: a row
    created in a rolled-back savepoint (a new inspection, its chain head) may even come back with the
    same id, so nothing is kept by instruction; the next groups read again."""

    inspections: dict[int, Inspection] = field(default_factory=dict)  # by instruction id
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)  # (seq, record_sha256) by inspection id
    item_results: dict[int, dict[int, InspectionItemResult]] = field(default_factory=dict)  # by inspection

    def forget(self) -> None:
        self.inspections.clear()
        self.heads.clear()
        self.item_results.clear()


def read_ahead(instruction_ids) -> Reads:
    """The inspections of these instructions (locked, as a custody chain is locked before it grows),
    their chain heads and item results, in three statements for all of them."""
    ids = sorted(set(instruction_ids))
    reads = Reads()
    if not ids:
        return reads
    for inspection in db.session.execute(
        sa.select(Inspection)
        .where(Inspection.instruction_id.in_(ids))
        .order_by(Inspection.id)
        .with_for_update()
    ).scalars():
        reads.inspections[inspection.instruction_id] = inspection
        reads.heads[inspection.id] = (0, GENESIS)
        reads.item_results[inspection.id] = {}
    if not reads.heads:
        return reads
    # Each chain's head by the unique (inspection_id, seq) index: the largest seq of one inspection is
    # one index probe (a max() per inspection, correlated), where a max() grouped over all of them read
    # every record of those inspections, a whole chain per sync chunk.
    records, inspections = EvidenceRecord.__table__, Inspection.__table__
    chained = records.alias("chained")
    last_seq = sa.select(sa.func.max(chained.c.seq)).where(chained.c.inspection_id == inspections.c.id)
    for inspection_id, seq, sha in db.session.execute(
        sa.select(records.c.inspection_id, records.c.seq, records.c.record_sha256)
        .select_from(inspections)
        .join(
            records,
            (records.c.inspection_id == inspections.c.id) & (records.c.seq == last_seq.scalar_subquery()),
        )
        .where(inspections.c.id.in_(list(reads.heads)))
    ):
        reads.heads[inspection_id] = (seq, sha)
    for row in db.session.execute(
        sa.select(InspectionItemResult).where(InspectionItemResult.inspection_id.in_(list(reads.heads)))
    ).scalars():
        reads.item_results[row.inspection_id][row.instruction_item_id] = row
    return reads


@dataclass
class WriteGroup:
    reads: Reads = field(default_factory=Reads)
    pending: dict[type, list] = field(default_factory=dict)  # rows to insert together, by model

    @property
    def inspections(self) -> dict[int, Inspection]:
        return self.reads.inspections

    @property
    def heads(self) -> dict[int, tuple[int, str]]:
        return self.reads.heads

    @property
    def item_results(self) -> dict[int, dict[int, InspectionItemResult]]:
        return self.reads.item_results

    def add(self, model: type, values: dict) -> None:
        """Insert a new row of `model` with the others of its table at the next flush (it never joins
        the session: nothing in the group reads it back)."""
        self.pending.setdefault(model, []).append(values)

    def flush(self) -> None:
        """The session's changes, then the rows kept aside: one INSERT (executemany) per table."""
        db.session.flush()
        if self.pending:
            connection = db.session.connection()
            for model, rows in self.pending.items():
                insert_many(connection, model.__table__, _with_defaults(model.__table__, rows))
            self.pending.clear()

    def item_result(self, inspection: Inspection, item_id: int) -> InspectionItemResult | None:
        rows = self.item_results.get(inspection.id)
        if rows is None:
            rows = self.item_results[inspection.id] = {
                row.instruction_item_id: row
                for row in db.session.execute(
                    sa.select(InspectionItemResult).where(InspectionItemResult.inspection_id == inspection.id)
                ).scalars()
            }
        return rows.get(item_id)

    def added_item_result(self, inspection: Inspection, row: InspectionItemResult) -> None:
        self.item_results.setdefault(inspection.id, {})[row.instruction_item_id] = row


def _with_defaults(table: sa.Table, rows: list[dict]) -> list[dict]:
    """The rows with the Python-side column defaults the session would have filled in."""
    defaults = [
        column
        for column in table.columns
        if column.default is not None
        and not column.primary_key
        and any(column.key not in row for row in rows)
    ]
    for row in rows:
        for column in defaults:
            if column.key not in row:
                row[column.key] = (
                    column.default.arg(None) if column.default.is_callable else column.default.arg
                )
    return rows


def insert_many(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """`connection.execute(sa.insert(table), rows)` for rows with the same keys, without the Core's
    per-row work (a parameter dictionary built per row, then read back by name): each row becomes a
    tuple through the columns' own bind processors, sent with the driver's executemany."""
    first = rows[0].keys()
    if any(row.keys() != first for row in rows):
        connection.execute(sa.insert(table), rows)
        return
    statement, order, processors = _insert_of(connection.dialect, table, tuple(first))
    values_of = operator.itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
    processed = [(index, process) for index, process in enumerate(processors) if process is not None]
    params = []
    for row in rows:
        values = list(values_of(row))
        for index, process in processed:  # None too, as the Core does (JSON's None is 'null')
            values[index] = process(values[index])
        params.append(tuple(values))
    connection.exec_driver_sql(statement, params)


# Per dialect (an engine's: its JSON serialiser is part of its processors), by table and columns.
_INSERTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _insert_of(dialect, table: sa.Table, keys: tuple[str, ...]) -> tuple[str, tuple[str, ...], list]:
    """The INSERT of these columns as the dialect compiles it, with positional placeholders, the
    columns in their order there, and each one's bind processor (None where a value goes to the
    driver as it is)."""
    inserts = _INSERTS.get(dialect)
    if inserts is None:
        inserts = _INSERTS[dialect] = {}
    found = inserts.get((table, keys))
    if found is not None:
        return found
    compiled = sa.insert(table).inline().compile(dialect=dialect, column_keys=list(keys))  # no RETURNING
    text = compiled.string
    if compiled.positional:
        order = list(compiled.positiontup)
    else:  # named (psycopg's %(name)s, maybe with a cast after it): turned into the driver's %s
        order = _NAMED.findall(text)
        text = _NAMED.sub("%s", text)
    if sorted(order) != sorted(keys):
        raise RuntimeError(f"unexpected INSERT parameters for {table.name}: {order}")
    processors = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in order]
    found = inserts[(table, keys)] = (text, tuple(order), processors)
    return found


_NAMED = re.compile(r"%\((\w+)\)s")


def current() -> WriteGroup | None:
    """The open group of this session, if any."""
    return _CURRENT.get()


@contextmanager
def write_group(reads: Reads | None = None) -> Iterator[WriteGroup]:
    """Open a group for the block, starting from `reads` (what earlier groups of the transaction read)
    or from nothing; what it remembers is dropped at the end unless `reads` keeps it."""
    group = WriteGroup(reads=reads if reads is not None else Reads())
    token = _CURRENT.set(group)
    try:
        yield group
    finally:
        _CURRENT.reset(token)
