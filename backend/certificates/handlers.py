"""How certificates react to orders: a retired order gets its certificate in the retirement's
transaction; a refunded one has it revoked (unless the registry has retired its units)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.certificates import issuers, issuing, services
from backend.certificates.models import Certificate
from backend.core.messages import Coded
from backend.footprint.purpose import Purpose
from backend.orders import services as orders
from backend.orders.events import OrderRefunded, OrderRetired

log = logging.getLogger(__name__)
REFUNDED = Coded("certificates.revoked_refunded")


def issue_for_order(s: Session, event: OrderRetired) -> None:
    """Issue the order's certificate (once: an order has at most one)."""
    if event.reservation_id is None or _number_of(s, event.order_id) is not None:
        return
    cert = issuing.issue(
        s,
        issuers.current(),
        reservation_id=event.reservation_id,
        beneficiary=event.beneficiary,
        purpose=Purpose.read(event.purpose),
        now=datetime.fromisoformat(event.retired_at) if event.retired_at else event.at,
        order_id=event.order_id,
        footprint_mass_g=event.mass_g if event.footprint_id else None,
        judicial=event.judicial,
        user_id=event.user_id,
        organisation_id=event.organisation_id,
    )
    orders.note_certificate(s, event.order_id, cert.number)


def revoke_for_refund(s: Session, event: OrderRefunded) -> None:
    """A refunded retirement's certificate is revoked, unless the registry has retired it."""
    number = _number_of(s, event.order_id)
    if number is None:
        return
    try:
        services.revoke(s, number, REFUNDED, None, event.at)
    except services.RegistryRetired:
        log.warning(
            "order %s refunded but certificate %s stays: registry-retired", event.order_id, number
        )


def _number_of(s: Session, order_id: str) -> str | None:
    return s.scalar(select(Certificate.number).where(Certificate.order_id == order_id))
