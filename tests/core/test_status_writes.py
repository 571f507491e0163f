"""A status changes in exactly one place per aggregate: its workflow (transition) module.

The test walks every module of backend/ with `ast` and reports each place that writes the `status`
of an aggregate outside the modules listed in TRANSITION_MODULES. A write is any of:

1. an assignment to an attribute named `status` — `x.status = …`, `x.status += …`, `x.status: str = …`
   and tuple targets (`x.status, x.error = …`) — except `self.status` inside a class that is not an
   aggregate model (DomainError keeps its HTTP status that way);
2. `setattr(x, "status", …)`;
3. a `.values(…)` call (an SQL UPDATE or INSERT) given `status=…` or a dict literal with a "status" key;
4. constructing an aggregate model with a `status=…` keyword: `Declaration(status=…)`. A new row gets
   its initial status from its machine (`MACHINE.new(Model, …)`, which refuses a non-initial
   status) or from its workflow module.

Every aggregate declares its transition table once, as a module-level `StateMachine(...)` in its
workflow module (MACHINES below), and moves through the helper's apply(), new() and update(): so the
only module that writes a status itself is backend/core/statemachine.py.

An aggregate is a mapped model with a `status` column, except the records that keep a status as
history and never change it: receipts (the owner's status when the receipt was written) and the
sync operation log (the outcome of one pushed operation). What the walk cannot see — a status
written through a variable attribute name or a dict built elsewhere — the reviewer must.
"""

from __future__ import annotations

import ast
from pathlib import Path

import backend.models  # noqa: F401  (every model mapped)
from backend.extensions import db

BACKEND = Path(__file__).resolve().parents[2] / "backend"

# Modules allowed to write a status directly (paths relative to backend/): only the helper. Every
# aggregate's transition module declares its table and moves it through the helper's apply(), new()
# and update(), so it writes no status itself.
TRANSITION_MODULES = {"core/statemachine.py": "StateMachine.apply / new / update"}
# Each aggregate model -> the workflow (transition) module that declares its StateMachine.
MACHINES = {
    "Declaration": "declarations/workflow.py",
    "ERecord": "declarations/e_record_workflow.py",
    "Instruction": "instructions/workflow.py",
    "Appointment": "appointments/workflow.py",
    "Upload": "media/upload_workflow.py",
    "Certificate": "certificates/workflow.py",
    "SigningKey": "certificates/workflow.py",
    "CertificateApplication": "certificate_applications/workflow.py",
    "CertificateAmendment": "amendments/workflow.py",
    "BlankStock": "blank_stock/workflow.py",
    "BlankSheet": "blank_stock/workflow.py",
    "ReprintRequest": "blank_stock/workflow.py",
    "OutboxMessage": "interchange/workflow.py",
}
HISTORY_MODELS = {"Receipt", "ApplicationReceipt", "SyncOperation"}


def aggregate_models() -> set[str]:
    names = {m.class_.__name__ for m in db.Model.registry.mappers if "status" in m.columns}
    return names - HISTORY_MODELS


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _status_key(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Dict) and any(
        isinstance(k, ast.Constant) and k.value == "status" for k in node.keys
    )


class _StatusWrites(ast.NodeVisitor):
    def __init__(self, aggregates: set[str]):
        self.aggregates = aggregates
        self.classes: list[str] = []
        self.found: list[tuple[int, str]] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def _target(self, target: ast.expr, line: int) -> None:
        if isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._target(element, line)
        elif isinstance(target, ast.Attribute) and target.attr == "status":
            own = isinstance(target.value, ast.Name) and target.value.id == "self"
            if not (own and self.classes and self.classes[-1] not in self.aggregates):
                self.found.append((line, f"{ast.unparse(target)} = …"))

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, node.lineno)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, node.lineno)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target, node.lineno)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _called_name(node.func)
        keywords = {k.arg for k in node.keywords}
        if name == "setattr" and len(node.args) >= 2:
            key = node.args[1]
            if isinstance(key, ast.Constant) and key.value == "status":
                self.found.append((node.lineno, "setattr(…, 'status', …)"))
        elif name == "values" and ("status" in keywords or any(_status_key(a) for a in node.args)):
            self.found.append((node.lineno, ".values(status=…)"))
        elif name in self.aggregates and "status" in keywords:
            self.found.append((node.lineno, f"{name}(status=…)"))
        self.generic_visit(node)


def status_writes(source: str, aggregates: set[str]) -> list[tuple[int, str]]:
    """(line, what) of every status write in one module's source."""
    visitor = _StatusWrites(aggregates)
    visitor.visit(ast.parse(source))
    return visitor.found


def status_writes_under(root: Path) -> dict[str, list[tuple[int, str]]]:
    """{module path relative to root: its status writes} for every module that has some."""
    aggregates = aggregate_models()
    found = {}
    for path in sorted(root.rglob("*.py")):
        writes = status_writes(path.read_text(encoding="utf-8"), aggregates)
        if writes:
            found[path.relative_to(root).as_posix()] = writes
    return found


def test_no_module_outside_a_transition_module_writes_an_aggregates_status():
    found = status_writes_under(BACKEND)
    outside = {
        module: writes
        for module, writes in found.items()
        if module not in TRANSITION_MODULES
    }
    assert outside == {}, "status written outside a workflow/transition module:\n" + "\n".join(
        f"backend/{module}:{line}: {what}" for module, writes in outside.items() for line, what in writes
    )
    assert all((BACKEND / module).is_file() for module in TRANSITION_MODULES)


def _declares_a_machine(path: Path) -> bool:
    return any(
        isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and _called_name(node.value.func) == "StateMachine"
        for node in ast.parse(path.read_text(encoding="utf-8")).body
    )


def test_every_aggregate_has_its_table_on_the_one_helper():
    assert aggregate_models() == set(MACHINES)
    missing = [module for module in MACHINES.values() if not _declares_a_machine(BACKEND / module)]
    assert missing == []


def test_the_walk_sees_every_form_of_write():
    aggregates = aggregate_models()
    source = """
class DomainError(Exception):
    def __init__(self):
        self.status = 409

class Declaration:
    def reopen(self):
        self.status = "draft"

def move(declaration, upload, stock, sheet):
    declaration.status = "submitted"
    upload.status, upload.error = "expired", None
    stock.status += ""
    sheet.status: str = "printed"
    setattr(declaration, "status", "passed")
    db.session.execute(sa.update(ERecord).values(status="used"))
    db.session.execute(sa.update(ERecord).values({"status": "used"}))
    return Appointment(status="requested", note="x"), models.BlankStock(status="received")

def read(declaration, rows):
    ok = declaration.status == "draft"
    jsonify(status="ok")
    DomainError("x", status=declaration.status)
    Receipt(status=declaration.status)
    return [row for row in rows if row.status], sa.select(Declaration).where(Declaration.status == "x")
"""
    found = status_writes(source, aggregates)
    assert [line for line, _ in found] == [8, 11, 12, 13, 14, 15, 16, 17, 18, 18]
    assert {"Receipt", "SyncOperation"}.isdisjoint(aggregates) and {"Declaration", "Upload"} <= aggregates
