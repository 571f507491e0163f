"""Swagger UI's files from the swagger-ui-bundle package: the docs work on a closed network."""

from flask import Blueprint, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs_assets", __name__)
ALLOWED = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}


@bp.get("/api/docs-assets/<name>")
def asset(name: str):
    if name not in ALLOWED:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
