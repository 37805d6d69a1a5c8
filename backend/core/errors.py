"""One DomainError tree, and the one place that turns every error into problem+json (RFC 9457)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from backend.core import messages
from backend.core.field_messages import coded
from backend.core.lang import Lang, request_lang

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+$")


class DomainError(Exception):
    """A failure a service reports by `code` (see `backend.core.messages`); `status` and
    `slug` decide the HTTP problem, and the words follow the request's language."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        code: str,
        /,
        *,
        params: Mapping[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.code = code
        self.params = dict(params or {})
        super().__init__(self.words("en"))
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def words(self, lang: Lang) -> str:
        """The detail in `lang` (words not yet given a code stay as they are)."""
        if not CODE.match(self.code):
            return self.code
        return messages.text(self.code, self.params, lang)


class Unauthenticated(DomainError):
    status, slug, title = 401, "unauthenticated", "Authentication required"

    def __init__(self, code: str, /, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="diandian"'})
        super().__init__(code, **kw)


class InvalidCode(DomainError):
    status, slug, title = 401, "invalid-code", "The sign-in code is not valid"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class ValidationFailed(DomainError):
    """One field refused, by a `code` whose words name what is wrong with it."""

    status, slug, title = 422, "validation-error", "The request is not valid"

    def __init__(self, field: str, code: str, /, **params: Any) -> None:
        super().__init__(
            "core.invalid_fields",
            params={"fields": [field]},
            errors=[field_error(field, code, **params)],
        )


def field_error(field: str, code: str, /, *, where: str = "json", **params: Any) -> dict[str, Any]:
    """One `errors` entry: a JSON pointer for the body, `parameter` and `in` elsewhere; the
    words are added per request from `code` and `params`."""
    entry: dict[str, Any] = {"field": field, "code": code, "params": params}
    if where == "json":
        entry["pointer"] = "#/" + field.replace(".", "/") if field != "_schema" else "#/"
    else:
        entry.update(parameter=field, **{"in": where})
    return entry


def _worded(entry: dict[str, Any], lang: Lang) -> dict[str, Any]:
    code = entry.get("code")
    if not code:
        return entry
    params = entry.get("params") or {}
    return {**entry, "params": _jsonable(params), "detail": messages.text(code, params, lang)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, messages.Coded):
        return value.code
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def problem(
    status: int,
    slug: str | None,
    code: str,
    params: Mapping[str, Any] | None = None,
    /,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    title: str | None = None,
    **extra: Any,
) -> Response:
    """Build an RFC 9457 response in the request's language; `slug` None means the plain HTTP
    status (`about:blank`). `code` and `params` say what happened, for programs."""
    lang = request_lang() if request else "zh"
    title_code = f"problem.{slug}" if slug else f"status.{status}"
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": _title(title_code, title, lang),
        "status": status,
        "detail": code if not CODE.match(code) else messages.text(code, params, lang),
    }
    if CODE.match(code):
        body.update(code=code, params=_jsonable(params or {}))
    if errors:
        body["errors"] = [_worded(e, lang) for e in errors]
    body.update(_jsonable(extra))
    rid = g.get("request_id") if request else None
    if rid:
        body["request_id"] = rid
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    resp.headers["Content-Language"] = "zh-CN" if lang == "zh" else "en"
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _title(code: str, fallback: str | None, lang: Lang) -> str:
    if messages.known(code):
        return messages.text(code, None, lang)
    if fallback is not None:
        return fallback
    return messages.text(code, None, lang)


def _entry(path: list[str], location: str, msg: str) -> dict[str, Any]:
    field = ".".join(path) or "_schema"
    found = coded(msg)
    if found is None:  # words nobody gave a code: reported as they are, and flagged in tests
        messages.missing.append(f"field message {msg!r}")
        where = {"pointer": "#/"} if location == "json" else {"parameter": field, "in": location}
        return {"field": field, "detail": msg, **where}
    code, params = found
    return field_error(field, code, where=location, **params)


def flatten_messages(messages_: Any) -> list[dict[str, Any]]:
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
            out.append(_entry(path, location, str(node)))

    if isinstance(messages_, dict):
        for location, fields in messages_.items():
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
        if status != 422 and "code" in errors[0]:  # the body itself cannot be read
            first = errors[0]
            return problem(status, "malformed-request", first["code"], first["params"])
        return problem(
            422,
            "validation-error",
            "core.invalid_fields",
            {"fields": fields},
            errors=errors,
            headers=headers,
        )
    if status == 429:
        return problem(status, "rate-limited", "http.429", headers=headers)
    code = f"http.{status}" if messages.known(f"http.{status}") else "http.other"
    return problem(status, None, code, {"status": status}, headers=headers, title=exc.name)


def _domain_error(exc: DomainError) -> Response:
    return problem(
        exc.status,
        exc.slug,
        exc.code,
        exc.params,
        errors=exc.errors,
        headers=exc.headers,
        title=exc.title,
        **exc.extra,
    )


def _database_unavailable(exc: OperationalError) -> Response:
    """The database is restarting or unreachable (or the transaction lost a deadlock): nothing
    was written, and the client may retry."""
    log.warning("database unavailable: %s", str(exc.orig).strip().splitlines()[0])
    return problem(503, "temporarily-unavailable", "core.unavailable", headers={"Retry-After": "5"})


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error")
    return problem(500, None, "core.unexpected")


def register_error_handlers(app: Flask) -> None:
    """Every error leaves as problem+json: domain, HTTP (404, 405, 422, 429) and unexpected."""
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)
