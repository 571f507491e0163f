"""Chain of custody: who recorded what, when (device and server clocks), where, on which device, its hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from backend.core.auth import Actor
from backend.extensions import db
from backend.inspections.models import EvidenceRecord, Inspection


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


def canonical_json(value) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8, decimals and times as strings."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    ).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plain_content(value) -> dict:
    """Content as it will be stored in JSON and hashed (round-tripped through canonical JSON)."""
    return json.loads(canonical_json(value))


def record_evidence(
    inspection: Inspection, *, kind: str, ref: str | int, content: dict, prov: Provenance
) -> None:
    """Append a custody row in the caller's transaction."""
    content = plain_content(content)
    location = prov.location or {}
    db.session.add(
        EvidenceRecord(
            inspection_id=inspection.id,
            kind=kind,
            ref=str(ref),
            content=content,
            content_sha256=sha256_hex(canonical_json(content)),
            actor_user_id=prov.actor.user_id,
            actor_username=prov.actor.username,
            device_id=prov.device_id,
            op_id=prov.op_id,
            device_time=prov.recorded_at,
            latitude=_decimal(location.get("lat")),
            longitude=_decimal(location.get("lon")),
            accuracy_m=_decimal(location.get("accuracy_m")),
        )
    )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def evidence_view(record: EvidenceRecord) -> dict:
    return {
        "id": record.id,
        "kind": record.kind,
        "ref": record.ref,
        "content": record.content,
        "sha256": record.content_sha256,
        "recorded_by": record.actor_username,
        "user_id": record.actor_user_id,
        "device_id": record.device_id,
        "op_id": record.op_id,
        "device_time": record.device_time.isoformat() if record.device_time else None,
        "server_time": record.server_time.isoformat(),
        "location": None
        if record.latitude is None
        else {
            "lat": str(record.latitude),
            "lon": str(record.longitude),
            "accuracy_m": None if record.accuracy_m is None else str(record.accuracy_m),
        },
    }
