"""The scheduled job (`flask --app backend scheduled`): auto-withdrawal of stale returned applications
and expiry of e-records. Safe to run often and concurrently: each row is handled in its own small
transaction and re-checked under a row lock (or by a conditional update), so nothing is applied twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from backend.core.models import utcnow
from backend.declarations.e_records import expire_due_e_records
from backend.declarations.models import Declaration
from backend.declarations.workflow import Event, Status, apply
from backend.extensions import db

log = logging.getLogger("chajian.scheduled")

# An application returned to the enterprise with no action for this long is withdrawn.
RETURNED_IDLE_DAYS = 30


def _stale_returned(cutoff: datetime):
    return (Declaration.status == Status.RETURNED.value, Declaration.last_action_at < cutoff)


def auto_withdraw_returned(*, now: datetime | None = None) -> int:
    """Withdraw returned applications idle for RETURNED_IDLE_DAYS (Event.AUTO_WITHDRAW); returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=RETURNED_IDLE_DAYS)
    ids = list(
        db.session.execute(
            sa.select(Declaration.id).where(*_stale_returned(cutoff)).order_by(Declaration.id)
        ).scalars()
    )
    db.session.rollback()
    withdrawn = 0
    for declaration_id in ids:
        try:
            declaration = db.session.execute(
                sa.select(Declaration)
                .where(Declaration.id == declaration_id, *_stale_returned(cutoff))
                .with_for_update()
                .execution_options(populate_existing=True)
            ).scalar_one_or_none()
            if declaration is None:  # the enterprise acted, or another run got there first
                db.session.rollback()
                continue
            apply(declaration, Event.AUTO_WITHDRAW, actor=None)
            db.session.commit()
            withdrawn += 1
        except Exception:  # one bad row must not stop the others
            db.session.rollback()
            log.exception("auto-withdrawal of declaration %s failed", declaration_id)
    return withdrawn


def run_scheduled(*, now: datetime | None = None) -> dict[str, int]:
    """Everything the scheduler runs; returns counts per task."""
    return {
        "auto_withdrawn": auto_withdraw_returned(now=now),
        "e_records_expired": expire_due_e_records(now=now),
    }
