"""The `Diandian-Signature` header of outbound webhooks, and how a receiver checks it.

`t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>`, with one `v1=` per valid
secret (the current one first) while a rotated secret is still honoured.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Sequence

HEADER = "Diandian-Signature"
TOLERANCE_S = 300


class InvalidSignature(ValueError):
    """The header does not sign this body, recently, with any of the given secrets."""


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secrets: Sequence[str], body: bytes, timestamp: int) -> str:
    """The header value for `body`, signed at `timestamp` with every secret given."""
    return ",".join([f"t={timestamp}", *(f"v1={_mac(s, timestamp, body)}" for s in secrets)])


def verify(
    secrets: Iterable[str],
    header: str | None,
    body: bytes,
    tolerance: int = TOLERANCE_S,
    now: float | None = None,
) -> None:
    """Return if one `v1=` of the header is the HMAC of the raw body under one of `secrets`,
    signed within `tolerance` seconds of `now`; raise InvalidSignature otherwise."""
    stamp, macs = "", []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            stamp = value
        elif key == "v1":
            macs.append(value)
    try:
        timestamp = int(stamp)
    except ValueError:
        raise InvalidSignature(f"{HEADER} has no t=<unix time>") from None
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise InvalidSignature("the signature is too old (or from the future)")
    for secret in secrets:
        expected = _mac(secret, timestamp, body)
        if any(hmac.compare_digest(expected, mac) for mac in macs):
            return
    raise InvalidSignature("no v1 signature matches the body and a known secret")
