"""Plain views of inspection records, for the REST API, the sync pull and conflict results."""

from __future__ import annotations

from backend.inspections.models import Inspection, InspectionItemResult


def item_result_view(row: InspectionItemResult | None, *, item_id: int | None = None) -> dict:
    if row is None:
        return {
            "item_id": item_id,
            "version": 0,
            "result": None,
            "notes": None,
            "measurements": None,
            "updated_by": None,
            "updated_at": None,
        }
    return {
        "item_id": row.instruction_item_id,
        "version": row.version,
        "result": row.result,
        "notes": row.notes,
        "measurements": row.measurements or {},
        "updated_by": row.updated_by,
        "updated_at": row.updated_at,
    }


def disposition_view(inspection: Inspection) -> dict | None:
    if inspection.disposition is None:
        return None
    return {"kind": inspection.disposition, **(inspection.disposition_fields or {})}


def inspection_view(inspection: Inspection | None) -> dict | None:
    if inspection is None:
        return None
    return {
        "conclusion": inspection.conclusion,
        "conclusion_version": inspection.conclusion_version,
        "disposition": disposition_view(inspection),
        "disposition_version": inspection.disposition_version,
        "signature_sha256": inspection.signature_sha256,
        "signature_version": inspection.signature_version,
        "completed_at": inspection.completed_at,
        "item_results": [item_result_view(row) for row in inspection.item_results],
        "samples": [
            {
                "sample_id": s.sample_uid,
                "sample_no": s.sample_no,
                "quantity": str(s.quantity),
                "unit": s.unit,
                "laboratory": s.laboratory,
                "tests": s.tests,
                "item_id": s.instruction_item_id,
            }
            for s in inspection.samples
        ],
        "photos": [
            {
                "photo_id": p.photo_id,
                "item_id": p.instruction_item_id,
                "sha256": p.sha256,
                "caption": p.caption,
            }
            for p in inspection.photos
            if p.photo_id is not None
        ],
        # Declared on site (sync op photo.declare), their bytes not yet on the server.
        "photos_pending": sum(1 for p in inspection.photos if p.photo_id is None),
    }
