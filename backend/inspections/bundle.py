"""The evidence bundle of an inspection: a zip anyone can check without the server.

manifest.json       the inspection, every custody record (with seq, previous_sha256, record_sha256),
                    photos and files with SHA-256, and the chain's head
manifest.seal.json  the district's Ed25519 signature over the manifest's SHA-256
                    (the statement is evidence_check.manifest_statement; keys at /api/v1/certificates/keys)
custody.jsonl       one line per custody record, in chain order: exactly the bytes its record_sha256 hashes
signature.png, photos/…   the files the manifest lists
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import sqlalchemy as sa
from flask import current_app

from backend.certificates.keys import signing_key_for
from backend.certificates.sealing import ALGORITHM, b64url, sign_statement
from backend.extensions import db
from backend.inspections.custody import CHAIN, GENESIS, evidence_view, record_bytes, sha256_hex
from backend.inspections.evidence_check import (
    BUNDLE_FORMAT,
    CUSTODY_FILE,
    MANIFEST_FILE,
    SEAL_FILE,
    SEAL_FORMAT,
    manifest_statement,
)
from backend.inspections.models import EvidenceRecord, Inspection
from backend.inspections.views import inspection_view
from backend.media.models import Photo
from backend.media.storage import get_storage

_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic"}


def build_bundle(instruction, inspection: Inspection) -> bytes:
    """The sealed zip of `inspection`, within the caller's transaction (a district key may be created)."""
    records = list(
        db.session.execute(
            sa.select(EvidenceRecord)
            .where(EvidenceRecord.inspection_id == inspection.id)
            .order_by(EvidenceRecord.seq, EvidenceRecord.id)
        ).scalars()
    )
    files: dict[str, bytes] = {}
    if inspection.signature_png:
        files["signature.png"] = inspection.signature_png
    photos, pending = [], []
    for link in inspection.photos:
        if link.photo_id is None:  # declared on site, its bytes not (yet) on the server
            pending.append(_declared_photo_entry(link))
            continue
        photo = db.session.get(Photo, link.photo_id)
        name = f"photos/{photo.id}{_EXTENSIONS.get(photo.content_type, '')}"
        files[name] = get_storage().get(photo.original_key)
        photos.append(_photo_entry(link, photo, name))
    manifest = {
        "format": BUNDLE_FORMAT,
        "instruction_id": instruction.id,
        "declaration_id": instruction.declaration_id,
        "district_code": inspection.district_code,
        "inspection": json.loads(json.dumps(inspection_view(inspection), default=str)),
        "custody": {
            "chain": CHAIN,
            "file": CUSTODY_FILE,
            "count": len(records),
            "head_sha256": records[-1].record_sha256 if records else GENESIS,
        },
        "records": [evidence_view(record) for record in records],
        "photos": photos,
        "photos_pending": pending,
        "files": [
            {"name": name, "sha256": sha256_hex(data), "size": len(data)} for name, data in files.items()
        ],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST_FILE, manifest_bytes)
        archive.writestr(SEAL_FILE, json.dumps(_seal(inspection.district_code, manifest_bytes), indent=1))
        archive.writestr(CUSTODY_FILE, b"".join(record_bytes(record) + b"\n" for record in records))
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _seal(district_code: str, manifest_bytes: bytes) -> dict:
    key = signing_key_for(district_code)
    digest = b64url(hashlib.sha256(manifest_bytes).digest())
    statement = manifest_statement(key_id=key.key_id, manifest_sha256=digest)
    return {
        "format": SEAL_FORMAT,
        "alg": ALGORITHM,
        "key_id": key.key_id,
        "district_code": district_code,
        "manifest_sha256": digest,
        "sig": sign_statement(statement, key=key, secret_key=current_app.config["SECRET_KEY"]),
    }


def _photo_entry(link, photo: Photo, name: str) -> dict:
    return {
        "photo_id": photo.id,
        "item_id": link.instruction_item_id,
        "sha256": photo.sha256,
        "caption": link.caption,
        "file": name,
        "content_type": photo.content_type,
        "device_id": photo.device_id,
        "captured_at": photo.captured_at.isoformat() if photo.captured_at else None,
        "received_at": photo.received_at.isoformat(),
        "client_gps": photo.client_gps,
        "exif_captured_at": photo.exif_captured_at,
        "exif_gps": photo.exif_gps,
        "exif_make": photo.exif_make,
        "exif_model": photo.exif_model,
        # Chain of custody across the phone's re-encoding: the camera's own file and its EXIF.
        "original_sha256": photo.original_sha256 or link.original_sha256,
        "original_exif": photo.original_exif or link.original_exif,
        "client_photo_id": link.client_photo_id,
    }


def _declared_photo_entry(link) -> dict:
    return {
        "client_photo_id": link.client_photo_id,
        "item_id": link.instruction_item_id,
        "sha256": link.sha256,
        "original_sha256": link.original_sha256,
        "original_exif": link.original_exif,
        "captured_at": link.captured_at.isoformat() if link.captured_at else None,
        "client_gps": link.client_gps,
        "caption": link.caption,
        "declared_at": link.created_at.isoformat(),
    }
