"""Low-carbon venues and their rotating check-in codes.

A venue's code is a URL, `<public base>/checkin?v=<venue id>&w=<window>&s=<signature>`, where
`window` is the number of whole `window_s` periods since the Unix epoch and `signature` is the
first 128 bits of HMAC-SHA256(venue secret, "<venue id>.<window>"), base64url without padding.
The venue's staff show it (a new one each window); a citizen's phone posts it back. The
current window and the one before are accepted, so a code scanned just before it changes still
counts, and a screenshot sent home is dead one to two windows later. Both the window a code
names and the window it is checked in are read from the server's clock, so the staff phone's
and the citizen's clocks do not matter.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from cryptography.hazmat.primitives import constant_time, hashes, hmac
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.core import secretbox
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.errors import DomainError, NotFound
from backend.points.models import Venue, VenueKind

PURPOSE = "points-venue-secret"
SIGNATURE_BYTES = 16  # HMAC-SHA256 truncated to 128 bits (RFC 2104 §5): a shorter QR
PATH = "/checkin"


class VenueCodeRefused(DomainError):
    """Not a current code of an active venue: the person is asked to scan it at the venue;
    `reason` (an extension member) says which check failed, for programs and logs."""

    status, slug, title = 422, "venue-code-refused", "Scan the code at the venue"


@dataclass(frozen=True)
class Code:
    """A venue's code for one window, and when the next one replaces it."""

    venue: Venue
    window: int
    url: str
    expires_at: datetime
    expires_in: float  # seconds, from the server's clock: the screen refreshes after them
    window_seconds: int


def create(
    s: Session,
    secret_key: str,
    organisation_id: int,
    *,
    name_zh: str,
    name_en: str,
    kind: VenueKind,
    active: bool = True,
) -> Venue:
    """A venue of the organisation (whose staff will show its code), with a new secret."""
    if s.get(Organisation, organisation_id) is None:
        raise NotFound("accounts.no_organisation")
    sealed = secretbox.seal(secret_key, PURPOSE, secrets.token_urlsafe(32))
    venue = Venue(
        id=random_id("ven_"),
        organisation_id=organisation_id,
        name_zh=name_zh,
        name_en=name_en,
        kind=kind,
        secret_sealed=sealed,
        active=active,
        created_at=utcnow(),
    )
    s.add(venue)
    s.flush()
    return venue


def of_organisation(s: Session, organisation_id: int) -> list[Venue]:
    return list(
        s.scalars(
            select(Venue).where(Venue.organisation_id == organisation_id).order_by(Venue.created_at)
        )
    )


def get(s: Session, venue_id: str) -> Venue:
    venue = s.get(Venue, venue_id)
    if venue is None:
        raise NotFound("points.venue_not_found")
    return venue


def update(s: Session, venue: Venue, changes: dict[str, Any]) -> Venue:
    for name, value in changes.items():
        setattr(venue, name, value)
    s.flush()
    return venue


def signature(secret: str, venue_id: str, window: int) -> str:
    mac = hmac.HMAC(secret.encode(), hashes.SHA256())
    mac.update(f"{venue_id}.{window}".encode())
    return base64.urlsafe_b64encode(mac.finalize()[:SIGNATURE_BYTES]).decode().rstrip("=")


def window_of(at: datetime, window_s: int) -> int:
    return int(at.timestamp()) // window_s


def current_code(
    venue: Venue, secret_key: str, base_url: str, window_s: int, now: datetime | None = None
) -> Code:
    """The code staff show now (an inactive venue has one too; it is refused when posted)."""
    now = now or utcnow()
    window = window_of(now, window_s)
    sig = signature(secretbox.unseal(secret_key, PURPOSE, venue.secret_sealed), venue.id, window)
    query = urlencode({"v": venue.id, "w": window, "s": sig})
    ends = datetime.fromtimestamp((window + 1) * window_s, UTC)
    url = f"{base_url}{PATH}?{query}"
    return Code(venue, window, url, ends, (ends - now).total_seconds(), window_s)


def _parse(raw: str) -> tuple[str, int, str] | None:
    """(venue id, window, signature) from the URL, or from its query alone; None otherwise."""
    query = raw.strip().split("?", 1)[-1].split("#", 1)[0]
    fields = parse_qs(query)
    try:
        (venue_id,), (window,), (sig,) = fields["v"], fields["w"], fields["s"]
        return venue_id, int(window), sig
    except (KeyError, ValueError):
        return None


def verify(
    s: Session, secret_key: str, raw: str, window_s: int, now: datetime | None = None
) -> Venue:
    """The active venue whose code, current or one window old, `raw` is; 422 otherwise."""
    parsed = _parse(raw)
    if parsed is None:
        raise VenueCodeRefused("points.scan_at_venue", reason="malformed")
    venue_id, window, sig = parsed
    venue = s.get(Venue, venue_id)
    if venue is None:
        raise VenueCodeRefused("points.scan_at_venue", reason="unknown_venue")
    expected = signature(
        secretbox.unseal(secret_key, PURPOSE, venue.secret_sealed), venue_id, window
    )
    if not constant_time.bytes_eq(expected.encode(), sig.encode()):
        raise VenueCodeRefused("points.scan_at_venue", reason="forged")
    current = window_of(now or utcnow(), window_s)
    if window not in (current, current - 1):
        raise VenueCodeRefused("points.scan_at_venue", reason="expired")
    if not venue.active:
        raise VenueCodeRefused("points.scan_at_venue", reason="inactive")
    return venue
