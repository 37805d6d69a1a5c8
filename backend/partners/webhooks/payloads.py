"""The `data` of the events orders and certificates emit (see shared/schemas/webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.certificates import issuing
from backend.certificates.issuing import Issuer
from backend.certificates.models import Certificate
from backend.orders.models import Order


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def order(s: Session, order_id: str, certificate_number: str | None = None) -> dict[str, Any]:
    """An order as `order.paid` and `order.retired` carry it, read fresh in the caller's
    transaction (so it shows the transition just made)."""
    o = s.execute(
        select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
    ).scalar_one()
    return {
        "id": o.id,
        "status": o.status.value,
        "mass_g": o.mass_g,
        "amount": o.amount,
        "currency": o.currency,
        "beneficiary": o.beneficiary,
        "purpose": o.purpose,
        "footprint_id": o.footprint_id,
        "certificate_number": certificate_number,
        "paid_at": _iso(o.paid_at),
        "retired_at": _iso(o.retired_at),
    }


def certificate(cert: Certificate, issuer: Issuer) -> dict[str, Any]:
    """A certificate as `certificate.issued` carries it, with absolute verify and PNG links."""
    base = issuer.base_url.rstrip("/")
    return {
        "number": cert.number,
        "order_id": cert.order_id,
        "mass_g": cert.mass_g,
        "beneficiary": cert.beneficiary,
        "purpose": cert.purpose,
        "issued_at": cert.issued_at.isoformat(),
        "verify_url": issuing.verify_url(issuer, cert),
        "png_url": f"{base}/api/v1/certificates/{cert.number}.png",
        "judicial": cert.judicial,
    }
