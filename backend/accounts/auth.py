"""Reading the caller from the `Authorization` header, once per request.

Authentication never writes in the request's transaction. A GET's session begins deferred on
SQLite, and a read transaction that then writes may fail at once with "database is locked";
so an API key's last use is noted after the response, in a short transaction of its own that
waits at most NOTE_WAIT_MS for the database and is skipped, not retried, when it is busy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask import Response, after_this_request, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from backend.accounts import consent, credentials, services
from backend.accounts.models import AccessToken, ApiKey
from backend.accounts.principal import Principal
from backend.core import db, uow
from backend.core.clock import utcnow
from backend.core.errors import Unauthenticated

log = logging.getLogger(__name__)
NOTE_WAIT_MS = 100

BEARER_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def auth_settings() -> services.AuthSettings:
    """Sign-in settings from the app config."""
    cfg = current_app.config
    return services.AuthSettings(
        secret_key=cfg["SECRET_KEY"],
        sandbox=cfg["SANDBOX"],
        code_ttl=timedelta(seconds=cfg["OTP_TTL_SECONDS"]),
        max_attempts=cfg["OTP_MAX_ATTEMPTS"],
        token_ttl=timedelta(seconds=cfg["TOKEN_TTL_SECONDS"]),
    )


def current_principal() -> Principal:
    """The caller: a bearer token user, an API key's organisation, or anonymous.

    A header that is present but wrong is a 401, never a silent downgrade to anonymous.
    """
    if "principal" in g:
        cached: Principal = g.principal
        return cached
    header = request.headers.get("Authorization", "")
    principal = Principal()
    token: AccessToken | None = None
    if header:
        scheme, _, raw = header.partition(" ")
        raw = raw.strip()
        if scheme.lower() != "bearer" or not raw:
            raise Unauthenticated("accounts.bearer_format")
        if raw.startswith(credentials.API_KEY_PREFIX):
            principal = services.principal_for_api_key(db.session(), raw)
            _note_use_later(principal.api_key)
        else:
            principal, token = services.principal_for_token(db.session(), raw)
            if not _exempt_from_consent():
                consent.require(db.session(), principal.require_user().id, *consent.REQUIRED)
    g.principal = principal
    g.access_token = token
    return principal


def caller_subject() -> str | None:
    """Who is calling (`user:<id>`, `key:<id>`; None when anonymous), for the rate limiter: one
    budget per principal however its credential is spelt. A bad credential is a 401."""
    return current_principal().subject


def _note_use_later(key: ApiKey | None) -> None:
    now = utcnow()
    if key is None or not services.api_key_use_due(key, now):
        return
    key_id = key.id

    @after_this_request
    def note(resp: Response) -> Response:
        _note_use(key_id, now)
        return resp


def _note_use(key_id: int, now: datetime) -> None:
    """Best effort: a busy database skips the note rather than delay or fail the request."""
    try:
        with uow.transaction(write=False) as s, _brief_lock_wait(s):
            services.note_api_key_use(s, key_id, now)
    except SQLAlchemyError as exc:
        log.info("last use of API key %s not noted: %s", key_id, exc)


@contextmanager
def _brief_lock_wait(s: Session) -> Iterator[None]:
    """On SQLite, wait at most NOTE_WAIT_MS for the write lock (then "database is locked")
    instead of the connection's long busy timeout; PostgreSQL skips locked rows instead."""
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    usual = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    conn.exec_driver_sql(f"PRAGMA busy_timeout={NOTE_WAIT_MS}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(usual or 0)}")


def current_token() -> AccessToken:
    """The bearer token of this request; 401 without one."""
    current_principal()
    token: AccessToken | None = g.access_token
    if token is None:
        raise Unauthenticated("accounts.sign_in")
    return token


def _handler(view: Callable[..., Any]) -> Any:
    """The function handling this request: the view, or its MethodView's method."""
    cls = getattr(view, "view_class", None)
    if cls is None:
        return view
    method = "get" if request.method == "HEAD" else request.method.lower()
    return getattr(cls, method, None)


def _documented_security(view: Callable[..., Any]) -> Any:
    """The `security` an operation declares with `@blp.doc(security=...)`, if any."""
    return getattr(_handler(view), "_apidoc", {}).get("manual_doc", {}).get("security")


def _exempt_from_consent() -> bool:
    """Whether this request's view acts for people who have not accepted the texts in force
    (`consent.consent_exempt`)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and getattr(_handler(view), consent.EXEMPT, False)


def authenticate_documented() -> None:
    """401 before the body is read for operations documented as bearer-only.

    Without it an anonymous caller got the body's 422 (what a valid request would look like)
    before the service asked who they were (found by Schemathesis' missing_required_header).
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.method == "OPTIONS":
        return
    if _documented_security(view) == BEARER_AUTH and current_principal().anonymous:
        raise Unauthenticated("accounts.sign_in_or_key")
