"""Serves the built PWA at `/`, with a fallback to index.html for client-side routes.

Vite names everything under `assets/` by its content hash, so those files are cached for a year
as immutable. Everything else (index.html, the service worker, the manifest) is revalidated on
every load, so a new deployment is picked up at once and the service worker can offer the update.

The build writes Brotli and gzip copies beside each text file (`vite-plugin-compression2`); a
browser that accepts one gets it with `Content-Encoding`, so gunicorn needs no proxy in front of
it to send the first load at a third of its size.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_from_directory
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

from backend.core.errors import DomainError

blp = Blueprint("pwa", __name__)
RESERVED = ("api/", "healthz", "readyz", "metrics", "problems/")
HASHED = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # preferred first


class PwaNotBuilt(DomainError):
    status, slug, title = 503, "pwa-not-built", "The web app is not built"


class AppPathConverter(PathConverter):
    """A path outside `/api/`: the fallback must not match API paths at all, or an API route's
    OPTIONS advertised GET and a GET on a POST-only operation was a 404 instead of a 405 with
    `Allow` (found by Schemathesis' allow_header_conformance)."""

    regex = r"(?!api/)[^/].*?"


@blp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["app_path"] = AppPathConverter


@blp.route("/", defaults={"path": ""})
@blp.route("/<app_path:path>")
def serve(path: str) -> Response:
    """A file from the build, or index.html for app routes; API paths are never swallowed."""
    dist = Path(current_app.config["PWA_DIST"])
    if path.startswith(RESERVED):
        raise NotFound()
    if path and (dist / path).is_file():
        return _send(dist, path, IMMUTABLE if path.startswith(HASHED) else "no-cache")
    if "." in path.rsplit("/", 1)[-1]:
        raise NotFound()
    if not (dist / "index.html").is_file():
        raise PwaNotBuilt("web.pwa_not_built")
    return _send(dist, "index.html", "no-cache")


def _send(dist: Path, path: str, cache_control: str) -> Response:
    """The file, or its precompressed copy in the best encoding the browser accepts."""
    accepted = request.accept_encodings
    for encoding, suffix in ENCODINGS:
        if accepted[encoding] and (dist / (path + suffix)).is_file():
            mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            resp = send_from_directory(dist, path + suffix, mimetype=mimetype)
            resp.headers["Content-Encoding"] = encoding
            break
    else:
        resp = send_from_directory(dist, path)
    resp.vary.add("Accept-Encoding")
    resp.headers["Cache-Control"] = cache_control
    return resp
