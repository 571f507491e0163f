"""The scheduled job: auto-withdrawal after 30 idle days and e-record expiry, idempotent and race-free."""

import threading
from datetime import timedelta

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.declarations.models import Declaration, Receipt
from backend.extensions import db
from backend.review.scheduled import auto_withdraw_returned, run_scheduled


def _returned(factories, ent, idle_days):
    declaration = factories.declaration(ent, status="returned")
    declaration.last_action_at = utcnow() - timedelta(days=idle_days)
    db.session.commit()
    return declaration


def test_returned_applications_idle_30_days_are_withdrawn_with_a_receipt(factories):
    ent = factories.enterprise()
    stale = _returned(factories, ent, 31)
    recent = _returned(factories, ent, 29)
    accepted = factories.declaration(ent, status="accepted")
    accepted.last_action_at = utcnow() - timedelta(days=90)
    db.session.commit()
    assert auto_withdraw_returned() == 1
    assert auto_withdraw_returned() == 0
    db.session.expire_all()
    assert (stale.status, recent.status, accepted.status) == ("withdrawn", "returned", "accepted")
    receipt = stale.receipts[-1]
    assert receipt.code == "AUTO_WITHDRAWN" and receipt.actor_label == "系统 system"
    # Thirty days later the recent one goes too.
    assert auto_withdraw_returned(now=utcnow() + timedelta(days=2)) == 1


def test_run_scheduled_does_both_and_the_cli_command_reports(app, factories):
    ent = factories.enterprise()
    _returned(factories, ent, 40)
    record = factories.e_record(ent)
    record.valid_until = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert run_scheduled() == {"auto_withdrawn": 1, "e_records_expired": 1}
    assert run_scheduled() == {"auto_withdrawn": 0, "e_records_expired": 0}
    result = app.test_cli_runner().invoke(args=["scheduled"])
    assert result.exit_code == 0 and "auto_withdrawn: 0" in result.output
    db.session.expire_all()
    assert record.status == "expired"


def test_two_concurrent_runs_never_double_apply(app, factories):
    ent = factories.enterprise()
    ids = [_returned(factories, ent, 31 + n).id for n in range(6)]
    records = [factories.e_record(ent) for _ in range(3)]
    for record in records:
        record.valid_until = utcnow() - timedelta(days=1)
    db.session.commit()
    db.session.rollback()
    barrier, totals = threading.Barrier(2), []

    def run():
        with app.app_context():
            barrier.wait()
            totals.append(run_scheduled())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(t["auto_withdrawn"] for t in totals) == 6
    assert sum(t["e_records_expired"] for t in totals) == 3
    for declaration_id in ids:
        codes = (
            db.session.execute(db.select(Receipt.code).where(Receipt.declaration_id == declaration_id))
            .scalars()
            .all()
        )
        assert codes == ["AUTO_WITHDRAWN"]
        assert db.session.get(Declaration, declaration_id).version == 2
    withdrawals = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "declaration.auto_withdraw")
    ).all()
    assert len(withdrawals) == 6
