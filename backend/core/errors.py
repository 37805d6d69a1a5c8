"""One DomainError tree, and the one place that turns every error into problem+json (RFC 9457)."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"


class DomainError(Exception):
    """A failure a service reports; `status` and `slug` decide the HTTP problem."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class Unauthenticated(DomainError):
    status, slug, title = 401, "unauthenticated", "Authentication required"

    def __init__(self, detail: str, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="diandian"'})
        super().__init__(detail, **kw)


class InvalidCode(DomainError):
    status, slug, title = 401, "invalid-code", "The sign-in code is not valid"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class ValidationFailed(DomainError):
    status, slug, title = 422, "validation-error", "The request is not valid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(
            f"{field}: {message}", errors=[{"field": field, "detail": message, **_pointer(field)}]
        )


def _pointer(field: str) -> dict[str, str]:
    return {"pointer": "#/" + field.replace(".", "/")}


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Build an RFC 9457 response; `slug` None means the plain HTTP status (`about:blank`)."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    rid = g.get("request_id") if request else None
    if rid:
        body["request_id"] = rid
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _entry(path: list[str], location: str, msg: str) -> dict[str, Any]:
    """One `errors` entry: a JSON pointer for the body, `parameter` and `in` elsewhere."""
    field = ".".join(path) or "_schema"
    entry: dict[str, Any] = {"field": field, "detail": msg}
    if location == "json":
        entry.update(_pointer(field) if path else {"pointer": "#/"})
    else:
        entry["parameter"] = field
        entry["in"] = location
    return entry


def flatten_messages(messages: Any) -> list[dict[str, Any]]:
    """Turn webargs' nested {location: {field: [msg]}} into RFC 9457 `errors` entries."""
    out: list[dict[str, Any]] = []

    def walk(node: Any, path: list[str], location: str) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, [*path, str(key)], location)
        elif isinstance(node, list) and all(isinstance(m, str) for m in node):
            out.extend(_entry(path, location, msg) for msg in node)
        elif isinstance(node, list):
            for child in node:
                walk(child, path, location)
        else:
            out.append({"field": ".".join(path) or "_schema", "detail": str(node)})

    if isinstance(messages, dict):
        for location, fields in messages.items():
            walk(fields, [], str(location))
    return out


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if exc.response is not None:
        headers.update(
            {k: v for k, v in exc.response.headers.items() if k.lower() == "retry-after"}
        )
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    errors = flatten_messages(data.get("messages")) if "messages" in data else None
    if errors:
        fields = sorted({e["field"] for e in errors})
        detail = f"Invalid field{'s' if len(fields) > 1 else ''}: {', '.join(fields)}."
        if status == 422:
            return problem(
                422,
                "The request is not valid",
                detail,
                slug="validation-error",
                errors=errors,
                headers=headers,
            )
        return problem(
            status,
            exc.name,
            "; ".join(e["detail"] for e in errors),
            slug="malformed-request",
            headers=headers,
        )
    title = exc.name
    detail = str(data.get("message") or exc.description or "")
    if status == 429:
        return problem(
            status,
            title,
            "Too many requests; try again later.",
            slug="rate-limited",
            headers=headers,
        )
    return problem(status, title, detail, headers=headers)


def _domain_error(exc: DomainError) -> Response:
    return problem(
        exc.status,
        exc.title,
        exc.detail,
        slug=exc.slug,
        errors=exc.errors,
        headers=exc.headers,
        **exc.extra,
    )


def _database_unavailable(exc: OperationalError) -> Response:
    """The database is restarting or unreachable (or the transaction lost a deadlock): nothing
    was written, and the client may retry."""
    log.warning("database unavailable: %s", str(exc.orig).strip().splitlines()[0])
    return problem(
        503,
        "Service Unavailable",
        "The service is briefly unavailable; nothing was saved. Retry shortly.",
        slug="temporarily-unavailable",
        headers={"Retry-After": "5"},
    )


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error")
    return problem(
        500,
        "Internal Server Error",
        "Something went wrong on our side. Quote the request id to support.",
    )


def register_error_handlers(app: Flask) -> None:
    """Every error leaves as problem+json: domain, HTTP (404, 405, 422, 429) and unexpected."""
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)
