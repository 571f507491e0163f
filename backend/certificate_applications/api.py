"""Certificate applications API (证书申请): drafts, submit (intelligent review), officer decisions,
copy, supporting documents and agent authorisations. Every operation needs a key login."""

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.certificate_applications import service, supporting
from backend.certificate_applications.schemas import (
    AgentAuthorisationArgsSchema,
    AgentAuthorisationSchema,
    ApplicationSchema,
    AttachmentArgsSchema,
    AttachmentSchema,
    CreateApplicationSchema,
    DecisionSchema,
    QueueArgsSchema,
    UpdateApplicationSchema,
    VersionSchema,
)
from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.errors import DomainError

blp = Blueprint(
    "certificate_applications",
    __name__,
    url_prefix="/api/v1",
    description="证书申请与智能审核 Certificate applications and intelligent review",
)

ENTERPRISE, OFFICER, KEY = Role.ENTERPRISE, Role.CERTIFICATE_OFFICER, Assurance.KEY
APPLICATION = "/certificate-applications/<int(max=2147483647):application_id>"
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}


@blp.route("/certificate-applications")
class Applications(MethodView):
    @requires(ENTERPRISE, assurance=KEY)
    @blp.arguments(CreateApplicationSchema)
    @blp.response(201, ApplicationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args):
        """A draft application for a certificate the declaration ticked, on a normal e-record."""
        return service.create_application(actor=g.actor, **args)


@blp.route("/certificate-applications/queue")
class OfficerQueue(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(QueueArgsSchema, location="query")
    @blp.response(200, ApplicationSchema(many=True))
    def get(self, args):
        """Applications intelligent review referred to the officer's district, with the failed rules."""
        return service.officer_queue(actor=g.actor, **args)


@blp.route(APPLICATION)
class Application(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, application_id):
        """One application with its receipts (回执) and each rule's outcome."""
        return service.load_application(g.actor, application_id)

    @requires(ENTERPRISE, assurance=KEY)
    @blp.arguments(UpdateApplicationSchema)
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, args, application_id):
        """Edit a draft or returned application."""
        return service.update_application(actor=g.actor, application_id=application_id, **args)


def _action(path: str, roles: tuple, schema, func, doc: str, status: int = 200):
    """One POST endpoint `APPLICATION + path` calling `func(actor=…, application_id=…, **args)`."""

    class View(MethodView):
        @requires(*roles, assurance=KEY)
        @blp.arguments(schema)
        @blp.response(status, ApplicationSchema)
        @blp.alt_response(404, response="NOT_FOUND")
        @blp.alt_response(409, response="CONFLICT")
        def post(self, args, application_id):
            return func(actor=g.actor, application_id=application_id, **args)

    View.post.__doc__ = doc
    View.__name__ = f"Application{path.strip('/').title()}"
    blp.route(APPLICATION + path)(View)


_action(
    "/submit",
    (ENTERPRISE,),
    VersionSchema,
    service.submit_application,
    "Submit: intelligent review issues the certificate at once or refers it to an officer.",
)
_action(
    "/approve",
    (OFFICER,),
    VersionSchema,
    service.approve_application,
    "The officer issues a referred application.",
)
_action(
    "/return",
    (OFFICER,),
    DecisionSchema,
    service.return_application,
    "The officer returns a referred application with reasons.",
)
_action(
    "/reject",
    (OFFICER,),
    DecisionSchema,
    service.reject_application,
    "The officer rejects a referred application.",
)


@blp.route(APPLICATION + "/copy")
class CopyApplication(MethodView):
    @requires(ENTERPRISE, assurance=KEY)
    @blp.response(201, ApplicationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, application_id):
        """A new draft with the same e-record, type and form (no status, receipts or review results)."""
        return service.copy_application(actor=g.actor, application_id=application_id)


@blp.route("/certificate-attachments")
class Attachments(MethodView):
    @requires(ENTERPRISE, assurance=KEY)
    @blp.arguments(AttachmentArgsSchema, location="query")
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in sorted(ATTACHMENT_TYPES)
            },
        }
    )
    @blp.response(201, AttachmentSchema)
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    def post(self, args):
        """Upload a supporting document (PDF, JPEG or PNG) as the request body; use its id in applications."""
        if request.mimetype not in ATTACHMENT_TYPES:
            raise DomainError("request.unsupported_media_type")
        return supporting.upload_attachment(
            actor=g.actor, filename=args["filename"], content_type=request.mimetype, data=request.get_data()
        )


@blp.route("/certificate-agents")
class AgentAuthorisations(MethodView):
    @requires(ENTERPRISE, assurance=KEY)
    @blp.arguments(AgentAuthorisationArgsSchema)
    @blp.response(201, AgentAuthorisationSchema)
    def post(self, args):
        """The consignor authorises an agent enterprise (by customs code) to apply for its certificates."""
        return supporting.authorise_agent(actor=g.actor, **args)
