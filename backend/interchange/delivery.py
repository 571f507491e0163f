"""Pushing outbox messages to the Single Window: one application at a time, in sequence order.

deliver_application() claims the application's head (its oldest message not yet delivered) with a
lease, commits, POSTs it, and records the answer; then the next one. The rules:
- 2xx: delivered. The receiver may see a message twice (a sender killed after the POST and before
  its commit sends it again when the lease lapses): it de-duplicates on the message id.
- 4xx (and 3xx): the receiver refuses this message for good: parked at once, its answer kept.
- 5xx, a timeout, a closed connection: retried after an exponential backoff; parked after
  INTERCHANGE_MAX_ATTEMPTS attempts.
- A parked or waiting head holds back the rest of its application: receipts never overtake each other.
No database transaction is open while the HTTP call runs (SQLite has one writer; PostgreSQL row locks
would pile up behind a slow receiver): the lease is the lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import requests
import sqlalchemy as sa
from flask import current_app

from backend.core.models import utcnow
from backend.extensions import db
from backend.interchange import documents, workflow
from backend.interchange.models import DELIVERED, PARKED, PENDING, OutboxMessage

log = logging.getLogger("chajian.interchange")

KEPT_ANSWER_CHARS = 2000
_http = requests.Session()  # one keep-alive pool per process


@dataclass(frozen=True)
class Outcome:
    delivered: int = 0  # messages delivered by this run
    retry_in: float | None = None  # seconds until the head's next attempt, when it failed for now


@dataclass(frozen=True)
class _Claim:
    id: int
    attempt: int  # the lease token: attempts after the claim
    message_id: str
    sequence: int
    body: bytes


def endpoint() -> str | None:
    """Where receipts are pushed (SINGLE_WINDOW_RECEIPTS_URL); None: push is off, the feed serves them."""
    return current_app.config.get("SINGLE_WINDOW_RECEIPTS_URL") or None


def backoff_seconds(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: base·2^(n−1), capped."""
    config = current_app.config
    return min(
        config["INTERCHANGE_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0),
        config["INTERCHANGE_RETRY_MAX_SECONDS"],
    )


def head_query(declaration_id: int) -> sa.Select:
    """The application's oldest message not yet delivered."""
    return (
        sa.select(OutboxMessage)
        .where(OutboxMessage.declaration_id == declaration_id, OutboxMessage.status != DELIVERED)
        .order_by(OutboxMessage.sequence)
        .limit(1)
    )


def _claim(declaration_id: int) -> _Claim | float | None:
    """Lease the application's head if it is due: the claim, seconds until it is due, or None."""
    now = utcnow()
    head = db.session.execute(head_query(declaration_id).with_for_update()).scalar_one_or_none()
    if head is None or head.status == PARKED:
        db.session.commit()  # what _record() left in this transaction (the predecessor delivered)
        return None
    waits = [moment for moment in (head.next_attempt_at, head.lease_until) if moment and moment > now]
    if waits:
        db.session.commit()
        return (max(waits) - now).total_seconds()
    rendered = documents.render(head)
    head.attempts += 1
    head.lease_until = now + timedelta(seconds=current_app.config["INTERCHANGE_LEASE_SECONDS"])
    claim = _Claim(head.id, head.attempts, head.message_id, head.sequence, rendered.xml)
    db.session.commit()
    return claim


def _post(url: str, claim: _Claim) -> tuple[int | None, str]:
    """(HTTP status, answer) or (None, what went wrong)."""
    timeout = current_app.config["INTERCHANGE_TIMEOUT_SECONDS"]
    try:
        response = _http.post(
            url,
            data=claim.body,
            headers={
                "Content-Type": "application/xml; charset=utf-8",
                "X-Message-Id": claim.message_id,
                "X-Sequence": str(claim.sequence),
            },
            timeout=(timeout, timeout),
            allow_redirects=False,
        )
    except requests.Timeout:
        return None, f"timeout after {timeout} s"
    except requests.RequestException as exc:  # refused, reset, closed without an answer
        return None, f"{type(exc).__name__}: {exc}"[:KEPT_ANSWER_CHARS]
    return response.status_code, response.text[:KEPT_ANSWER_CHARS]


def _record(claim: _Claim, status: int | None, answer: str) -> float | None:
    """Write the attempt's result unless the lease was lost meanwhile; seconds until a retry, or None.

    A delivery is committed with the next claim (one commit per message; the caller claims next)."""
    now = utcnow()
    message = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.id == claim.id).with_for_update()
    ).scalar_one()
    if message.status != PENDING or message.attempts != claim.attempt:
        db.session.rollback()  # another sender took over after our lease lapsed: its result counts
        return None
    message.lease_until = None
    message.last_response_status = status
    retry_in = None
    if status is not None and 200 <= status < 300:
        workflow.delivered(message)
        message.last_error = None
        message.last_response_body = answer
    elif status is not None and status < 500:
        workflow.parked(message)
        message.last_response_body = answer
        message.last_error = f"HTTP {status}"
    else:
        message.last_error = answer if status is None else f"HTTP {status}"
        message.last_response_body = None if status is None else answer
        if message.attempts >= current_app.config["INTERCHANGE_MAX_ATTEMPTS"]:
            workflow.parked(message)
        else:
            retry_in = backoff_seconds(message.attempts)
            message.next_attempt_at = now + timedelta(seconds=retry_in)
    if message.status != DELIVERED:
        db.session.commit()
    if message.status == PARKED:
        log.warning("receipt message %s parked: %s", claim.message_id, message.last_error)
    return retry_in


def deliver_application(*, declaration_id: int) -> Outcome:
    """Send the application's due messages in order, until one fails or none is left."""
    url = endpoint()
    delivered = 0
    if url is None:
        return Outcome()
    while True:
        claim = _claim(declaration_id)
        if claim is None:
            return Outcome(delivered)
        if isinstance(claim, float):
            return Outcome(delivered, retry_in=claim)
        status, answer = _post(url, claim)
        retry_in = _record(claim, status, answer)
        if status is None or not 200 <= status < 300:
            return Outcome(delivered, retry_in=retry_in)
        delivered += 1


def due_applications(*, limit: int = 1000) -> list[int]:
    """Applications whose head message is pending, due and not leased (what the sweep wakes)."""
    now = utcnow()
    earlier = sa.orm.aliased(OutboxMessage)
    blocked = sa.exists().where(
        earlier.declaration_id == OutboxMessage.declaration_id,
        earlier.sequence < OutboxMessage.sequence,
        earlier.status != DELIVERED,
    )
    query = (
        sa.select(OutboxMessage.declaration_id)
        .where(
            OutboxMessage.status == PENDING,
            sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            sa.or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now),
            ~blocked,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())
