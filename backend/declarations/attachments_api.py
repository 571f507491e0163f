"""REST for attached documents of an application (own blueprint, under the declarations tag)."""

from __future__ import annotations

from flask import g, send_file
from flask.views import MethodView
from flask_smorest.fields import Upload

from backend.core.api import Blueprint
from backend.core.auth import requires
from backend.core.enums import Role
from backend.core.schemas import StrictSchema
from backend.declarations import attachments
from backend.declarations.api import ID, READERS
from backend.declarations.schemas import AttachmentSchema, AttachmentUploadFormSchema

blp = Blueprint(
    "declaration_attachments",
    __name__,
    url_prefix="/api/v1",
    description="电子底账申请附件 Attached documents",
    doc_tag="declarations",
)

ATTACHMENT = "<int(max=2147483647):attachment_id>"


class UploadFileSchema(StrictSchema):
    file = Upload(load_default=None, metadata={"description": "required: PDF, JPEG or PNG, at most 10 MB"})


@blp.route(f"/declarations/{ID}/attachments")
class Attachments(MethodView):
    @requires(*READERS)
    @blp.response(200, AttachmentSchema(many=True))
    def get(self, declaration_id):
        """The application's attached documents."""
        return attachments.list_attachments(actor=g.actor, declaration_id=declaration_id)

    @requires(Role.ENTERPRISE)
    @blp.arguments(AttachmentUploadFormSchema, location="form")
    @blp.arguments(UploadFileSchema, location="files")
    @blp.response(201, AttachmentSchema)
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    def post(self, form, files, declaration_id):
        """Upload a document (multipart: kind + file); its type is recognised by content, not by name."""
        return attachments.add_attachment(
            actor=g.actor, declaration_id=declaration_id, kind=form["kind"], upload=files["file"]
        )


@blp.route(f"/declarations/{ID}/attachments/{ATTACHMENT}")
class AttachmentItem(MethodView):
    @requires(*READERS)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
    def get(self, declaration_id, attachment_id):
        """Download the document as uploaded."""
        row, content = attachments.get_attachment(
            actor=g.actor, declaration_id=declaration_id, attachment_id=attachment_id
        )
        return send_file(content, mimetype=row.content_type, as_attachment=True, download_name=row.filename)

    @requires(Role.ENTERPRISE)
    @blp.response(204)
    def delete(self, declaration_id, attachment_id):
        """Remove a document (draft or returned applications only)."""
        attachments.delete_attachment(
            actor=g.actor, declaration_id=declaration_id, attachment_id=attachment_id
        )
