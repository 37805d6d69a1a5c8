"""Partners that report actions: enrolment with an HMAC secret (kept encrypted), and checking
the `Diandian-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` of a batch."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core import secretbox
from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import Unauthenticated
from backend.points.models import PointsPartner

HEADER = "Diandian-Signature"
TOLERANCE_S = 300
PURPOSE = "points-partner-secret"


def enrol(s: Session, secret_key: str, organisation_id: int) -> str:
    """Make the organisation a partner, or rotate its secret; the secret is shown once."""
    secret = "ddps_" + secrets.token_urlsafe(32)
    sealed = secretbox.seal(secret_key, PURPOSE, secret)
    s.execute(
        upsert(s, PointsPartner)
        .values(organisation_id=organisation_id, secret_encrypted=sealed, created_at=utcnow())
        .on_conflict_do_update(
            index_elements=["organisation_id"], set_={"secret_encrypted": sealed}
        )
    )
    s.commit()
    return secret


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value a partner sends (shown in the docs, used by tests and benchmarks)."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(
    s: Session, secret_key: str, organisation_id: int, header: str | None, body: bytes
) -> None:
    """401 unless the header signs this exact body, recently, with the partner's secret."""
    sealed = s.scalar(
        select(PointsPartner.secret_encrypted).where(
            PointsPartner.organisation_id == organisation_id
        )
    )
    if sealed is None:
        raise Unauthenticated("This organisation is not a points partner.")
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        raise Unauthenticated(f"Send a {HEADER} header: t=<unix time>,v1=<hex HMAC>.") from None
    if abs(time.time() - timestamp) > TOLERANCE_S:
        raise Unauthenticated("The signature is stale; sign with the current time.")
    expected = sign(secretbox.unseal(secret_key, PURPOSE, sealed), body, timestamp)
    if not hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}"):
        raise Unauthenticated("The signature does not match the body.")
