"""The reconciler: money is never kept without credits retired, or else refunded.

It settles captured payments whose order is not settled (a crash between payment and
retirement, a lost job), asks the provider about payments that stayed pending (a lost webhook),
cancels orders whose payment never started, and expires unpaid orders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.orders import services, settlement
from backend.orders.models import Order
from backend.orders.states import IllegalTransition
from backend.payments.models import Payment, PaymentStatus
from backend.payments.provider import PaymentProvider

log = logging.getLogger(__name__)
STALE = timedelta(minutes=5)


@dataclass
class Report:
    settled: int = 0
    checked: int = 0
    abandoned: int = 0
    expired: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.settled} captured payments settled, {self.checked} pending payments checked "
            f"with the provider, {self.abandoned} orders whose payment never started cancelled, "
            f"{self.expired} unpaid orders expired, {self.failed} failures"
        )


def reconcile(
    s: Session,
    rails: Mapping[str, PaymentProvider],
    now: datetime | None = None,
    limit: int = 500,
) -> Report:
    """One pass, each payment through its own provider (those no longer configured are left
    alone); safe to run from several workers at once."""
    now = now or utcnow()
    report = Report()
    unsettled = s.execute(
        select(Order.id, Payment.provider)
        .join(Payment, Payment.order_id == Order.id)
        .where(
            Payment.status == PaymentStatus.succeeded,
            Order.status.in_(settlement.UNSETTLED),
            Payment.provider.in_(list(rails)),
        )
        .limit(limit)
    ).all()
    stale = s.execute(
        select(Payment.order_id, Payment.reference, Payment.provider)
        .where(
            Payment.status == PaymentStatus.pending,
            Payment.created_at <= now - STALE,
            Payment.provider.in_(list(rails)),
        )
        .limit(limit)
    ).all()
    uow.step(s)
    for order_id, name in unsettled:
        settle = partial(settlement.settle, s, order_id, rails[name])
        report.failed += not _attempt(settle, s)
        report.settled += 1
    for order_id, reference, name in stale:
        provider = rails[name]
        if reference is None:
            report.abandoned += _attempt(partial(services.abandon, s, order_id), s)
        elif not provider.sandbox:
            report.failed += not _attempt(partial(settlement.sync, s, provider, reference), s)
            report.checked += 1
    report.expired = services.expire_due(s, now)
    return report


def _attempt(repair: Callable[[], object], s: Session) -> bool:
    """Run one repair in a transaction of its own; a failure is logged and left for the next
    pass."""
    try:
        repair()
    except IllegalTransition:
        uow.abandon(s)
        return False
    except Exception:
        uow.abandon(s)
        log.exception("reconciler step failed; it will be retried")
        return False
    uow.step(s)
    return True
