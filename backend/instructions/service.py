"""Use cases of instructions (指令管理). Creating one for a declaration is also called by document review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from backend.audit.service import record_event
from backend.core.auth import Actor
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause, ensure_can_read, ensure_can_see
from backend.deadlines.service import due_at
from backend.declarations import workflow as declaration_workflow
from backend.declarations.catalog_validity import line_category, prefix_table
from backend.declarations.e_records import issue_e_record
from backend.declarations.models import Declaration
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.models import User
from backend.instructions import (
    errors,  # noqa: F401  (registers the codes)
    leases,
)
from backend.instructions.catalog import BASE_ITEMS, INSPECTION_ITEMS, ITEMS_BY_CATEGORY
from backend.instructions.changes import lock_inspectors, record_change
from backend.instructions.models import Instruction, InstructionItem, InstructionLease
from backend.instructions.workflow import MACHINE, OPEN, Event, Status, apply
from backend.realtime import district_room, notify

CLOSED = ("completed", "cancelled")

# Called in the transaction after an instruction changed inspector (inspections moves its record along).
_REASSIGN_HOOKS: list[Callable[[Instruction], None]] = []


def on_reassign(hook: Callable[[Instruction], None]) -> Callable[[Instruction], None]:
    """Register `hook(instruction)`, called when an instruction is reassigned (a domain above this one)."""
    _REASSIGN_HOOKS.append(hook)
    return hook


# Fill in what a domain above this one shows beside instructions in responses (e.g. photos pending).
_RESPONSE_HOOKS: list[Callable[[list[Instruction]], None]] = []


def on_response(hook: Callable[[list[Instruction]], None]) -> Callable[[list[Instruction]], None]:
    """Register `hook(instructions)`, called once per response with every instruction it answers."""
    _RESPONSE_HOOKS.append(hook)
    return hook


def for_response(result: Instruction | list[Instruction]):
    """The instructions about to be answered, completed by the registered hooks (one call per response)."""
    rows = result if isinstance(result, list) else [result]
    for hook in _RESPONSE_HOOKS:
        hook(rows)
    return result


# What a response shows beside the row (items, names, numbers, the lease): one IN query each for a list.
RESPONSE_CONTEXT = (
    selectinload(Instruction.items),
    selectinload(Instruction.inspector),
    selectinload(Instruction.declaration),
    selectinload(Instruction.enterprise),
    selectinload(Instruction.lease).selectinload(InstructionLease.inspector),
    selectinload(Instruction.follow_ups),
)

# Applications an officer may issue an instruction for by hand (without an open one).
ISSUABLE = (
    declaration_workflow.Status.ACCEPTED,
    declaration_workflow.Status.UNDER_REVIEW,
    declaration_workflow.Status.INSPECTION_NOTICE,
)
# What the application becomes when its instruction is cancelled: the officer's choice.
CANCEL_OUTCOMES = ("accepted", "released")


def create_instruction_for_declaration(
    *,
    declaration: Declaration,
    item_codes: list[str],
    source: str,
    reason: dict | None,
    actor: Actor | None,
    priority: int = 3,
    deadline: datetime | None = None,
    site_address: str | None = None,
    site_contact: str | None = None,
    follows_instruction_id: int | None = None,
) -> Instruction:
    """Create a `pending` instruction with its items for `declaration`. The caller commits.

    Without a deadline given, the district's time limit for the disposition stage sets one (时限), so
    instructions issued by a risk rule and by hand are all watched against one.
    """
    unknown = [code for code in item_codes if code not in INSPECTION_ITEMS]
    if unknown:
        raise DomainError("instruction.unknown_item", code=", ".join(unknown))
    if deadline is None:
        deadline = due_at(stage="disposition", district_code=declaration.district_code, start=utcnow())
    instruction = MACHINE.new(
        Instruction,
        declaration_id=declaration.id,
        enterprise_id=declaration.enterprise_id,
        district_code=declaration.district_code,
        source=source,
        reason=reason,
        priority=priority,
        deadline=deadline,
        site_address=site_address or declaration.storage_place,
        site_contact=site_contact,
        created_by_id=actor.user_id if actor else None,
        follows_instruction_id=follows_instruction_id,
    )
    for seq, code in enumerate(dict.fromkeys(item_codes), start=1):
        zh, en, evidence = INSPECTION_ITEMS[code]
        instruction.items.append(
            InstructionItem(seq=seq, code=code, description_zh=zh, description_en=en, evidence=evidence)
        )
    db.session.add(instruction)
    db.session.flush()
    record_event(
        action="instruction.created",
        entity_type="instruction",
        entity_id=instruction.id,
        actor=actor,
        after={
            "status": "pending",
            "declaration_id": declaration.id,
            "items": list(dict.fromkeys(item_codes)),
            **({"follows_instruction_id": follows_instruction_id} if follows_instruction_id else {}),
        },
        district_code=instruction.district_code,
    )
    notify(
        district_room(declaration.district_code), "instruction.created", {"instruction_id": instruction.id}
    )
    return instruction


def create_instruction(
    *,
    actor: Actor,
    declaration_id: int,
    item_codes: list[str],
    note: str | None = None,
    priority: int = 3,
    deadline: datetime | None = None,
    site_address: str | None = None,
    site_contact: str | None = None,
    inspector_id: int | None = None,
) -> Instruction:
    """An officer issues an instruction by hand for an accepted application of the district.

    An application in document review (accepted, under_review) moves to inspection_notice (查检通知, a
    receipt to the enterprise); one already in inspection_notice without an open instruction gets one.
    """
    declaration = _locked_declaration(declaration_id)
    if declaration is None:
        raise DomainError("resource.not_found")
    ensure_can_see(actor, district_code=declaration.district_code)
    if declaration.status not in ISSUABLE:
        raise DomainError("instruction.declaration_not_in_notice")
    if open_instruction_of(declaration.id) is not None:
        raise DomainError("instruction.already_open")
    if declaration.status != declaration_workflow.Status.INSPECTION_NOTICE:
        declaration_workflow.apply(
            declaration, declaration_workflow.Event.REQUIRE_INSPECTION, actor=actor, reason=note
        )
    instruction = create_instruction_for_declaration(
        declaration=declaration,
        item_codes=item_codes,
        source="manual",
        reason={"note": note} if note else None,
        actor=actor,
        priority=priority,
        deadline=deadline,
        site_address=site_address,
        site_contact=site_contact,
    )
    if inspector_id is not None:
        apply(instruction, Event.ASSIGN, actor=actor, inspector_id=_inspector_of(actor, inspector_id).id)
    db.session.commit()
    return instruction


def _locked_declaration(declaration_id: int) -> Declaration | None:
    return db.session.execute(
        sa.select(Declaration)
        .where(Declaration.id == declaration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def suggested_items(declaration: Declaration) -> list[str]:
    """The inspection items its goods call for: the base checks, then each goods category's own."""
    table = prefix_table()
    codes = list(BASE_ITEMS)
    for line in declaration.goods:
        codes.extend(ITEMS_BY_CATEGORY.get(line_category(line, table=table), ()))
    return list(dict.fromkeys(codes))


