"""指令管理: instructions over REST (devices offline use the sync API).

Starting and completing one opens and closes its inspection record: those views live in
backend/inspections/api.py, under the same URLs and the instructions tag.
"""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.instructions import service
from backend.instructions.schemas import (
    AssignSchema,
    CancelSchema,
    CandidateQuerySchema,
    CandidateSchema,
    InspectorChoiceSchema,
    InstructionCreateSchema,
    InstructionQuerySchema,
    InstructionSchema,
    LeaseOutSchema,
    LeaseQuerySchema,
    LeaseSchema,
    TransitionSchema,
)

blp = Blueprint(
    "instructions", __name__, url_prefix="/api/v1/instructions", description="指令管理 Instructions"
)

ID = "<int(max=2147483647):instruction_id>"
OFFICERS = (Role.SUPERVISOR, Role.REVIEWER)


@blp.route("")
class Instructions(MethodView):
    @requires(Role.INSPECTOR, Role.SUPERVISOR, Role.REVIEWER)
    @blp.arguments(InstructionQuerySchema, location="query")
    @blp.response(200, InstructionSchema(many=True))
    def get(self, args):
        """Instructions, newest first: an inspector's own, or the officer's district's."""
        return service.for_response(service.list_instructions(actor=g.actor, **args))

    @requires(*OFFICERS)
    @blp.arguments(InstructionCreateSchema)
    @blp.response(201, InstructionSchema)
    def post(self, args):
        """Issue an instruction by hand for an accepted application of the district (it gets 查检通知)."""
        return service.for_response(service.create_instruction(actor=g.actor, **args))


@blp.route("/candidates")
class Candidates(MethodView):
    @requires(*OFFICERS)
    @blp.arguments(CandidateQuerySchema, location="query")
    @blp.response(200, CandidateSchema(many=True))
    def get(self, args):
        """Applications of the district without an open instruction, with the items their goods call for."""
        return service.issuable_declarations(actor=g.actor, **args)


@blp.route("/inspectors")
class Inspectors(MethodView):
    @requires(*OFFICERS)
    @blp.response(200, InspectorChoiceSchema(many=True))
    def get(self):
        """The district's active inspectors with their open instructions, to choose an assignee."""
        return service.list_assignable_inspectors(actor=g.actor)


@blp.route(f"/{ID}")
class InstructionDetail(MethodView):
    @requires(Role.INSPECTOR, Role.SUPERVISOR, Role.REVIEWER)
    @blp.response(200, InstructionSchema)
    def get(self, instruction_id):
        """One instruction with its items."""
        return service.for_response(service.get_visible(actor=g.actor, instruction_id=instruction_id))


@blp.route(f"/{ID}/assign")
class Assign(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(AssignSchema)
    @blp.response(200, InstructionSchema)
    def post(self, args, instruction_id):
        """Assign or reassign to an inspector of the district."""
        return service.for_response(
            service.assign_instruction(actor=g.actor, instruction_id=instruction_id, **args)
        )


@blp.route(f"/{ID}/accept")
class Accept(MethodView):
    @requires(Role.INSPECTOR)
    @blp.arguments(TransitionSchema)
    @blp.response(200, InstructionSchema)
    def post(self, args, instruction_id):
        """The assigned inspector accepts the instruction."""
        return service.for_response(
            service.accept_instruction(actor=g.actor, instruction_id=instruction_id, **args)
        )


@blp.route(f"/{ID}/cancel")
class Cancel(MethodView):
    @requires(Role.SUPERVISOR)
    @blp.arguments(CancelSchema)
    @blp.response(200, InstructionSchema)
    def post(self, args, instruction_id):
        """Cancel an instruction that is not completed; `then` moves the application on (receipt sent)."""
        return service.for_response(
            service.cancel_instruction(actor=g.actor, instruction_id=instruction_id, **args)
        )


@blp.route(f"/{ID}/lease")
class Lease(MethodView):
    @requires(Role.INSPECTOR)
    @blp.arguments(LeaseSchema)
    @blp.response(200, LeaseOutSchema)
    def post(self, args, instruction_id):
        """Hold the device lease; `take_over: true` confirms moving it from another device."""
        return service.take_over_lease(actor=g.actor, instruction_id=instruction_id, **args)

    @requires(Role.INSPECTOR)
    @blp.arguments(LeaseQuerySchema, location="query")
    @blp.response(204)
    def delete(self, args, instruction_id):
        """The holding device gives the lease up."""
        service.release_lease(actor=g.actor, instruction_id=instruction_id, **args)
