"""单证审核 endpoints: the district queue, open, approve, return, reject and the rule hits.

Risk-rule administration lives in rules_api.py (its own blueprint, documented under this one's tag).
"""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Role
from backend.review import service
from backend.review.schemas import (
    ApproveResultSchema,
    DecisionArgsSchema,
    DeclarationStateSchema,
    QueueArgsSchema,
    QueuePageSchema,
    RejectArgsSchema,
    ReturnArgsSchema,
    RuleHitSchema,
)

blp = Blueprint(
    "review",
    __name__,
    url_prefix="/api/v1/review",
    description="单证审核与布控规则 Document review and risk rules",
)

DECLARATION = "/declarations/<int(max=2147483647):declaration_id>"


@blp.route("/queue")
class Queue(MethodView):
    @requires(Role.REVIEWER, Role.SUPERVISOR)
    @blp.arguments(QueueArgsSchema, location="query")
    @blp.response(200, QueuePageSchema)
    def get(self, args):
        """Accepted and under-review applications of my district, oldest first (pass next_cursor on)."""
        return service.review_queue(actor=g.actor, **args)


@blp.route(f"{DECLARATION}/open")
class Open(MethodView):
    @requires(Role.REVIEWER)
    @blp.arguments(DecisionArgsSchema)
    @blp.response(200, DeclarationStateSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, declaration_id):
        """Start the document review (accepted → under_review)."""
        return service.open_review(actor=g.actor, declaration_id=declaration_id, **args)


@blp.route(f"{DECLARATION}/approve")
class Approve(MethodView):
    @requires(Role.REVIEWER)
    @blp.arguments(DecisionArgsSchema)
    @blp.response(200, ApproveResultSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, declaration_id):
        """Approve: a selected risk rule issues an inspection instruction, else the e-record is issued."""
        return service.approve(actor=g.actor, declaration_id=declaration_id, **args)


@blp.route(f"{DECLARATION}/return")
class Return(MethodView):
    @requires(Role.REVIEWER)
    @blp.arguments(ReturnArgsSchema)
    @blp.response(200, DeclarationStateSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, declaration_id):
        """Return to the enterprise with field-level reasons (shown on its receipt)."""
        return service.return_declaration(actor=g.actor, declaration_id=declaration_id, **args)


@blp.route(f"{DECLARATION}/reject")
class Reject(MethodView):
    @requires(Role.REVIEWER)
    @blp.arguments(RejectArgsSchema)
    @blp.response(200, DeclarationStateSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, declaration_id):
        """Reject with a reason (不予受理)."""
        return service.reject(actor=g.actor, declaration_id=declaration_id, **args)


@blp.route(f"{DECLARATION}/rule-hits")
class RuleHits(MethodView):
    @requires(Role.REVIEWER, Role.SUPERVISOR)
    @blp.response(200, RuleHitSchema(many=True))
    def get(self, declaration_id):
        """The risk-rule hits recorded on the application: conditions matched, draw, rate, selected."""
        return service.rule_hits(actor=g.actor, declaration_id=declaration_id)


@blp.route(f"{DECLARATION}/rule-preview")
class RulePreview(MethodView):
    @requires(Role.REVIEWER, Role.SUPERVISOR)
    @blp.response(200, RuleHitSchema(many=True))
    def get(self, declaration_id):
        """The risk rules the application matches now (conditions, draw, selected), without deciding."""
        return service.rule_preview(actor=g.actor, declaration_id=declaration_id)

