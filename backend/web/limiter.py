"""Flask-Limiter, keyed by IP, by the phone number in the request body, or by credential."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import phonenumbers
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


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
    """The caller's credential (bearer token or API key), hashed; the IP without one."""
    given = request.headers.get("Authorization", "")
    if not given:
        return "ip:" + (get_remote_address() or "")
    return "cred:" + hashlib.sha256(given.encode()).hexdigest()[:32]


# Writes that hold credits, spend points or send requests out: one budget per credential.
writes = limiter.shared_limit(
    configured("RATELIMIT_WRITES"), scope="writes", key_func=credential_key
)