def issuable_declarations(*, actor: Actor, before_id: int | None = None, limit: int = 50) -> list[dict]:
    """The district's applications an officer may issue an instruction for, with items from the goods."""
    has_open = sa.exists().where(
        Instruction.declaration_id == Declaration.id, Instruction.status.not_in(CLOSED)
    )
    query = (
        sa.select(Declaration)
        .options(selectinload(Declaration.goods))
        .where(
            Declaration.district_code == actor.district_code,
            Declaration.status.in_([s.value for s in ISSUABLE]),
            ~has_open,
        )
    )
    rows = keyset_page(query, id_column=Declaration.id, limit=limit, cursor=before_id)[0]
    return [{"declaration": row, "suggested_items": suggested_items(row)} for row in rows]


def open_instruction_of(declaration_id: int) -> Instruction | None:
    """The application's instruction that is not completed or cancelled, if any."""
    return db.session.execute(
        sa.select(Instruction)
        .where(Instruction.declaration_id == declaration_id, Instruction.status.not_in(CLOSED))
        .limit(1)
    ).scalar_one_or_none()


def _inspector_of(actor: Actor, inspector_id: int) -> User:
    user = db.session.get(User, inspector_id)
    if (
        user is None
        or user.role != Role.INSPECTOR
        or not user.active
        or user.district_code != actor.district_code
    ):
        raise DomainError(
            "instruction.inspector_invalid", errors={"inspector_id": ["not an inspector of your district"]}
        )
    return user


