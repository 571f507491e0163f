"""Chain of custody: who recorded what, when (device and server clocks), where, on which device, its hash.

An inspection's records form a hash chain. Each record's *body* — its content, provenance and the
previous record's hash — is encoded as canonical JSON (`record_bytes`) and hashed into record_sha256;
the next record names that hash as its previous_sha256 (the first names ""). Editing, removing or
reordering a record breaks the chain at that record. The evidence bundle carries the bodies
(custody.jsonl, one per line, exactly the hashed bytes) and a manifest sealed with the district's key;
backend/inspections/evidence_check.py checks both without a database.

The chain shows what changed since a bundle was made, and a bundle shows which record a later edit of
the database touched; someone able to rewrite every following row and re-export would need the
district's signing key to make an older bundle agree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa

from backend.core.auth import Actor
from backend.core.models import utcnow
from backend.extensions import db
from backend.inspections import grouping
from backend.inspections.models import GENESIS, EvidenceRecord, Inspection


@dataclass(frozen=True)
class Provenance:
    """Where a write comes from: the actor, and for a device's operation its id, clock and GPS fix."""

    actor: Actor
    device_id: str | None = None
    op_id: str | None = None
    recorded_at: datetime | None = None
    location: dict | None = None


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


# One encoder for every call (json.dumps with these options makes a new one each time).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def canonical_json(value) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8, decimals and times as strings."""
    return _CANONICAL.encode(value).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plain_content(value) -> dict:
    """Content as it will be stored in JSON and hashed (round-tripped through canonical JSON)."""
    return json.loads(canonical_json(value))


CHAIN = "chajian.custody/1"
_PLACES = {"latitude": Decimal("0.000001"), "longitude": Decimal("0.000001"), "accuracy_m": Decimal("0.1")}


def _utc(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def record_body(record: EvidenceRecord | SimpleNamespace) -> dict:
    """What a record's hash covers: content, provenance and the link to the record before it."""
    return {
        "chain": CHAIN,
        "inspection_id": record.inspection_id,
        "kind": record.kind,
        "ref": record.ref,
        "content": record.content,
        "actor_user_id": record.actor_user_id,
        "actor_username": record.actor_username,
        "device_id": record.device_id,
        "op_id": record.op_id,
        "device_time": _utc(record.device_time),
        "server_time": _utc(record.server_time),
        "location": _location(record),
        "previous_sha256": record.previous_sha256,
    }


def record_bytes(record: EvidenceRecord | SimpleNamespace) -> bytes:
    """The exact bytes hashed into record_sha256 (one line of the bundle's custody.jsonl)."""
    return canonical_json(record_body(record))


def _chain_head(inspection: Inspection) -> tuple[int, str]:
    """(seq, record_sha256) of the inspection's last record, (0, GENESIS) before the first.

    The inspection row is locked first, so two writers append one after the other instead of forking
    the chain (the unique (inspection_id, seq) constraint is the backstop). In a write group the head is
    read once and then carried forward by record_evidence()."""
    group = grouping.current()
    if group is not None and inspection.id in group.heads:
        return group.heads[inspection.id]
    db.session.execute(sa.select(Inspection.id).where(Inspection.id == inspection.id).with_for_update())
    head = db.session.execute(
        sa.select(EvidenceRecord.seq, EvidenceRecord.record_sha256)
        .where(EvidenceRecord.inspection_id == inspection.id)
        .order_by(EvidenceRecord.seq.desc())
        .limit(1)
    ).first()
    found = (head.seq, head.record_sha256) if head else (0, GENESIS)
    if group is not None:
        group.heads[inspection.id] = found
    return found


def record_evidence(
    inspection: Inspection, *, kind: str, ref: str | int, content: dict, prov: Provenance
) -> None:
    """Append a custody row, chained to the inspection's last one, in the caller's transaction."""
    encoded = canonical_json(content)
    content = json.loads(encoded)  # as it will be stored (plain_content), hashed from the same bytes
    location = prov.location or {}
    seq, previous = _chain_head(inspection)
    values = {
        "inspection_id": inspection.id,
        "seq": seq + 1,
        "previous_sha256": previous,
        "kind": kind,
        "ref": str(ref),
        "content": content,
        "content_sha256": sha256_hex(encoded),
        "actor_user_id": prov.actor.user_id,
        "actor_username": prov.actor.username,
        "device_id": prov.device_id,
        "op_id": prov.op_id,
        "device_time": prov.recorded_at,
        "server_time": utcnow(),
        "latitude": _decimal(location.get("lat"), "latitude"),
        "longitude": _decimal(location.get("lon"), "longitude"),
        "accuracy_m": _decimal(location.get("accuracy_m"), "accuracy_m"),
    }
    values["record_sha256"] = sha256_hex(record_bytes(SimpleNamespace(**values)))
    group = grouping.current()
    if group is not None:  # inserted with the group's; the next record chains to the head kept in memory
        group.add(EvidenceRecord, values)
        group.heads[inspection.id] = (values["seq"], values["record_sha256"])
    else:
        db.session.add(EvidenceRecord(**values))
        db.session.flush()  # the next record of this transaction chains to this one


def _decimal(value, column: str) -> Decimal | None:
    # Rounded to the column's scale now, so the hash covers the value the database gives back.
    return None if value is None else Decimal(str(value)).quantize(_PLACES[column])


def evidence_view(record: EvidenceRecord) -> dict:
    return {
        "id": record.id,
        "kind": record.kind,
        "ref": record.ref,
        "content": record.content,
        "sha256": record.content_sha256,
        "seq": record.seq,
        "previous_sha256": record.previous_sha256,
        "record_sha256": record.record_sha256,
        "recorded_by": record.actor_username,
        "user_id": record.actor_user_id,
        "device_id": record.device_id,
        "op_id": record.op_id,
        "device_time": record.device_time.isoformat() if record.device_time else None,
        "server_time": record.server_time.isoformat(),
        "location": _location(record),
    }


def _location(record: EvidenceRecord) -> dict | None:
    if record.latitude is None:
        return None
    return {
        "lat": str(record.latitude),
        "lon": str(record.longitude),
        "accuracy_m": None if record.accuracy_m is None else str(record.accuracy_m),
    }
