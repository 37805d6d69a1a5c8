"""What courts tell the domains above them."""

from __future__ import annotations

from dataclasses import dataclass

from backend.core.events.bus import Event


@dataclass(frozen=True, kw_only=True)
class CertificateVerified(Event):
    """A court verified (核销) a judicial certificate for one of its cases, once ever."""

    type = "certificate.verified"
    number: str
    mass_g: int
    court_id: int  # the court's organisation
    court_name: str
    case_id: str
    case_number: str
    buyer_organisation_id: int | None
    verified_at: str  # ISO 8601, UTC
