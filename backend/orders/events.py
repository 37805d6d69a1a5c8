"""What orders tell the domains above them (published in the transaction of the change).

Each carries a snapshot of the order as it stood at that moment, so a handler that runs later
sees the order as it was then, not as it is when the handler runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.core.events.bus import Event


@dataclass(frozen=True, kw_only=True)
class OrderChanged(Event):
    """Base of the order events: the order's public state after the change."""

    order_id: str
    status: str
    user_id: int | None
    organisation_id: int | None
    footprint_id: str | None
    mass_g: int
    amount: int
    currency: str
    beneficiary: str
    purpose: dict[str, Any]  # `Purpose.as_dict()` (text, in events from before it was structured)
    judicial: bool
    reservation_id: int | None
    paid_at: str | None  # ISO 8601, UTC
    retired_at: str | None


@dataclass(frozen=True, kw_only=True)
class OrderPaid(OrderChanged):
    """The customer's money arrived (before the credits are retired)."""

    type = "order.paid"


@dataclass(frozen=True, kw_only=True)
class OrderRetired(OrderChanged):
    """The order's credits were allocated and retired for its beneficiary. Inline handlers
    issue the certificate in the same transaction."""

    type = "order.retired"


@dataclass(frozen=True, kw_only=True)
class OrderRefunded(OrderChanged):
    """The money went back; if the order was retired, its certificate must be revoked."""

    type = "order.refunded"
    reason: str  # a code (`orders.reasons`), worded by `reasons.words`


@dataclass(frozen=True, kw_only=True)
class OrderClosed(OrderChanged):
    """An unpaid order was cancelled or expired, and its credits released (`status` says
    which)."""

    type = "order.closed"
    reason: str  # a code (`orders.reasons`), worded by `reasons.words`


class RefuseRetirement(Exception):
    """Raised by an inline handler of `OrderPaid` (for an order revived by a late payment) when
    the order must not be retired after all; settlement refunds the payment instead, for
    `reason`: a code of the raising domain's `messages.toml`, stored as the refund's reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
