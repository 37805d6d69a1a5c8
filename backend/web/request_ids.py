"""Request ids: taken from `X-Request-ID` or made up, echoed back, and put in every log line.

Log lines are text by default, or one JSON object per line (`LOG_FORMAT=json`) with `time`
(ISO 8601, UTC), `level`, `logger`, `message`, `request_id`, `exception` when there is one, and
any `extra` fields.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ('-' outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
LOG_FORMATS = ("text", "json")


def formatter(fmt: str) -> logging.Formatter:
    """The formatter of a `LOG_FORMAT`."""
    if fmt == "json":
        return JsonFormatter(
            ["levelname", "name", "message", "request_id"],
            timestamp="time",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            json_ensure_ascii=False,
        )
    return logging.Formatter(TEXT_FORMAT)


def configure_logging(level: str, fmt: str = "text") -> None:
    """One stderr handler whose lines carry the request id, as text or JSON."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if any(isinstance(f, RequestIdFilter) for f in h.filters)]
    if ours:
        handler = ours[0]
    else:
        handler = logging.StreamHandler()
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(formatter(fmt))
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
