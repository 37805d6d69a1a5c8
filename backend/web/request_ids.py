"""Request ids: taken from `X-Request-ID` or made up, echoed back, and put in every log line."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ('-' outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(level: str) -> None:
    """One stderr handler whose lines carry the request id."""
    root = logging.getLogger()
    if any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        root.setLevel(level)
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """Assign an id before each request and return it in the response header."""

    @app.before_request
    def _assign() -> None:
        given = request.headers.get(HEADER, "")
        g.request_id = given if _SAFE.match(given) else uuid.uuid4().hex

    @app.after_request
    def _echo(resp: Response) -> Response:
        if "request_id" in g:
            resp.headers[HEADER] = g.request_id
        return resp
