"""布控规则 administration (administrators of the district): its own blueprint, under the review tag."""

from flask import g
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.review import rule_admin, rule_preview
from backend.review.schemas import (
    DeactivateArgsSchema,
    RiskRuleArgsSchema,
    RiskRuleListArgsSchema,
    RiskRulePreviewArgsSchema,
    RiskRuleSchema,
    RiskRuleUpdateSchema,
    RulePreviewSchema,
)

blp = Blueprint(
    "review_rules",
    __name__,
    url_prefix="/api/v1/review",
    description="布控规则 Risk rules",
    doc_tag="review",
)

RULE = "/risk-rules/<int(max=2147483647):rule_id>"


@blp.route("/risk-rules")
class RiskRules(MethodView):
    @requires(Role.ADMINISTRATOR)
    @blp.arguments(RiskRuleListArgsSchema, location="query")
    @blp.response(200, RiskRuleSchema(many=True))
    def get(self, args):
        """My district's risk rules, by priority."""
        return rule_admin.list_rules(actor=g.actor, **args)

    @requires(Role.ADMINISTRATOR, assurance=Assurance.KEY)
    @blp.arguments(RiskRuleArgsSchema)
    @blp.response(201, RiskRuleSchema)
    def post(self, args):
        """Create a risk rule: conditions, required inspection items, sampling rate, priority, validity."""
        return rule_admin.create_rule(actor=g.actor, **args)


@blp.route("/risk-rules/preview")
class RiskRulePreview(MethodView):
    @requires(Role.ADMINISTRATOR)
    @blp.arguments(RiskRulePreviewArgsSchema)
    @blp.response(200, RulePreviewSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, args):
        """Try a drafted rule over the district's last N accepted applications: which it would hit, why."""
        return rule_preview.preview_rule(actor=g.actor, **args)


@blp.route(RULE)
class RiskRuleView(MethodView):
    @requires(Role.ADMINISTRATOR)
    @blp.response(200, RiskRuleSchema)
    def get(self, rule_id):
        """One risk rule."""
        return rule_admin.get_rule(actor=g.actor, rule_id=rule_id)

    @requires(Role.ADMINISTRATOR, assurance=Assurance.KEY)
    @blp.arguments(RiskRuleUpdateSchema)
    @blp.response(200, RiskRuleSchema)
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, args, rule_id):
        """Change a risk rule (give expected_version); earlier hits keep the version they used."""
        return rule_admin.update_rule(actor=g.actor, rule_id=rule_id, **args)


@blp.route(f"{RULE}/deactivate")
class Deactivate(MethodView):
    @requires(Role.ADMINISTRATOR, assurance=Assurance.KEY)
    @blp.arguments(DeactivateArgsSchema)
    @blp.response(200, RiskRuleSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, rule_id):
        """Switch a risk rule off."""
        return rule_admin.deactivate_rule(actor=g.actor, rule_id=rule_id, **args)
