"""Checks every request's path parameters and query string before any view runs:

- no control characters (or lone surrogates) in a path parameter, a query parameter's name or its
  value: PostgreSQL cannot store a NUL, and no id or value we issue holds one;
- on an API operation that declares no query parameters, any query parameter is unknown (those
  that declare some are held to their schema by the blueprint's strict parser).

Each refusal is a 422 problem naming the parameter and where it was.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request

from backend.core.errors import DomainError, field_error
from backend.web.json_body import FORBIDDEN


class ParameterRefused(DomainError):
    status, slug, title = 422, "validation-error", "The request is not valid"

    def __init__(self, code: str, /, *, where: str, name: str) -> None:
        safe = FORBIDDEN.sub("\ufffd", name)
        super().__init__(
            "core.invalid_fields",
            params={"fields": [safe]},
            errors=[field_error(safe, code, where=where)],
        )


def _declares_query(view: Any) -> bool:
    """Whether the API operation handling this request takes query parameters."""
    cls = getattr(view, "view_class", None)
    handler = view
    if cls is not None:
        method = "get" if request.method == "HEAD" else request.method.lower()
        handler = getattr(cls, method, None)
    arguments = getattr(handler, "_apidoc", {}).get("arguments") or {}
    return any(p.get("in") in ("query", "querystring") for p in arguments.get("parameters", []))


def check_request() -> None:
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and FORBIDDEN.search(value):
            raise ParameterRefused("core.control_characters_value", where="path", name=name)
    for name, value in request.args.items(multi=True):
        if FORBIDDEN.search(name) or FORBIDDEN.search(value):
            raise ParameterRefused("core.control_characters_value", where="query", name=name)
    if not request.args or not request.path.startswith("/api/"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    documented = hasattr(view, "_apidoc") or hasattr(view, "view_class")
    if documented and not _declares_query(view):
        raise ParameterRefused("field.unknown", where="query", name=next(iter(request.args)))


def init_app(app: Flask) -> None:
    app.before_request(check_request)