def get_visible(
    *,
    actor: Actor,
    instruction_id: int,
    lock: bool = False,
    also_lock: tuple[int, ...] = (),
    for_write: bool | None = None,
) -> Instruction:
    """The instruction if this actor may see it (inspectors: their own), else 404.

    A read (no `lock`, unless `for_write`) reaches the districts under the actor's; a write stays with
    the owning district (403 for a parent district's or the national level's reader).

    With `lock`, the sync counters of its inspector (and `also_lock`) are locked first, then the row:
    every writer locks in that order, so concurrent writers queue instead of deadlocking.
    """
    query = sa.select(Instruction).where(Instruction.id == instruction_id)
    if lock:
        current = db.session.execute(
            sa.select(Instruction.inspector_id).where(Instruction.id == instruction_id)
        ).scalar_one_or_none()
        lock_inspectors([current, *also_lock])
        query = query.with_for_update()
    instruction = db.session.execute(query).scalar_one_or_none()
    if instruction is None:
        raise DomainError("resource.not_found")
    if actor.role == Role.INSPECTOR:
        ensure_can_see(
            actor, inspector_id=instruction.inspector_id or -1, district_code=instruction.district_code
        )
    elif lock if for_write is None else for_write:
        ensure_can_see(actor, district_code=instruction.district_code)
    else:
        ensure_can_read(actor, district_code=instruction.district_code)
    return instruction


def lock_visible(*, actor: Actor, instruction_ids) -> dict[int, Instruction]:
    """The instructions among `instruction_ids` this actor may write, locked as get_visible(lock=True)
    locks one (their inspectors' counters first, then the rows, in id order), with their items and
    leases loaded: a few statements for a whole sync chunk. Those missing or not the actor's are left
    out (get_visible then gives the error)."""
    ids = sorted(set(instruction_ids))
    if not ids:
        return {}
    table = Instruction.__table__
    lock_inspectors(db.session.execute(sa.select(table.c.inspector_id).where(table.c.id.in_(ids))).scalars())
    rows = db.session.execute(
        sa.select(Instruction)
        .where(Instruction.id.in_(ids))
        .order_by(Instruction.id)
        .options(selectinload(Instruction.items), selectinload(Instruction.lease))  # hold() finds it
        .with_for_update(of=Instruction)
    ).scalars()
    visible = {}
    for instruction in rows:
        try:
            if actor.role == Role.INSPECTOR:
                ensure_can_see(
                    actor,
                    inspector_id=instruction.inspector_id or -1,
                    district_code=instruction.district_code,
                )
            else:
                ensure_can_see(actor, district_code=instruction.district_code)
        except DomainError:
            continue
        visible[instruction.id] = instruction
    return visible


def list_instructions(
    *,
    actor: Actor,
    status: str | None = None,
    inspector_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Instruction]:
    """Newest first; inspectors see their own, officers their district's."""
    query = visible_instructions(actor=actor, status=status, inspector_id=inspector_id)
    return keyset_page(query, id_column=Instruction.id, limit=limit, cursor=before_id)[0]


def visible_instructions(*, actor: Actor, status: str | None = None, inspector_id: int | None = None):
    """The instructions the actor may list (an inspector's own, an officer's district's), filtered."""
    query = sa.select(Instruction).options(*RESPONSE_CONTEXT)
    if actor.role == Role.INSPECTOR:
        query = query.where(Instruction.inspector_id == actor.user_id)
    query = query.where(district_clause(actor, Instruction.district_code))
    if status is not None:
        query = query.where(Instruction.status == status)
    if inspector_id is not None:
        query = query.where(Instruction.inspector_id == inspector_id)
    return query


def list_assignable_inspectors(*, actor: Actor) -> list[dict]:
    """The active inspectors of the caller's district with their count of open instructions, by name."""
    open_count = (
        sa.select(sa.func.count(Instruction.id))
        .where(Instruction.inspector_id == User.id, Instruction.status.in_([s.value for s in OPEN]))
        .correlate(User)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(User.id, User.display_name, open_count.label("open_count"))
        .where(
            User.role == Role.INSPECTOR.value,
            User.active.is_(True),
            User.district_code == actor.district_code,
        )
        .order_by(User.display_name, User.id)
    )
    return [row._asdict() for row in rows]


