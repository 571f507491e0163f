"""Serves the built PWA (pwa/dist) at /, with the service worker never cached."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.routing import PathConverter

bp = Blueprint("pwa", __name__)


class AppPathConverter(PathConverter):
    """Any path outside /api/ and /socket.io/, so API paths keep their own 404 and 405."""

    regex = r"(?!api(?:/|$))(?!socket\.io(?:/|$))[^/].*?"


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["app_path"] = AppPathConverter


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


@bp.get("/")
@bp.get("/<app_path:path>")
def serve(path: str = "index.html"):
    dist = _dist()
    target = dist / path
    if not target.is_file():
        # Client-side routes fall back to the app shell; missing assets are a 404.
        if "." in path.rsplit("/", 1)[-1]:
            abort(404)
        path = "index.html"
    if not (dist / path).is_file():
        abort(404)
    response = send_from_directory(dist, path, max_age=0)
    if path in ("sw.js", "index.html", "manifest.webmanifest", "registerSW.js"):
        response.headers["Cache-Control"] = "no-cache"
    elif path.startswith("assets/"):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
