"""The change feed: deferred changes are written once per instruction, minus rolled-back savepoints."""

import pytest

from backend.extensions import db
from backend.instructions import changes


def test_deferred_changes_bump_each_instruction_once_at_the_end(world, factories):
    first = factories.instruction(world.declaration, inspector=world.inspector)
    other = factories.declaration(world.enterprise, status="inspection_notice")
    second = factories.instruction(other, inspector=world.inspector)
    cursor = changes.changes_after(inspector_id=world.inspector.id, cursor=0, limit=10)[-1][0]

    with changes.deferred_changes():
        changes.record_change(inspector_id=world.inspector.id, instruction_id=second.id)
        changes.record_change(inspector_id=world.inspector.id, instruction_id=first.id)
        changes.record_change(inspector_id=world.inspector.id, instruction_id=second.id)
        assert changes.changes_after(inspector_id=world.inspector.id, cursor=cursor, limit=10) == []
    db.session.commit()

    after = changes.changes_after(inspector_id=world.inspector.id, cursor=cursor, limit=10)
    assert [instruction_id for _, instruction_id in after] == sorted([first.id, second.id])
    assert [seq for seq, _ in after] == [cursor + 1, cursor + 2]


def test_a_rolled_back_savepoint_takes_back_its_deferred_changes_only(world, factories):
    first = factories.instruction(world.declaration, inspector=world.inspector)
    other = factories.declaration(world.enterprise, status="inspection_notice")
    second = factories.instruction(other, inspector=world.inspector)
    cursor = changes.changes_after(inspector_id=world.inspector.id, cursor=0, limit=10)[-1][0]

    with changes.deferred_changes():
        with db.session.begin_nested():
            changes.record_change(inspector_id=world.inspector.id, instruction_id=first.id)
        savepoint = db.session.begin_nested()
        changes.record_change(inspector_id=world.inspector.id, instruction_id=first.id)
        changes.record_change(inspector_id=world.inspector.id, instruction_id=second.id)
        savepoint.rollback()  # an operation that did not happen: only its own changes go
    db.session.commit()

    after = changes.changes_after(inspector_id=world.inspector.id, cursor=cursor, limit=10)
    assert [instruction_id for _, instruction_id in after] == [first.id]


def test_nothing_deferred_is_written_when_the_block_fails(world, factories):
    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    cursor = changes.changes_after(inspector_id=world.inspector.id, cursor=0, limit=10)[-1][0]

    with pytest.raises(RuntimeError), changes.deferred_changes():
        changes.record_change(inspector_id=world.inspector.id, instruction_id=instruction.id)
        raise RuntimeError("the chunk failed")
    db.session.rollback()

    assert changes.changes_after(inspector_id=world.inspector.id, cursor=cursor, limit=10) == []
