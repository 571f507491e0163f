"""Serves the built PWA (pwa/dist) at /: only the files of the build, the service worker never cached.

The catch-all route answers from the list of files of the build, found by walking pwa/dist once (and
again when index.html changes, i.e. after a rebuild), so nothing else on the file system can be probed
through it: no `..` (encoded or not), no dotfiles, no symbolic links (they may point out of dist).
Client-side routes (a last segment without an extension) get the app shell; anything else is a 404.
The shell is served from memory, so the security headers can allow its inline splash style by hash.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file
from werkzeug.routing import PathConverter

bp = Blueprint("pwa", __name__)

SHELL = "index.html"
NO_CACHE = {"sw.js", SHELL, "manifest.webmanifest", "registerSW.js"}


class AppPathConverter(PathConverter):
    """Any path outside /api/ and /socket.io/, so API paths keep their own 404 and 405."""

    regex = r"(?!api(?:/|$))(?!socket\.io(?:/|$))[^/].*?"


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["app_path"] = AppPathConverter


@dataclass(frozen=True)
class Build:
    root: Path
    stamp: tuple | None  # (mtime_ns, size) of index.html when walked
    files: frozenset[str]  # relative POSIX paths of the regular files of the build
    shell: bytes | None
    shell_etag: str | None


_builds: dict[str, Build] = {}
_lock = threading.Lock()


def _stamp(root: Path) -> tuple | None:
    try:
        stat = (root / SHELL).stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _walk(root: Path) -> frozenset[str]:
    files = set()
    for folder, dirs, names in os.walk(root):  # followlinks=False: linked folders are not entered
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (here / d).is_symlink()]
        for name in names:
            path = here / name
            if not name.startswith(".") and not path.is_symlink() and path.is_file():
                files.add(path.relative_to(root).as_posix())
    return frozenset(files)


def current_build() -> Build:
    """The files of the build in PWA_DIST, walked again only after index.html changed."""
    root = Path(current_app.config["PWA_DIST"]).resolve()
    stamp = _stamp(root)
    build = _builds.get(str(root))
    if build is not None and build.stamp == stamp:
        return build
    with _lock:
        shell = (root / SHELL).read_bytes() if stamp else None
        build = Build(
            root=root,
            stamp=stamp,
            files=_walk(root) if stamp else frozenset(),
            shell=shell,
            shell_etag=hashlib.sha256(shell).hexdigest()[:32] if shell else None,
        )
        _builds[str(root)] = build
    return build


def _probing(path: str) -> bool:
    """`..`, `.`, dotfiles and backslashes: never a file of the build, nor a client-side route."""
    return "\\" in path or any(segment.startswith(".") for segment in path.split("/"))


@bp.get("/")
@bp.get("/<app_path:path>")
def serve(path: str = SHELL):
    build = current_build()
    if path != SHELL and path in build.files:
        target = build.root / path
        if target.is_symlink():  # replaced after the walk
            abort(404)
        response = send_file(target, max_age=0)
        if path in NO_CACHE:
            response.headers["Cache-Control"] = "no-cache"
        elif path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
    # Client-side routes fall back to the app shell; missing assets and probes are a 404.
    if _probing(path) or (path != SHELL and "." in path.rsplit("/", 1)[-1]) or build.shell is None:
        abort(404)
    response = Response(build.shell, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(build.shell_etag)
    return response.make_conditional(request)
