"""The one state-machine helper (backend/core/statemachine.py) and the one receipt writer."""

from __future__ import annotations

from enum import StrEnum
from types import SimpleNamespace

import pytest

from backend.core.enums import Role
from backend.core.receipts import actor_label, write_receipt
from backend.core.statemachine import StateMachine, Transition
from backend.declarations.models import Declaration
from backend.errors import DomainError
from backend.extensions import db
from tests.helpers import actor_of, make_declaration, make_enterprise, make_user


class S(StrEnum):
    DRAFT = "draft"
    RETURNED = "returned"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class E(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"


def machine(**options) -> StateMachine:
    """A small table under the declaration's name, so its error codes exist in the catalogue."""
    return StateMachine(
        "declaration",
        {
            (S.DRAFT, E.SUBMIT): S.SUBMITTED,
            (S.RETURNED, E.SUBMIT): S.SUBMITTED,
            (S.SUBMITTED, E.WITHDRAW): S.WITHDRAWN,
            (S.RETURNED, E.WITHDRAW): S.WITHDRAWN,
        },
        initial=S.DRAFT,
        **options,
    )


def test_the_table_answers_targets_sources_and_states_in_plain_strings():
    table = machine()
    assert table.target("draft", "submit") == "submitted" and table.target(S.DRAFT, E.SUBMIT) == "submitted"
    assert table.target(S.SUBMITTED, E.SUBMIT) is None
    assert table.sources(E.SUBMIT) == {"draft", "returned"} and table.sources("withdraw") == {
        "submitted",
        "returned",
    }
    assert table.sources("approve") == frozenset()
    assert table.states == {"draft", "returned", "submitted", "withdrawn"}
    assert table.can(SimpleNamespace(status="returned"), E.WITHDRAW)
    assert not table.can(SimpleNamespace(status="draft"), E.WITHDRAW)
    assert all(type(key) is str for pair in table.transitions for key in pair)


def test_the_guard_refuses_with_the_aggregates_code_and_changes_nothing():
    entity = SimpleNamespace(status="submitted", version=4)
    with pytest.raises(DomainError) as refused:
        machine().apply(entity, E.SUBMIT)
    error = refused.value
    assert error.error == "declaration.invalid_transition" and error.status == 409
    assert error.params == {"status": "submitted", "event": "submit"} and error.detail is None
    assert "submit" in error.message("en") and "submitted" in error.message("zh")
    assert entity.status == "submitted" and entity.version == 4


def test_refusal_detail_and_custom_codes_come_from_the_machine():
    table = machine(
        error="resource.conflict",
        refusal_detail=lambda entity, status, event: {"status": status, "to": event, "v": entity.version},
    )
    with pytest.raises(DomainError) as refused:
        table.ensure(SimpleNamespace(status="withdrawn", version=2), "withdraw")
    assert refused.value.error == "resource.conflict"
    assert refused.value.detail == {"status": "withdrawn", "to": "withdraw", "v": 2}


def test_apply_sets_the_status_bumps_the_version_and_runs_the_hooks_in_order():
    table, seen = machine(), []
    table.on_transition(lambda change: seen.append(("first", change)))
    table.on_transition(lambda change: seen.append(("second", change.after)))
    entity = SimpleNamespace(status="draft", version=1)
    change = table.apply(entity, E.SUBMIT, actor="someone", reason="r")
    assert entity.status == "submitted" and type(entity.status) is str and entity.version == 2
    assert change == Transition(entity, "submit", "draft", "submitted", "someone", {"reason": "r"})
    assert seen == [("first", change), ("second", "submitted")]


def test_an_aggregate_without_a_version_column_only_changes_status():
    entity = SimpleNamespace(status="returned")
    machine().apply(entity, E.WITHDRAW)
    assert entity.status == "withdrawn" and not hasattr(entity, "version")


def test_the_version_check_refuses_a_stale_version_before_anything_changes():
    table, seen = machine(), []
    table.on_transition(seen.append)
    entity = SimpleNamespace(status="draft", version=3)
    with pytest.raises(DomainError) as stale:
        table.apply(entity, E.SUBMIT, expected_version=2)
    assert stale.value.error == "declaration.version_conflict" and stale.value.status == 409
    assert stale.value.detail == {"current_version": 3}
    assert entity.status == "draft" and entity.version == 3 and seen == []
    table.apply(entity, E.SUBMIT, expected_version=3)
    assert entity.version == 4
    # The guard comes first: a forbidden event at a stale version is an invalid transition.
    with pytest.raises(DomainError) as refused:
        table.apply(entity, E.SUBMIT, expected_version=1)
    assert refused.value.error == "declaration.invalid_transition"


def test_new_rows_start_in_an_initial_status_only():
    table = StateMachine("declaration", {(S.DRAFT, E.SUBMIT): S.SUBMITTED}, initial=(S.DRAFT, S.RETURNED))
    assert table.new(SimpleNamespace).status == "draft"
    assert table.new(SimpleNamespace, status=S.RETURNED, version=1) == SimpleNamespace(
        status="returned", version=1
    )
    with pytest.raises(ValueError, match="not an initial status"):
        table.new(SimpleNamespace, status="submitted")


def test_conditional_update_takes_its_where_clause_from_the_table():
    enterprise = make_enterprise()
    draft, returned, submitted = (
        make_declaration(enterprise, status=s) for s in ("draft", "returned", "submitted")
    )
    versions = {d.id: d.version for d in (draft, returned, submitted)}
    table, seen = machine(), []
    table.on_transition(seen.append)

    def submit(declaration) -> int:
        return table.update(Declaration, E.SUBMIT, Declaration.id == declaration.id, session=db.session)

    assert [submit(d) for d in (draft, returned, submitted)] == [1, 1, 0]
    assert submit(draft) == 0  # already moved on: a second caller loses
    assert seen == []  # the winner runs the hooks itself, once it knows it won
    db.session.commit()
    for declaration in (draft, returned, submitted):
        db.session.refresh(declaration)
    assert [d.status for d in (draft, returned, submitted)] == ["submitted", "submitted", "submitted"]
    assert draft.version == versions[draft.id] + 1 and submitted.version == versions[submitted.id]

    change = table.run_hooks(draft, E.SUBMIT, before="draft", actor=None, note="x")
    assert seen == [change] and (change.before, change.after, change.data) == (
        "draft",
        "submitted",
        {"note": "x"},
    )


def test_conditional_update_with_extra_values_and_conditions():
    enterprise = make_enterprise()
    kept, moved = (
        make_declaration(enterprise, status="returned"),
        make_declaration(enterprise, status="returned"),
    )
    won = machine().update(
        Declaration,
        E.WITHDRAW,
        Declaration.id.in_([kept.id, moved.id]),
        Declaration.id == moved.id,
        session=db.session,
        values={"marks": "withdrawn by test"},
    )
    db.session.commit()
    db.session.refresh(kept), db.session.refresh(moved)
    assert won == 1 and (kept.status, moved.status, moved.marks) == (
        "returned",
        "withdrawn",
        "withdrawn by test",
    )


def test_conditional_update_needs_one_target():
    forked = StateMachine("declaration", {("a", "go"): "b", ("c", "go"): "d"})
    with pytest.raises(ValueError, match="several states"):
        forked.update(Declaration, "go", session=db.session)
    with pytest.raises(ValueError, match="no transition"):
        forked.update(Declaration, "stop", session=db.session)


def test_one_actor_label_for_every_receipt():
    enterprise = make_enterprise()
    labels = {
        role: actor_label(
            actor_of(make_user(role, enterprise=enterprise if role == Role.ENTERPRISE else None))
        )
        for role in (Role.ENTERPRISE, Role.REVIEWER, Role.SYSTEM_CLIENT)
    }
    assert actor_label(None) == "系统 system"
    assert labels[Role.ENTERPRISE].startswith("enterprise-")
    assert labels[Role.REVIEWER].startswith("海关 customs (reviewer-") and labels[Role.REVIEWER].endswith(")")
    assert labels[Role.SYSTEM_CLIENT].startswith("系统 system (system_client-")


def test_write_receipt_appends_to_the_owner_in_its_status():
    declaration = make_declaration(make_enterprise(), status="accepted")
    officer = actor_of(make_user(Role.REVIEWER))
    first = write_receipt(declaration, code="A", text_zh="甲", text_en="a", actor=None)
    second = write_receipt(
        declaration, code="B", text_zh="乙", text_en="b", actor=officer, status="returned", detail={"k": 1}
    )
    db.session.commit()
    assert [r.code for r in declaration.receipts] == ["A", "B"]
    assert (first.status, first.actor_label) == ("accepted", "系统 system")
    assert (second.status, second.detail, second.actor_label) == ("returned", {"k": 1}, actor_label(officer))
    assert first.created_at is not None and first.created_at.tzinfo is not None
