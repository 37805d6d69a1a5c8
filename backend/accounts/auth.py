"""Reading the caller from the `Authorization` header, once per request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, g, request

from backend.accounts import credentials, services
from backend.accounts.models import AccessToken
from backend.accounts.principal import Principal
from backend.core import db
from backend.core.errors import Unauthenticated

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
            raise Unauthenticated("Use 'Authorization: Bearer <token or API key>'.")
        if raw.startswith(credentials.API_KEY_PREFIX):
            principal = services.principal_for_api_key(db.session(), raw)
        else:
            principal, token = services.principal_for_token(db.session(), raw)
    g.principal = principal
    g.access_token = token
    return principal


def current_token() -> AccessToken:
    """The bearer token of this request; 401 without one."""
    current_principal()
    token: AccessToken | None = g.access_token
    if token is None:
        raise Unauthenticated("Sign in with a bearer token to use this endpoint.")
    return token


def _documented_security(view: Callable[..., Any]) -> Any:
    """The `security` an operation declares with `@blp.doc(security=...)`, if any."""
    cls = getattr(view, "view_class", None)
    handler: Any = view
    if cls is not None:
        method = "get" if request.method == "HEAD" else request.method.lower()
        handler = getattr(cls, method, None)
    return getattr(handler, "_apidoc", {}).get("manual_doc", {}).get("security")


def authenticate_documented() -> None:
    """401 before the body is read for operations documented as bearer-only.

    Without it an anonymous caller got the body's 422 (what a valid request would look like)
    before the service asked who they were (found by Schemathesis' missing_required_header).
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.method == "OPTIONS":
        return
    if _documented_security(view) == BEARER_AUTH and current_principal().anonymous:
        raise Unauthenticated("Sign in with a bearer token or use an API key.")
