"""The `Idempotency-Key` header on POSTs that create money or retirement effects."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from backend.accounts.auth import current_principal
from backend.core import db
from backend.core.errors import DomainError, Unauthenticated, field_error
from backend.idempotency import store

HEADER = "Idempotency-Key"
_VALID = re.compile(r"^[\x21-\x7e]{1,255}$")
KEPT_HEADERS = ("Content-Type", "Location")
PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": HEADER,
    "required": True,
    "description": "A unique key per intended operation (a UUID is ideal), 1-255 printable "
    "ASCII characters. Retrying with the same key and body replays the stored response "
    "(`Idempotent-Replayed: true`) for 24 h; a different body gets 422; while the first "
    "request runs, 409. A failed request does not use up its key.",
    # The pattern is _VALID's: without it a schema-valid key (a space, a tab) got a 400 that the
    # document did not announce (found by Schemathesis' positive_data_acceptance).
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": _VALID.pattern},
}

F = TypeVar("F", bound=Callable[..., Any])


class KeyRequired(DomainError):
    status, slug, title = 400, "idempotency-key-required", "Idempotency-Key required"

    def __init__(self, code: str) -> None:
        super().__init__(
            code,
            params={"header": HEADER},
            errors=[field_error(HEADER, code, where="header", header=HEADER)],
        )


def _scope() -> str:
    subject = current_principal().subject
    if subject is None:
        raise Unauthenticated("idempotency.sign_in")
    return subject


def _fingerprint() -> str:
    body = request.get_json(silent=True)
    payload = (
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        if body is not None
        else request.get_data()
    )
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(payload)
    return digest.hexdigest()


def current_claim() -> store.Claim | None:
    """The key this request owns, for services that record a recovery point."""
    claim: store.Claim | None = g.get("idempotency_claim")
    return claim


def idempotent(view: F) -> F:
    """Require the header; replay, refuse or run the view and keep its 2xx response.

    The claim is committed before the view runs; the 2xx response is stored in the view's
    transaction, which the request's unit of work commits after this returns.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        scope = _scope()
        key = request.headers.get(HEADER)
        if not key:
            raise KeyRequired("idempotency.key_required")
        if not _VALID.match(key):
            raise KeyRequired("idempotency.key_invalid")
        s = db.session()
        outcome = store.claim(s, scope, key, _fingerprint())
        if isinstance(outcome, store.StoredResponse):
            replay = Response(outcome.body, status=outcome.status, headers=outcome.headers)
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        g.idempotency_claim = outcome
        try:
            resp = current_app.make_response(view(*args, **kwargs))
        except (DomainError, HTTPException):
            store.release(s, outcome, resumable=False)
            raise
        except Exception:
            store.release(s, outcome, resumable=True)
            raise
        if resp.status_code >= 400:
            store.release(s, outcome, resumable=False)
            return resp
        kept = {h: resp.headers[h] for h in KEPT_HEADERS if h in resp.headers}
        store.store(
            s, outcome, store.StoredResponse(resp.status_code, kept, resp.get_data(as_text=True))
        )
        return resp

    return cast(F, wrapper)
