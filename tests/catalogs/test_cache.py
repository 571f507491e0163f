"""The per-process catalogue memory: warm reads cost one stamp query, and a version applied elsewhere
(another process: here another session committing) is used by the next transaction."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.catalogs.service import check_codes, get_table
from backend.catalogs.versions import create_version, current_entries, entry_row
from backend.extensions import db


def _count(seen):
    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    return count


def test_warm_reads_cost_one_stamp_and_another_process_s_version_is_seen_at_once(app):
    on = date.today()
    first = check_codes("ports", ["CNSHA", "CNZZZ"], on=on)
    assert "CNSHA" in first.known and "CNZZZ" not in first.known
    db.session.commit()

    seen: list[str] = []
    counter = _count(seen)
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        again = check_codes("ports", ["CNSHA", "CNZZZ"], on=on)
        check_codes("ports", ["CNSHA"], on=on)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert "CNSHA" in again.known and "CNZZZ" not in again.known
    assert len(seen) == 1 and "catalog_version" in seen[0], seen  # the stamp, once per transaction
    db.session.commit()

    # Another process applies a version adding CNZZZ: another app context has a session of its own.
    with app.app_context():
        rows = [entry_row(e) for e in current_entries("ports").values()]
        rows.append({"code": "CNZZZ", "name_zh": "测试港", "name_en": "Test port"})
        create_version(
            table=get_table("ports"), rows=rows, effective_date=on, source="official", file_name=None,
            actor_id=None,
        )
        db.session.commit()
        db.session.remove()

    assert "CNZZZ" in check_codes("ports", ["CNZZZ"], on=on).known