def assign_instruction(
    *, actor: Actor, instruction_id: int, inspector_id: int, expected_version: int | None = None
) -> Instruction:
    """A supervisor assigns or reassigns to an inspector of the district; a reassignment drops the lease."""
    get_visible(actor=actor, instruction_id=instruction_id, for_write=True)  # 404/403 before any other
    inspector = _inspector_of(actor, inspector_id)
    instruction = get_visible(
        actor=actor, instruction_id=instruction_id, lock=True, also_lock=(inspector.id,)
    )
    previous = instruction.inspector_id
    apply(
        instruction, Event.ASSIGN, actor=actor, inspector_id=inspector.id, expected_version=expected_version
    )
    if previous != inspector.id:
        lease = db.session.get(leases.InstructionLease, instruction.id)
        if lease is not None:
            db.session.delete(lease)
        for hook in _REASSIGN_HOOKS:
            hook(instruction)
    db.session.commit()
    return instruction


def accept(instruction: Instruction, *, actor: Actor) -> None:
    """The assigned inspector accepts (caller commits)."""
    _ensure_assignee(instruction, actor)
    apply(instruction, Event.ACCEPT, actor=actor)


def _ensure_assignee(instruction: Instruction, actor: Actor) -> None:
    if instruction.inspector_id != actor.user_id:
        raise DomainError("instruction.not_assigned_to_you")


def accept_instruction(
    *, actor: Actor, instruction_id: int, device_id: str | None = None, expected_version: int | None = None
) -> Instruction:
    """The assigned inspector accepts it online; with a device_id that device takes the lease."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    if expected_version is not None and expected_version != instruction.version:
        raise DomainError("instruction.version_conflict", detail={"current_version": instruction.version})
    if device_id is not None:
        leases.hold(instruction, device_id=device_id)
    accept(instruction, actor=actor)
    db.session.commit()
    return instruction


def cancel_instruction(
    *,
    actor: Actor,
    instruction_id: int,
    reason: str,
    then: str,
    expected_version: int | None = None,
) -> Instruction:
    """A supervisor cancels an instruction that is not completed, and moves its application on.

    `then` is the officer's choice: `accepted` sends the application back to document review,
    `released` issues its e-record without inspection. Either way the enterprise gets the receipt.
    """
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    apply(instruction, Event.CANCEL, actor=actor, reason=reason, expected_version=expected_version)
    lease = db.session.get(leases.InstructionLease, instruction.id)
    if lease is not None:
        db.session.delete(lease)
    declaration = _locked_declaration(instruction.declaration_id)
    if then == "released":
        issue_e_record(declaration=declaration, actor=actor, reason=reason)
    else:
        declaration_workflow.apply(
            declaration, declaration_workflow.Event.CANCEL_INSPECTION, actor=actor, reason=reason
        )
    db.session.commit()
    return instruction


def take_over_lease(*, actor: Actor, instruction_id: int, device_id: str, take_over: bool) -> dict:
    """The assigned inspector holds the lease on `device_id`; `take_over` confirms moving it from another."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    _ensure_assignee(instruction, actor)
    if Status(instruction.status) not in (Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS):
        raise DomainError("instruction.invalid_transition", status=instruction.status, event="lease")
    current = leases.active_lease(instruction.id)
    if current is not None and current.device_id != device_id and not take_over:
        raise DomainError("instruction.lease_held", detail={"lease": leases.lease_view(current)})
    result = leases.take_over(actor=actor, instruction=instruction, device_id=device_id)
    record_change(inspector_id=instruction.inspector_id, instruction_id=instruction.id)
    db.session.commit()
    return result


def release_lease(*, actor: Actor, instruction_id: int, device_id: str | None) -> None:
    """The device holding the lease gives it up."""
    instruction = get_visible(actor=actor, instruction_id=instruction_id, lock=True)
    _ensure_assignee(instruction, actor)
    if device_id is None:
        raise DomainError("request.invalid", errors={"device_id": ["Missing data for required field."]})
    leases.release(actor=actor, instruction=instruction, device_id=device_id)
    record_change(inspector_id=instruction.inspector_id, instruction_id=instruction.id)
    db.session.commit()
