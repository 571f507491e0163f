"""REST of the interchange: administrators watch and retry the outbox; system clients pull their receipts."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.core.export_routes import export_routes
from backend.core.sqlite import writes_on_read
from backend.interchange import service
from backend.interchange.schemas import (
    FeedArgsSchema,
    FeedPageSchema,
    OutboxDetailSchema,
    OutboxExportArgsSchema,
    OutboxListArgsSchema,
    OutboxPageSchema,
    OutboxRowSchema,
)

blp = Blueprint("interchange", __name__, url_prefix="/api/v1/interchange", description="互联互通 Interchange")

MESSAGE = "/outbox/<int(max=4611686018427387904):outbox_message_id>"


@blp.route("/outbox")
class Outbox(MethodView):
    @requires(Role.ADMINISTRATOR)
    @blp.arguments(OutboxListArgsSchema, location="query")
    @blp.response(200, OutboxPageSchema)
    def get(self, args):
        """回执报文 Receipt messages to the Single Window (pending, parked, delivered), newest first."""
        return service.list_outbox(actor=g.actor, **args)


export_routes(
    blp,
    "/outbox",
    title="Receipt messages",
    args_schema=OutboxExportArgsSchema,
    guard=requires(Role.ADMINISTRATOR),
    export=lambda **args: service.export_outbox(actor=g.actor, **args),
)


@blp.route(MESSAGE)
class OutboxMessageView(MethodView):
    @writes_on_read  # signing the twin creates the district's key the first time
    @requires(Role.ADMINISTRATOR)
    @blp.response(200, OutboxDetailSchema)
    def get(self, outbox_message_id):
        """One message, with its signed JSON twin."""
        return service.get_message(actor=g.actor, outbox_message_id=outbox_message_id)


@blp.route(f"{MESSAGE}/retry")
class OutboxRetry(MethodView):
    @requires(Role.ADMINISTRATOR, assurance=Assurance.KEY)
    @blp.response(200, OutboxRowSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, outbox_message_id):
        """Send a parked or waiting message again now (its attempts counted from zero)."""
        return service.retry_message(actor=g.actor, outbox_message_id=outbox_message_id)


@blp.route("/receipts")
class ReceiptsFeed(MethodView):
    @writes_on_read  # signing the twins creates the district's key the first time
    @requires(Role.SYSTEM_CLIENT, assurance=Assurance.KEY)
    @blp.arguments(FeedArgsSchema, location="query")
    @blp.response(200, FeedPageSchema)
    def get(self, args):
        """Receipts since a cursor: the caller's own applications' receipt messages, oldest first."""
        return service.receipts_feed(actor=g.actor, **args)
