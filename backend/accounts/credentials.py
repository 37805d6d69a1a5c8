"""Making and checking secrets: sign-in codes, bearer tokens, API keys, phone digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "ddt_"  # noqa: S105 - a prefix, not a secret
API_KEY_PREFIX = "ddk_"
CODE_DIGITS = 6


def new_code() -> str:
    """A uniformly random six-digit code."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_mac(secret_key: str, phone: str, code: str) -> str:
    """HMAC-SHA256 of a code, keyed by the server secret: six digits alone are too few to hash."""
    msg = f"sign-in-code:{phone}:{code}".encode()
    return hmac.new(secret_key.encode(), msg, hashlib.sha256).hexdigest()


def phone_digest(secret_key: str, phone: str) -> str:
    """HMAC-SHA256 of an E.164 phone, keyed by the server secret: an invitation finds its
    person by it without keeping the number (phone numbers are too few to hash bare)."""
    msg = f"invitation-phone:{phone}".encode()
    return hmac.new(secret_key.encode(), msg, hashlib.sha256).hexdigest()


def sha256(value: str) -> str:
    """Digest for high-entropy secrets (tokens, API key secrets)."""
    return hashlib.sha256(value.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode(), b.encode())


def new_token() -> str:
    """An opaque bearer token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_api_key() -> tuple[str, str, str]:
    """(prefix, secret, full key); the prefix stays visible, the secret is shown once."""
    prefix = API_KEY_PREFIX + secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"{prefix}.{secret}"


def split_api_key(key: str) -> tuple[str, str] | None:
    """The (prefix, secret) of a well-formed key, else None."""
    prefix, sep, secret = key.partition(".")
    if not sep or not prefix.startswith(API_KEY_PREFIX) or not secret:
        return None
    return prefix, secret
