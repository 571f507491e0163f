"""现场检验检疫与处置: start and complete on site, inspection records, officers' corrections, evidence
bundles, re-inspection.

Start and complete keep their instruction URLs (/api/v1/instructions/<id>/start|complete) and are
documented under the instructions tag, beside the instruction's other steps.
"""

import io

from flask import g, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.core.sqlite import writes_on_read
from backend.inspections import service
from backend.inspections.schemas import (
    InspectionOutSchema,
    ItemResultEditSchema,
    ItemResultOutSchema,
    ReinspectionOutSchema,
    ReinspectionSchema,
)
from backend.instructions.schemas import TransitionOutSchema, TransitionSchema

blp = Blueprint(
    "inspections",
    __name__,
    url_prefix="/api/v1",
    description="现场检验检疫与处置 On-site inspection",
)

ID = "<int(max=2147483647):instruction_id>"
READERS = (Role.INSPECTOR, Role.SUPERVISOR, Role.REVIEWER)


@blp.route(f"/instructions/{ID}/start", tags=["instructions"])
class Start(MethodView):
    @requires(Role.INSPECTOR)
    @blp.arguments(TransitionSchema)
    @blp.response(200, TransitionOutSchema)
    def post(self, args, instruction_id):
        """The assigned inspector starts on site; the declaration becomes `inspecting`."""
        return service.start_inspection(actor=g.actor, instruction_id=instruction_id, **args)


@blp.route(f"/instructions/{ID}/complete", tags=["instructions"])
class Complete(MethodView):
    @requires(Role.INSPECTOR)
    @blp.arguments(TransitionSchema)
    @blp.response(200, TransitionOutSchema)
    def post(self, args, instruction_id):
        """Complete: every item has a result, a conclusion, and for a fail a disposition."""
        return service.complete_inspection(actor=g.actor, instruction_id=instruction_id, **args)


@blp.route(f"/inspections/{ID}")
class InspectionDetail(MethodView):
    @requires(*READERS)
    @blp.response(200, InspectionOutSchema)
    def get(self, instruction_id):
        """The inspection record of an instruction: findings, samples, photos, conclusion, disposition."""
        return service.get_inspection(actor=g.actor, instruction_id=instruction_id)


@blp.route(f"/inspections/{ID}/items/<int(max=2147483647):item_id>")
class ItemResult(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(ItemResultEditSchema)
    @blp.response(200, ItemResultOutSchema)
    def put(self, args, instruction_id, item_id):
        """A supervisor corrects a finding based on the version seen (stale: 409 with both versions)."""
        return service.correct_item_result(
            actor=g.actor, instruction_id=instruction_id, item_id=item_id, **args
        )


@blp.route(f"/inspections/{ID}/evidence-bundle")
class EvidenceBundle(MethodView):
    @writes_on_read  # the download is audited
    @requires(*READERS)
    @blp.response(200, {"format": "binary", "type": "string"}, content_type="application/zip")
    def get(self, instruction_id):
        """A zip of manifest.json (every custody record and photo with SHA-256) and the original files."""
        data, name = service.evidence_bundle(actor=g.actor, instruction_id=instruction_id)
        return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)


@blp.route(f"/inspections/{ID}/reinspection")
class Reinspection(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(ReinspectionSchema)
    @blp.response(201, ReinspectionOutSchema)
    def post(self, args, instruction_id):
        """After treatment: the declaration goes back to inspection_notice with a new instruction."""
        return service.request_reinspection(actor=g.actor, instruction_id=instruction_id, **args)
