"""custody records form a hash chain: seq, previous_sha256, record_sha256 (existing rows back-filled)

Revision ID: a3c7e91f5b20
Revises: b7d41e2a9c15
Create Date: 2026-12-06 03:30:00

The back-fill chains each inspection's existing rows in the order they were written (by id), with the
same canonical encoding as backend/inspections/custody.py `record_body` (chain "chajian.custody/1"),
written out here so the revision keeps meaning what it meant when later code changes.
"""

import hashlib
import json
from datetime import UTC
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "a3c7e91f5b20"
down_revision = "b7d41e2a9c15"
branch_labels = None
depends_on = None

_PLACES = {"latitude": Decimal("0.000001"), "longitude": Decimal("0.000001"), "accuracy_m": Decimal("0.1")}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def _canonical(value) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    ).encode()


def _time(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back text
        from datetime import datetime

        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _number(value, column):
    return None if value is None else str(Decimal(str(value)).quantize(_PLACES[column]))


def _content(value):
    return json.loads(value) if isinstance(value, str) else value


def upgrade():
    with op.batch_alter_table("evidence_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("previous_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("record_sha256", sa.String(length=64), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, inspection_id, kind, ref, content, actor_user_id, actor_username, device_id, op_id, "
            "device_time, server_time, latitude, longitude, accuracy_m FROM evidence_record "
            "ORDER BY inspection_id, id"
        )
    ).mappings()
    updates, inspection, seq, previous = [], None, 0, ""
    for row in rows:
        if row["inspection_id"] != inspection:
            inspection, seq, previous = row["inspection_id"], 0, ""
        seq += 1
        latitude = _number(row["latitude"], "latitude")
        body = {
            "chain": "chajian.custody/1",
            "inspection_id": row["inspection_id"],
            "kind": row["kind"],
            "ref": row["ref"],
            "content": _content(row["content"]),
            "actor_user_id": row["actor_user_id"],
            "actor_username": row["actor_username"],
            "device_id": row["device_id"],
            "op_id": row["op_id"],
            "device_time": _time(row["device_time"]),
            "server_time": _time(row["server_time"]),
            "location": None
            if latitude is None
            else {
                "lat": latitude,
                "lon": _number(row["longitude"], "longitude"),
                "accuracy_m": _number(row["accuracy_m"], "accuracy_m"),
            },
            "previous_sha256": previous,
        }
        digest = hashlib.sha256(_canonical(body)).hexdigest()
        updates.append({"id": row["id"], "seq": seq, "previous": previous, "digest": digest})
        previous = digest
    if updates:
        bind.execute(
            sa.text(
                "UPDATE evidence_record SET seq = :seq, previous_sha256 = :previous, record_sha256 = :digest "
                "WHERE id = :id"
            ),
            updates,
        )

    with op.batch_alter_table("evidence_record", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("previous_sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("record_sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_evidence_record_inspection_seq", ["inspection_id", "seq"])


def downgrade():
    with op.batch_alter_table("evidence_record", schema=None) as batch_op:
        batch_op.drop_constraint("uq_evidence_record_inspection_seq", type_="unique")
        batch_op.drop_column("record_sha256")
        batch_op.drop_column("previous_sha256")
        batch_op.drop_column("seq")
