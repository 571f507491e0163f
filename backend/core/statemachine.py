"""One small state machine for every aggregate that has a status.

Each aggregate declares its table once, in its workflow (transition) module, and changes its status
only through it:

    MACHINE = StateMachine("declaration", {(S.DRAFT, E.SUBMIT): S.SUBMITTED, ...})
    MACHINE.apply(declaration, E.SUBMIT, expected_version=3)

apply() checks the guard (a (status, event) pair missing from the table raises the aggregate's
`<name>.invalid_transition`, HTTP 409), the version the caller saw (`<name>.version_conflict`, 409),
sets the status, bumps the `version` column where the aggregate has one, and runs the machine's hooks
(receipt, audit row, announcements) — all in the caller's transaction; the service commits. new()
creates a row in one of the machine's initial statuses.

Conditional UPDATEs kept for races (exactly one consumer of an e-record wins) take their WHERE clause
from the same table: update() sets the event's target where the status is one of sources(event).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import sqlalchemy as sa

from backend.errors import DomainError


def _plain(value) -> str:
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True)
class Transition:
    """What one apply() did: the hooks' argument and apply()'s answer."""

    entity: Any
    event: str
    before: str
    after: str
    actor: Any = None
    data: dict = field(default_factory=dict)


Hook = Callable[[Transition], None]


class StateMachine:
    """A transition table `{(status, event): status}` with its guard, version check and hooks."""

    def __init__(
        self,
        name: str,
        transitions: Mapping[tuple[Any, Any], Any],
        *,
        initial: Any | Iterable[Any] = (),
        error: str | None = None,
        version_error: str | None = None,
        refusal_detail: Callable[[Any, str, str], dict | None] | None = None,
        conflict_detail: Callable[[Any], dict] | None = None,
    ):
        self.name = name
        self.transitions: dict[tuple[str, str], str] = {
            (_plain(state), _plain(event)): _plain(target) for (state, event), target in transitions.items()
        }
        initial = [initial] if isinstance(initial, str) else list(initial)
        self.initial: tuple[str, ...] = tuple(_plain(state) for state in initial)
        self.error = error or f"{name}.invalid_transition"
        self.version_error = version_error or f"{name}.version_conflict"
        self._refusal_detail = refusal_detail or (lambda entity, status, event: None)
        self._conflict_detail = conflict_detail or (lambda entity: {"current_version": entity.version})
        self._hooks: list[Hook] = []

    # The table.
    @property
    def states(self) -> frozenset[str]:
        return frozenset(s for s, _ in self.transitions) | frozenset(self.transitions.values())

    def target(self, status, event) -> str | None:
        """Where `event` leads from `status`, or None when the table forbids it."""
        return self.transitions.get((_plain(status), _plain(event)))

    def can(self, entity, event) -> bool:
        return self.target(entity.status, event) is not None

    def sources(self, event) -> frozenset[str]:
        """The statuses `event` may leave: the WHERE clause of a conditional UPDATE."""
        event = _plain(event)
        return frozenset(s for s, e in self.transitions if e == event)

    # The guard and the version check.
    def refuse(self, entity, event, **params) -> DomainError:
        """The aggregate's invalid_transition error for `event` in the entity's current status."""
        status, event = _plain(entity.status), _plain(event)
        return DomainError(
            self.error,
            status=status,
            event=event,
            detail=self._refusal_detail(entity, status, event),
            **params,
        )

    def ensure(self, entity, event) -> str:
        """The target of `event`, or the aggregate's invalid_transition (409)."""
        target = self.target(entity.status, event)
        if target is None:
            raise self.refuse(entity, event)
        return target

    def check_version(self, entity, expected_version: int | None) -> None:
        if expected_version is not None and expected_version != entity.version:
            raise DomainError(self.version_error, detail=self._conflict_detail(entity))

    # Creating and changing.
    def new(self, model, *, status=None, **columns):
        """A new `model` row in an initial status (the first one declared unless `status` names another)."""
        status = _plain(status) if status is not None else (self.initial[0] if self.initial else None)
        if status not in self.initial:
            raise ValueError(f"{self.name}: {status!r} is not an initial status ({', '.join(self.initial)})")
        return model(status=status, **columns)

    def on_transition(self, hook: Hook) -> Hook:
        """Register `hook(transition)`, run after every apply() in the same transaction (decorator)."""
        self._hooks.append(hook)
        return hook

    def apply(self, entity, event, *, actor=None, expected_version: int | None = None, **data) -> Transition:
        """Guard, version check, set the status, bump the version, run the hooks; the caller commits."""
        target = self.ensure(entity, event)
        self.check_version(entity, expected_version)
        before = _plain(entity.status)
        entity.status = target
        if hasattr(entity, "version"):
            entity.version = (entity.version or 1) + 1
        transition = Transition(entity, _plain(event), before, target, actor, dict(data))
        for hook in self._hooks:
            hook(transition)
        return transition

    def update(self, model, event, *where, session, values: dict | None = None) -> int:
        """Conditional UPDATE of `model` rows matching `where` whose status `event` may leave.

        Sets the target status (and bumps `version` where the model has one) in one statement, so of
        concurrent callers exactly one wins; returns the row count. Hooks are the caller's to run
        (after it knows it won) through run_hooks().
        """
        sources = self.sources(event)
        if not sources:
            raise ValueError(f"{self.name}: no transition for event {event!r}")
        targets = {self.transitions[(s, _plain(event))] for s in sources}
        if len(targets) != 1:
            raise ValueError(f"{self.name}: event {event!r} leads to several states; update() needs one")
        changes = {"status": targets.pop(), **(values or {})}
        if hasattr(model, "version"):
            changes["version"] = model.version + 1
        statement = sa.update(model).where(model.status.in_(sorted(sources)), *where).values(**changes)
        return session.execute(statement).rowcount

    def run_hooks(self, entity, event, *, before: str, actor=None, **data) -> Transition:
        """The hooks of a change made by update(), once the caller knows its row won."""
        transition = Transition(entity, _plain(event), _plain(before), _plain(entity.status), actor, data)
        for hook in self._hooks:
            hook(transition)
        return transition
