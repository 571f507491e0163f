"""时限 endpoints: time limits per stage and district, and the working-day calendar."""

from flask import g
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import ANY_CUSTOMS, requires
from backend.core.enums import Assurance, Role
from backend.deadlines import service
from backend.deadlines.schemas import (
    CalendarArgsSchema,
    CalendarDayRemoveSchema,
    CalendarDaySchema,
    CalendarDaySetSchema,
    TimeLimitRemoveSchema,
    TimeLimitSchema,
    TimeLimitSetSchema,
)

blp = Blueprint("deadlines", __name__, url_prefix="/api/v1/deadlines", description="时限 Time limits")

# The national level's administrators keep the national defaults and the calendar: the one write they make.
ADMIN_WRITE = dict(assurance=Assurance.KEY, national_may_write=True)


@blp.route("/time-limits")
class TimeLimits(MethodView):
    @requires(*ANY_CUSTOMS)
    @blp.response(200, TimeLimitSchema(many=True))
    def get(self):
        """时限 The national default of every stage and the limits of the districts you may read."""
        return service.list_time_limits(actor=g.actor)

    @requires(Role.ADMINISTRATOR, **ADMIN_WRITE)
    @blp.arguments(TimeLimitSetSchema)
    @blp.response(200, TimeLimitSchema)
    def put(self, args):
        """Set a stage's limit for your district (national level: the national default); audited."""
        return service.set_time_limit(actor=g.actor, **args)

    @requires(Role.ADMINISTRATOR, **ADMIN_WRITE)
    @blp.arguments(TimeLimitRemoveSchema, location="query")
    @blp.response(204)
    def delete(self, args):
        """Drop your district's own limit for a stage: the parent's or the national default applies again."""
        service.remove_time_limit(actor=g.actor, **args)


@blp.route("/calendar")
class Calendar(MethodView):
    @requires(*ANY_CUSTOMS)
    @blp.arguments(CalendarArgsSchema, location="query")
    @blp.response(200, CalendarDaySchema(many=True))
    def get(self, args):
        """节假日 The public holidays and make-up working days (调休) of a year."""
        return service.list_calendar(**args)

    @requires(Role.ADMINISTRATOR, **ADMIN_WRITE)
    @blp.arguments(CalendarDaySetSchema)
    @blp.response(200, CalendarDaySchema)
    def put(self, args):
        """Mark a day as a holiday or a make-up working day (national level administrators); audited."""
        return service.set_calendar_day(actor=g.actor, **args)

    @requires(Role.ADMINISTRATOR, **ADMIN_WRITE)
    @blp.arguments(CalendarDayRemoveSchema, location="query")
    @blp.response(204)
    def delete(self, args):
        """The day follows the Monday–Friday rule again (national level administrators); audited."""
        service.remove_calendar_day(actor=g.actor, **args)
