"""What certificates tell the domains above them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.core.events.bus import Event


@dataclass(frozen=True, kw_only=True)
class CertificateIssued(Event):
    """A certificate was issued for retired credits (an order's or a points redemption's)."""

    type = "certificate.issued"
    number: str
    order_id: str | None
    user_id: int | None
    organisation_id: int | None
    mass_g: int
    beneficiary: str
    purpose: dict[str, Any]  # `Purpose.as_dict()` (text, in events from before)
    judicial: bool
    issued_at: str  # ISO 8601, UTC
