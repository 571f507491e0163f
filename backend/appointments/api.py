"""预约查检 endpoints: the enterprise books and answers; customs confirms, proposes, declines; both cancel."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.appointments import service
from backend.appointments.catalog import SLOTS
from backend.appointments.schemas import (
    AppointmentSchema,
    BookArgsSchema,
    ConfirmArgsSchema,
    ListArgsSchema,
    ProposeArgsSchema,
    ReasonArgsSchema,
    SlotSchema,
    VersionArgsSchema,
)
from backend.core.auth import EVERYONE, requires
from backend.core.enums import Role

blp = Blueprint(
    "appointments", __name__, url_prefix="/api/v1/appointments", description="预约查检 Appointments"
)

ONE = "/<int(max=2147483647):appointment_id>"
CUSTOMS = (Role.REVIEWER, Role.SUPERVISOR, Role.INSPECTOR)
BOTH = (Role.ENTERPRISE, *CUSTOMS)


@blp.route("/slots")
class Slots(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, SlotSchema(many=True))
    def get(self):
        """The time slots an inspection can be booked in."""
        return [
            {"code": code, "name_zh": zh, "name_en": en, "start": start, "end": end}
            for code, (zh, en, start, end) in SLOTS.items()
        ]


@blp.route("")
class Appointments(MethodView):
    @requires(*BOTH)
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, AppointmentSchema(many=True))
    def get(self, args):
        """My enterprise's appointments, or my district's; newest first (before_id pages)."""
        return service.list_appointments(actor=g.actor, **args)

    @requires(Role.ENTERPRISE)
    @blp.arguments(BookArgsSchema)
    @blp.response(201, AppointmentSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args):
        """Book an inspection for an accepted application: date, slot, site and contact."""
        return service.book_appointment(actor=g.actor, **args)


@blp.route(ONE)
class AppointmentView(MethodView):
    @requires(*BOTH)
    @blp.response(200, AppointmentSchema)
    def get(self, appointment_id):
        """One appointment."""
        return service.get_appointment(actor=g.actor, appointment_id=appointment_id)


@blp.route(f"{ONE}/confirm")
class Confirm(MethodView):
    @requires(*CUSTOMS)
    @blp.arguments(ConfirmArgsSchema)
    @blp.response(200, AppointmentSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, appointment_id):
        """Confirm with the inspector who goes (at the requested time unless date/slot are given)."""
        return service.confirm(actor=g.actor, appointment_id=appointment_id, **args)


@blp.route(f"{ONE}/propose")
class Propose(MethodView):
    @requires(*CUSTOMS)
    @blp.arguments(ProposeArgsSchema)
    @blp.response(200, AppointmentSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, appointment_id):
        """Propose another date and slot; the enterprise accepts or declines."""
        return service.propose(actor=g.actor, appointment_id=appointment_id, **args)


@blp.route(f"{ONE}/accept-proposal")
class AcceptProposal(MethodView):
    @requires(Role.ENTERPRISE)
    @blp.arguments(VersionArgsSchema)
    @blp.response(200, AppointmentSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, appointment_id):
        """Accept customs' proposal: it becomes the confirmed booking."""
        return service.answer_proposal(actor=g.actor, appointment_id=appointment_id, accept=True, **args)


@blp.route(f"{ONE}/decline-proposal")
class DeclineProposal(MethodView):
    @requires(Role.ENTERPRISE)
    @blp.arguments(VersionArgsSchema)
    @blp.response(200, AppointmentSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, appointment_id):
        """Decline customs' proposal: the original request stands for customs to decide again."""
        return service.answer_proposal(actor=g.actor, appointment_id=appointment_id, accept=False, **args)


@blp.route(f"{ONE}/decline")
class Decline(MethodView):
    @requires(*CUSTOMS)
    @blp.arguments(ReasonArgsSchema)
    @blp.response(200, AppointmentSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, appointment_id):
        """Decline the request with a reason."""
        return service.decline(actor=g.actor, appointment_id=appointment_id, **args)


@blp.route(f"{ONE}/cancel")
class Cancel(MethodView):
    @requires(*BOTH)
    @blp.arguments(ReasonArgsSchema)
    @blp.response(200, AppointmentSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, appointment_id):
        """Cancel an open appointment (either side), with a reason."""
        return service.cancel(actor=g.actor, appointment_id=appointment_id, **args)
