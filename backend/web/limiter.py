"""Flask-Limiter, keyed by IP, by the phone number in the request body, or by caller."""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
from flask import Flask, Response, current_app, request
from flask_limiter import HeaderNames, Limiter
from flask_limiter.util import get_remote_address

# Flask-Limiter puts "when the rate window resets" in a Retry-After on every response of a
# limited route, over the view's own: an in-flight Idempotency-Key's "retry in 1 s" said 60 s.
# It writes that to this header instead, and `_retry_after_on_429` makes it the Retry-After of
# a 429 only.
WINDOW_RETRY_AFTER = "X-RateLimit-Retry-After"
limiter = Limiter(
    key_func=get_remote_address,
    headers_enabled=True,
    header_name_mapping={HeaderNames.RETRY_AFTER: WINDOW_RETRY_AFTER},
)
CALLER = "limiter.caller"


def init_app(app: Flask, subject: Callable[[], str | None]) -> None:
    """Rate limits for the app. `subject()` names the authenticated caller (None when
    anonymous) for `credential_key`; the composition root passes it, as `web` may not import
    `accounts`."""
    app.extensions[CALLER] = subject
    app.after_request(_retry_after_on_429)  # registered first, so it runs after the limiter's
    limiter.init_app(app)


def _retry_after_on_429(resp: Response) -> Response:
    window = resp.headers.pop(WINDOW_RETRY_AFTER, None)
    if resp.status_code == 429 and window is not None:
        resp.headers["Retry-After"] = window
    return resp


def phone_key() -> str:
    """The body's phone number in E.164 (as typed when it does not parse)."""
    body = request.get_json(silent=True)
    raw = str(body.get("phone", "")) if isinstance(body, dict) else ""
    try:
        parsed = phonenumbers.parse(raw, "CN")
        raw = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "phone:" + raw


def configured(name: str) -> Callable[[], str]:
    """A limit read from the app config at request time, so tests and deployments can tune it."""
    return lambda: str(current_app.config[name])


def credential_key() -> str:
    """The authenticated caller, so every spelling of one credential (`bEaReR`, doubled
    spaces, a second token) draws on one budget; the IP for anonymous callers."""
    subject: Callable[[], str | None] = current_app.extensions[CALLER]
    return subject() or "ip:" + (get_remote_address() or "")


# Writes that hold credits, spend points or send requests out: one budget per caller.
writes = limiter.shared_limit(
    configured("RATELIMIT_WRITES"), scope="writes", key_func=credential_key
)
