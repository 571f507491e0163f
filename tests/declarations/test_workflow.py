"""The declaration transition table: allowed moves write a receipt and an audit row; others are 409."""

import pytest

from backend.audit.models import AuditEvent
from backend.declarations.workflow import TRANSITIONS, Event, Status, apply
from backend.errors import DomainError
from backend.extensions import db


def test_allowed_transition_writes_receipt_audit_and_bumps_version(factories):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="accepted")
    receipt = apply(declaration, Event.RETURN, actor=None, reason="发票金额与合同不符")
    db.session.commit()
    assert declaration.status == "returned" and declaration.version == 2
    assert receipt.code == "RETURNED" and "发票金额与合同不符" in receipt.text_zh
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert (event.action, event.before, event.after["status"]) == (
        "declaration.return", {"status": "accepted"}, "returned"
    )


@pytest.mark.parametrize("status", list(Status))
def test_every_forbidden_transition_is_a_409_with_a_stable_code(factories, status):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status=status.value)
    for event in Event:
        if (status, event) in TRANSITIONS:
            continue
        with pytest.raises(DomainError) as caught:
            apply(declaration, event, actor=None)
        assert caught.value.error == "declaration.invalid_transition"
        assert caught.value.status == 409
    assert declaration.status == status.value
