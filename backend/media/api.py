"""Resumable photo uploads and photo reads.

POST /uploads → PUT chunks at the server's offset (ask with GET after a break) → POST …/complete.
An upload left unfinished for long is expired (`flask storage prune`): GET, PUT and complete then
answer 404 media.upload_expired, and POST /uploads with the same client_id restarts it at offset 0.
Inspectors upload; photos are read by their uploader and the customs roles of the same district.
"""

import re
from http import HTTPStatus

from flask import g, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import ANY_CUSTOMS, requires
from backend.core.enums import Role
from backend.errors import DomainError
from backend.media import service
from backend.media.schemas import ChunkArgsSchema, CreateUploadSchema, PhotoSchema, UploadSchema

blp = Blueprint(
    "media", __name__, url_prefix="/api/v1", description="照片与断点续传 Photos and resumable uploads"
)

# Photos are evidence taken on site: only inspectors upload them (enterprise users never do).
UPLOADERS = (Role.INSPECTOR,)
# Response components are named after HTTPStatus members, whose names differ between Python versions.
TOO_LARGE, UNPROCESSABLE = HTTPStatus(413).name, HTTPStatus(422).name
_CONTENT_RANGE = re.compile(r"^bytes (\d{1,15})-(\d{1,15})/(\d{1,15})$")
# A photo's bytes never change for its URL: cache long, but only in the user's own browser.
_CACHE_SECONDS = 365 * 24 * 3600
_GONE = "no such upload of yours, or media.upload_expired: start again with POST /uploads, same client_id"


def _with_offset(upload, status=200):
    return upload, status, {"Upload-Offset": str(upload.received)}


@blp.route("/uploads")
class Uploads(MethodView):
    @requires(*UPLOADERS)
    @blp.arguments(CreateUploadSchema)
    @blp.response(201, UploadSchema)
    @blp.alt_response(200, schema=UploadSchema, description="the upload this client_id already started")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response=TOO_LARGE)
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    def post(self, args):
        """Start an upload (idempotent by client_id); bytes already stored complete at once."""
        upload, created = service.create_upload(actor=g.actor, **args)
        return _with_offset(upload, 201 if created else 200)


@blp.route("/uploads/<int(max=2147483647):upload_id>")
class UploadItem(MethodView):
    @requires(*UPLOADERS)
    @blp.response(200, UploadSchema)
    @blp.alt_response(404, response="NOT_FOUND", description=_GONE)
    def get(self, upload_id):
        """The offset the server holds and the status: ask this before resuming."""
        return _with_offset(service.get_upload(actor=g.actor, upload_id=upload_id))

    @requires(*UPLOADERS)
    @blp.arguments(ChunkArgsSchema, location="query")
    @blp.doc(
        requestBody={
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        },
        parameters=[
            {
                "in": "header",
                "name": "Content-Range",
                "required": False,
                "description": "bytes start-end/size: the alternative to ?offset= (one of them is needed)",
                "schema": {"type": "string", "pattern": r"^bytes \d+-\d+/\d+$"},
            }
        ],
    )
    @blp.response(200, UploadSchema)
    @blp.alt_response(400, response="BAD_REQUEST", description="no offset, or an inconsistent Content-Range")
    @blp.alt_response(404, response="NOT_FOUND", description=_GONE)
    @blp.alt_response(409, response="CONFLICT", description="wrong offset: detail.offset is the server's")
    @blp.alt_response(413, response=TOO_LARGE)
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    def put(self, args, upload_id):
        """Append one chunk (raw bytes) at the server's offset, given as ?offset= or Content-Range."""
        if request.mimetype != "application/octet-stream":
            raise DomainError("request.unsupported_media_type")
        offset, total = _chunk_position(args.get("offset"), request.headers.get("Content-Range"))
        upload = service.append_chunk(
            actor=g.actor,
            upload_id=upload_id,
            offset=offset,
            total=total,
            length=request.content_length,
            stream=request.stream,
        )
        return _with_offset(upload)


def _chunk_position(query_offset, content_range):
    """(offset, declared total) from the query or a `Content-Range: bytes start-end/size` header."""
    if content_range is None:
        if query_offset is None:
            raise DomainError("media.bad_range", errors={"offset": ["offset or Content-Range is required"]})
        return query_offset, None
    match = _CONTENT_RANGE.match(content_range.strip())
    if not match:
        raise DomainError("media.bad_range", errors={"Content-Range": ["expected bytes start-end/size"]})
    start, end, total = (int(part) for part in match.groups())
    if end < start or (query_offset is not None and query_offset != start):
        raise DomainError("media.bad_range", errors={"Content-Range": ["inconsistent range"]})
    if request.content_length is not None and request.content_length != end - start + 1:
        raise DomainError("media.bad_range", errors={"Content-Range": ["range length differs from the body"]})
    return start, total


@blp.route("/uploads/<int(max=2147483647):upload_id>/complete")
class UploadComplete(MethodView):
    @requires(*UPLOADERS)
    @blp.response(200, PhotoSchema)
    @blp.alt_response(404, response="NOT_FOUND", description=_GONE)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response=TOO_LARGE)
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, upload_id):
        """Check the assembled bytes (size, SHA-256, image) and create the Photo; repeatable."""
        return service.complete_upload(actor=g.actor, upload_id=upload_id)


@blp.route("/photos/<int(max=2147483647):photo_id>")
class PhotoItem(MethodView):
    @requires(*ANY_CUSTOMS)
    @blp.response(200, PhotoSchema)
    def get(self, photo_id):
        """A photo's metadata and evidence (who, device and server clock, GPS, camera, hashes)."""
        return service.get_photo(actor=g.actor, photo_id=photo_id)


@blp.route("/photos/<int(max=2147483647):photo_id>/<any(original, display, thumbnail):variant>")
class PhotoFile(MethodView):
    @requires(*ANY_CUSTOMS)
    @blp.doc(
        responses={
            "200": {
                "description": "the image bytes",
                "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
            },
            "304": {"description": "not modified (If-None-Match)"},
            "404": {"$ref": "#/components/responses/NOT_FOUND"},
        }
    )
    def get(self, photo_id, variant):
        """The original (untouched), display (≤1600 px JPEG) or thumbnail (≤320 px JPEG) bytes.

        The copies are made by a job after the upload: until the photo says `derivatives: ready` they
        answer 404 media.derivative_pending (Retry-After; detail.status `failed`: none will come).
        """
        stream, content_type, sha256 = service.open_photo_file(
            actor=g.actor, photo_id=photo_id, variant=variant
        )
        response = send_file(
            stream, mimetype=content_type, etag=sha256, conditional=True, max_age=_CACHE_SECONDS
        )
        response.cache_control.private = True
        response.cache_control.public = False
        response.cache_control.immutable = True
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
