"""Use cases of the interchange: the administrators' outbox list and retry, the system clients' feed."""

from __future__ import annotations

import sqlalchemy as sa

from backend.audit.service import record_event
from backend.core import permissions
from backend.core.auth import Actor
from backend.core.exports import Table, list_file
from backend.core.jobs import enqueue
from backend.core.pagination import keyset_page
from backend.declarations.models import Declaration, Receipt
from backend.extensions import db
from backend.interchange import documents, feed, workflow
from backend.interchange.models import OutboxMessage

EXPORT_LIMIT = 20_000
COLUMNS = [
    ("id", "序号 No."),
    ("message_id", "报文编号 Message id"),
    ("inspection_no", "检验检疫编号 Inspection no."),
    ("sequence", "顺序号 Sequence"),
    ("receipt_code", "回执代码 Receipt code"),
    ("district_code", "关区 District"),
    ("status", "状态 Status"),
    ("attempts", "尝试次数 Attempts"),
    ("next_attempt_at", "下次尝试 Next attempt"),
    ("last_error", "最近错误 Last error"),
    ("last_response_status", "对方状态码 Answer status"),
    ("last_response_body", "对方应答 Answer"),
    ("created_at", "生成时间 Created"),
    ("delivered_at", "送达时间 Delivered"),
    ("parked_at", "搁置时间 Parked"),
]


def _rows_query(actor: Actor, *, status: str | None) -> sa.Select:
    query = (
        sa.select(OutboxMessage, Declaration.inspection_no, Receipt.code)
        .join(Declaration, Declaration.id == OutboxMessage.declaration_id)
        .join(Receipt, Receipt.id == OutboxMessage.receipt_id)
        .where(permissions.district_clause(actor, OutboxMessage.district_code))
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    return query


def _row(message: OutboxMessage, inspection_no: str | None, receipt_code: str) -> dict:
    return {
        **{key: getattr(message, key, None) for key, _ in COLUMNS},
        "declaration_id": message.declaration_id,
        "inspection_no": inspection_no,
        "receipt_code": receipt_code,
    }


def list_outbox(
    *, actor: Actor, status: str | None = None, limit: int = 50, before_id: int | None = None
) -> dict:
    """The outbox of the districts the administrator reads, newest first."""
    rows, next_before = keyset_page(
        _rows_query(actor, status=status), id_column=OutboxMessage.id, limit=limit, cursor=before_id
    )
    return {"items": [_row(*row) for row in rows], "next_before_id": next_before}


def export_outbox(*, actor: Actor, file_format: str, status: str | None = None, **_) -> bytes:
    """The same list as CSV or XLSX (at most EXPORT_LIMIT rows)."""
    query = _rows_query(actor, status=status).order_by(OutboxMessage.id.desc()).limit(EXPORT_LIMIT)
    rows = [_row(*row) for row in db.session.execute(query)]
    filters = {"status": status or "all"}
    table = Table(COLUMNS, rows, name="回执报文 Receipt messages", wide=("last_response_body",))
    return list_file(file_format, table, filters)


def get_message(*, actor: Actor, outbox_message_id: int) -> dict:
    """One message with its signed JSON twin."""
    message = db.session.get(OutboxMessage, outbox_message_id)
    permissions.ensure_can_read(actor, message, district_code=getattr(message, "district_code", None))
    row = db.session.execute(
        _rows_query(actor, status=None).where(OutboxMessage.id == outbox_message_id)
    ).one()
    result = {**_row(*row), "document": documents.render(message).twin}
    db.session.commit()  # the district's signing key, when this was its first use
    return result


def retry_message(*, actor: Actor, outbox_message_id: int) -> dict:
    """Send a parked (or waiting) message again now, its attempts counted from zero."""
    message = db.session.get(OutboxMessage, outbox_message_id, with_for_update=True)
    permissions.ensure_can_see(actor, message, district_code=getattr(message, "district_code", None))
    workflow.retried(message)
    declaration_id = message.declaration_id
    record_event(
        action="interchange.retry",
        entity_type="outbox_message",
        entity_id=message.message_id,
        actor=actor,
        after={"declaration_id": declaration_id, "sequence": message.sequence},
        district_code=message.district_code,
    )
    db.session.commit()
    from backend.interchange.tasks import deliver

    enqueue(deliver, declaration_id)
    row = db.session.execute(
        _rows_query(actor, status=None).where(OutboxMessage.id == outbox_message_id)
    ).one()
    return _row(*row)


def receipts_feed(*, actor: Actor, cursor: int | None = None, limit: int = 100) -> dict:
    """The caller's receipt messages after `cursor` (oldest first), signed; resume from `cursor`.

    Ordered by feed position, given after commit (feed.py): a message committing late comes after
    the cursor already handed out, never behind it."""
    feed.publish(actor.user_id)
    mine = OutboxMessage.recipient_id == actor.user_id
    query = sa.select(OutboxMessage).where(mine, OutboxMessage.feed_position.is_not(None))
    messages, _ = keyset_page(
        query, id_column=OutboxMessage.feed_position, limit=limit, cursor=cursor, descending=False
    )
    items = [documents.render(message).twin for message in messages]
    db.session.commit()  # the district's signing key, when this was its first use
    last = messages[-1].feed_position if messages else cursor
    after = OutboxMessage.feed_position > last if last is not None else sa.true()
    more = (
        bool(messages)
        and db.session.execute(
            sa.select(sa.exists().where(mine, sa.or_(after, OutboxMessage.feed_position.is_(None))))
        ).scalar()
    )
    return {"items": items, "cursor": last, "has_more": more}
