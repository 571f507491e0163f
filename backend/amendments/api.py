"""改证 / 重发 / 撤证 API: the enterprise requests, the certificate officer confirms the original came back
and decides. Every operation needs a key login."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.amendments import service
from backend.amendments.schemas import (
    AmendmentApprovalSchema,
    AmendmentDecisionSchema,
    AmendmentRequestSchema,
    AmendmentSchema,
)
from backend.certificates.schemas import RequestListArgsSchema
from backend.core.auth import requires
from backend.core.enums import Assurance, Role

blp = Blueprint(
    "certificate_amendments",
    __name__,
    url_prefix="/api/v1",
    description="改证、重发、撤证 Amend, replace and withdraw certificates",
)

ENTERPRISE, OFFICER, KEY = Role.ENTERPRISE, Role.CERTIFICATE_OFFICER, Assurance.KEY
AMENDMENT = "/certificate-amendments/<int(max=2147483647):amendment_id>"


@blp.route("/certificates/<string(maxlength=20):certificate_no>/amendments")
class Amendments(MethodView):
    @requires(ENTERPRISE, assurance=KEY)
    @blp.arguments(AmendmentRequestSchema)
    @blp.response(201, AmendmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, certificate_no):
        """Ask to amend (full amended form), replace or withdraw a certificate, with reason and documents."""
        return service.request_amendment(actor=g.actor, certificate_no=certificate_no, **args)


@blp.route("/certificate-amendments")
class AmendmentList(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.arguments(RequestListArgsSchema, location="query")
    @blp.response(200, AmendmentSchema(many=True))
    def get(self, args):
        """Requests of the enterprise, or of the officer's district (e.g. status=requested), newest first."""
        return service.list_amendments(actor=g.actor, **args)


@blp.route(AMENDMENT)
class Amendment(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.response(200, AmendmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, amendment_id):
        """One request, with the content rules' outcome for an amendment."""
        return service.get_amendment(actor=g.actor, amendment_id=amendment_id)


@blp.route(AMENDMENT + "/original-received")
class OriginalReceived(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.response(200, AmendmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, amendment_id):
        """The officer confirms the paper original was returned."""
        return service.confirm_original_received(actor=g.actor, amendment_id=amendment_id)


@blp.route(AMENDMENT + "/approve")
class ApproveAmendment(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(AmendmentApprovalSchema)
    @blp.response(200, AmendmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, amendment_id):
        """Issue the new certificate superseding the old one, or withdraw it (with an optional note)."""
        return service.approve_amendment(actor=g.actor, amendment_id=amendment_id, **args)


@blp.route(AMENDMENT + "/reject")
class RejectAmendment(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(AmendmentDecisionSchema)
    @blp.response(200, AmendmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, amendment_id):
        """Refuse the request; the certificate stays as it is."""
        return service.reject_amendment(actor=g.actor, amendment_id=amendment_id, **args)
