"""现场检验检疫与处置: inspection records, officers' corrections, evidence bundles, re-inspection."""

import io

from flask import g, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.inspections import service
from backend.inspections.schemas import (
    InspectionOutSchema,
    ItemResultEditSchema,
    ItemResultOutSchema,
    ReinspectionOutSchema,
    ReinspectionSchema,
)

blp = Blueprint(
    "inspections",
    __name__,
    url_prefix="/api/v1/inspections",
    description="现场检验检疫与处置 On-site inspection",
)

ID = "<int(max=2147483647):instruction_id>"
READERS = (Role.INSPECTOR, Role.SUPERVISOR, Role.REVIEWER)


@blp.route(f"/{ID}")
class InspectionDetail(MethodView):
    @requires(*READERS)
    @blp.response(200, InspectionOutSchema)
    def get(self, instruction_id):
        """The inspection record of an instruction: findings, samples, photos, conclusion, disposition."""
        return service.get_inspection(actor=g.actor, instruction_id=instruction_id)


@blp.route(f"/{ID}/items/<int(max=2147483647):item_id>")
class ItemResult(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(ItemResultEditSchema)
    @blp.response(200, ItemResultOutSchema)
    def put(self, args, instruction_id, item_id):
        """A supervisor corrects a finding based on the version seen (stale: 409 with both versions)."""
        return service.correct_item_result(
            actor=g.actor, instruction_id=instruction_id, item_id=item_id, **args
        )


@blp.route(f"/{ID}/evidence-bundle")
class EvidenceBundle(MethodView):
    @requires(*READERS)
    @blp.response(200, {"format": "binary", "type": "string"}, content_type="application/zip")
    def get(self, instruction_id):
        """A zip of manifest.json (every custody record and photo with SHA-256) and the original files."""
        data, name = service.evidence_bundle(actor=g.actor, instruction_id=instruction_id)
        return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)


@blp.route(f"/{ID}/reinspection")
class Reinspection(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(ReinspectionSchema)
    @blp.response(201, ReinspectionOutSchema)
    def post(self, args, instruction_id):
        """After treatment: the declaration goes back to inspection_notice with a new instruction."""
        return service.request_reinspection(actor=g.actor, instruction_id=instruction_id, **args)
