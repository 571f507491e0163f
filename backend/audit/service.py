"""record_event(): the single way to write the audit trail; query_events(): an administrator's view of it.

Every row carries the customs district it belongs to, and an administrator reads only their own
district's rows (as they manage only their own district's users and enterprises).
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import g, has_request_context, request

from backend.audit.models import AuditEvent
from backend.core.auth import Actor
from backend.core.exports import Table, count_rows, list_file
from backend.core.pagination import keyset_page
from backend.core.permissions import district_clause
from backend.extensions import db


def record_event(
    *,
    action: str,
    entity_type: str,
    entity_id: str | int,
    actor: Actor | None,
    before: dict | None = None,
    after: dict | None = None,
    district_code: str | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction (it commits or rolls back with the change).

    `district_code` is the district whose administrators see the row. By default it is the actor's
    (Actor.home_district_code: a customs user's or system client's own, an enterprise user's enterprise's);
    callers pass it where they know the entity's district better: an application an enterprise
    declared to another district, a step taken automatically with no actor, a login.
    """
    facts = _request_facts()
    event = AuditEvent(
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        actor_user_id=actor.user_id if actor else None,
        actor_username=actor.username if actor else "system",
        assurance=str(actor.assurance) if actor else None,
        before=before,
        after=after,
        **facts,
        district_code=district_code or (actor.home_district_code if actor else None),
    )
    db.session.add(event)
    return event


def _request_facts() -> dict:
    """The request's ids, client address and user agent (none outside a request: jobs, commands)."""
    if not has_request_context():
        return {"request_id": None, "client_request_id": None, "client_address": None, "user_agent": None}
    return {
        "request_id": g.get("request_id"),
        "client_request_id": g.get("client_request_id"),
        "client_address": (request.remote_addr or "")[:45] or None,
        "user_agent": (request.user_agent.string or "")[:300] or None,
    }


def query_events(
    *,
    actor: Actor,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor_username: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """The administrator's district's events, newest first; pass the last id seen as before_id.

    Rows without a district (written with no actor and no district, and rows older than the
    district column that the migration could not attribute) are shown to no district administrator:
    they stay in the table for whoever audits the database itself, never for one district's view.
    """
    if actor.district_code is None:
        return []
    query = _events_query(actor, entity_type, entity_id, action, actor_username, since, until)
    return keyset_page(query, id_column=AuditEvent.id, limit=limit, cursor=before_id)[0]


def _events_query(actor: Actor, entity_type, entity_id, action, actor_username, since, until):
    query = (
        db.select(AuditEvent)
        .where(district_clause(actor, AuditEvent.district_code))
    )
    filters = {
        AuditEvent.entity_type: entity_type,
        AuditEvent.entity_id: entity_id,
        AuditEvent.action: action,
        AuditEvent.actor_username: actor_username,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEvent.occurred_at < until)
    return query


MAX_EXPORT_ROWS = 20_000
EXPORT_COLUMNS = (
    ("id", "编号 Id"),
    ("occurred_at", "时间 Time (UTC)"),
    ("actor_username", "操作人 Who"),
    ("assurance", "登录方式 Login"),
    ("action", "操作 What"),
    ("entity_type", "对象类型 Object type"),
    ("entity_id", "对象 Object"),
    ("before", "修改前 Before"),
    ("after", "修改后 After"),
    ("client_address", "地址 Address"),
    ("request_id", "请求号 Request id"),
)


def _export_rows(actor: Actor, filters: dict) -> list[dict]:
    events = query_events(actor=actor, limit=MAX_EXPORT_ROWS, **filters) if actor.district_code else []
    rows = []
    for event in events:
        row = {key: getattr(event, key) for key, _ in EXPORT_COLUMNS}
        for key in ("before", "after"):
            row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True) if row[key] else ""
        rows.append(row)
    return rows


def export_count(
    *, actor: Actor, entity_type=None, entity_id=None, action=None, actor_username=None, since=None,
    until=None,
) -> int:
    """How many events the export with these filters holds (a large one is written by a job)."""
    if actor.district_code is None:
        return 0
    query = _events_query(actor, entity_type, entity_id, action, actor_username, since, until)
    return count_rows(query, MAX_EXPORT_ROWS)


def export_events(*, actor: Actor, file_format: str, **filters) -> bytes:
    """The events the same filters find (at most MAX_EXPORT_ROWS, newest first) as CSV or XLSX."""
    rows = _export_rows(actor, filters)
    table = Table(EXPORT_COLUMNS, rows, name="审计日志", wide=("before", "after"))
    return list_file(file_format, table, filters)
