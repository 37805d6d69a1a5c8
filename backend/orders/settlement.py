"""From money received to credits retired, or the money returned. Every function here is
idempotent and safe to run concurrently: the request that took the payment, the provider's
webhook, the outbox job and the reconciler may all reach the same order.

The rule: a captured payment ends as a retired order or a refunded one.

Settlement talks to the payment provider, and never while it holds a lock or an open write
transaction: before each call to the provider it commits what it has done (`uow.step`), so it is
one of the multi-transaction use cases listed in docs/architecture.md.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.errors import NotFound
from backend.core.events import bus
from backend.core.jobs import queue
from backend.credits import inventory
from backend.credits.models import Reservation, ReservationStatus
from backend.footprint import claims
from backend.orders import events, reasons
from backend.orders.models import Order, OrderStatus
from backend.orders.states import transition
from backend.payments.models import Payment, PaymentStatus
from backend.payments.provider import PaymentProvider, RemotePayment
from backend.payments.sandbox import SandboxProvider

log = logging.getLogger(__name__)

SETTLE_JOB = "order.settle"
S = OrderStatus
UNSETTLED = (S.paid, S.expired, S.cancelled)


def lock(s: Session, order_id: str) -> tuple[Order, Payment]:
    """The order and its payment, read afresh and locked (404 if there is no such order)."""
    return _locked(s, order_id)


def _locked(s: Session, order_id: str) -> tuple[Order, Payment]:
    row = s.execute(
        select(Order, Payment)
        .join(Payment, Payment.order_id == Order.id)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        raise NotFound("orders.no_such_order")
    return row[0], row[1]


def announce(s: Session, kind: type[events.OrderChanged], order: Order, **extra: Any) -> None:
    """Publish `kind` with the order as it now stands (`transition` keeps it in step)."""
    bus.publish(
        s,
        kind(
            order_id=order.id,
            status=order.status.value,
            user_id=order.user_id,
            organisation_id=order.organisation_id,
            footprint_id=order.footprint_id,
            mass_g=order.mass_g,
            amount=order.amount,
            currency=order.currency,
            beneficiary=order.beneficiary,
            purpose=order.purpose_of.as_dict(),
            judicial=order.judicial,
            reservation_id=order.reservation_id,
            paid_at=_iso(order.paid_at),
            retired_at=_iso(order.retired_at),
            **extra,
        ),
    )


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def capture(
    s: Session,
    order_id: str,
    now: datetime | None = None,
    *,
    later: bool = True,
    locked: tuple[Order, Payment] | None = None,
) -> tuple[Order, Payment]:
    """Record that the order's money arrived; with `later`, a settle job makes sure it is
    settled even if this process dies before it does. Returns the order and payment, locked
    (`locked`: this transaction already holds them)."""
    now = now or utcnow()
    order, payment = locked or _locked(s, order_id)
    if payment.status in (PaymentStatus.succeeded, PaymentStatus.refunded):
        return order, payment
    payment.status, payment.succeeded_at, payment.updated_at = PaymentStatus.succeeded, now, now
    payment.last_error = ""
    if order.status == S.awaiting_payment:
        transition(s, order, S.paid, now, reasons.PAYMENT_RECEIVED, paid_at=now)
        announce(s, events.OrderPaid, order)
    if later:
        queue.enqueue(s, SETTLE_JOB, order.id)
    return order, payment


def pay_and_settle(
    s: Session,
    locked: tuple[Order, Payment],
    provider: PaymentProvider,
    now: datetime | None = None,
) -> None:
    """Capture and settle at once, in this transaction (the sandbox: no remote money to record
    first), the order and payment locked by the caller. No settle job is written; and none can
    exist to be finished when the payment is still pending under the lock, since the only one
    that writes it (`capture` with `later`) marks the payment succeeded in the same
    transaction."""
    order, payment = locked
    now = now or utcnow()
    pending = payment.status not in (PaymentStatus.succeeded, PaymentStatus.refunded)
    capture(s, order.id, now, later=False, locked=locked)
    settle(s, order.id, provider, now, locked=locked, job=not pending)


class _Refund(Exception):
    """Settling found that the money must go back, for `reason` (a code of `reasons`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def settle(
    s: Session,
    order_id: str,
    provider: PaymentProvider,
    now: datetime | None = None,
    *,
    locked: tuple[Order, Payment] | None = None,
    job: bool = True,
) -> None:
    """Retire a paid order's credits (re-reserving if its hold expired), or refund it.

    `locked` is the order and payment this transaction already holds locked (from `capture`).
    A hold swept away under us is noticed before anything is written (the reservation's row
    lock), so settling simply looks again. `job=False`: the caller knows no settle job exists
    (see `pay_and_settle`), so none is marked done on retirement."""
    now = now or utcnow()
    for _ in range(3):
        try:
            _settle_once(s, locked or _locked(s, order_id), now, job=job)
            return
        except inventory.ReservationClosed:
            locked = None  # the hold was swept under us: look again
        except (_Refund, events.RefuseRetirement) as why:
            refund(s, order_id, provider, why.reason, now)
            return
    raise RuntimeError(f"order {order_id} could not be settled")


def _settle_once(
    s: Session, locked: tuple[Order, Payment], now: datetime, *, job: bool = True
) -> None:
    order, payment = locked
    if payment.status != PaymentStatus.succeeded or order.status not in UNSETTLED:
        queue.finish(s, SETTLE_JOB, order.id, now)
        return
    if order.status == S.cancelled:
        raise _Refund(reasons.CANCELLED_BEFORE_PAYMENT)
    if order.status == S.paid and order.reservation_id is not None:
        # the common case: the hold is still active and not due. `allocate` locks and checks
        # it before writing anything, so a closed or due hold costs only this attempt.
        try:
            inventory.allocate(s, order.reservation_id, now)
        except inventory.ReservationClosed:
            pass  # closed or due: look at it below
        else:
            _retired(s, order, now, job=job)
            return
    hold = s.execute(
        select(Reservation.id, Reservation.expires_at).where(
            Reservation.id == order.reservation_id,
            Reservation.status == ReservationStatus.active,
        )
    ).first()
    if hold is not None and hold.expires_at > now and order.status == S.paid:
        _retire(s, order, hold.id, now, job=job)
        return
    # a late payment: the order revives, which a domain above may refuse (a court case that no
    # longer needs it), so its writes are undone together with the retirement
    with uow.savepoint(s):
        if order.status == S.expired:
            _claim_again(s, order, now)
        if hold is not None and hold.expires_at <= now:
            inventory.release(s, hold.id, ReservationStatus.expired, now)
            hold = None
        _retire(s, order, hold.id if hold is not None else _hold_again(s, order, now), now, job=job)


def _claim_again(s: Session, order: Order, now: datetime) -> None:
    """Claim the footprint of an expired order anew (its claim ended with it); refund if
    another order has neutralised any of it since."""
    if order.footprint_id is None:
        return
    if claims.claim(s, order.footprint_id, order.id, now) is not None:
        raise _Refund(reasons.FOOTPRINT_TAKEN)


def _hold_again(s: Session, order: Order, now: datetime) -> int:
    """Hold the order's mass anew (its hold expired); refund if the stock is short."""
    try:
        held = inventory.hold(
            s,
            inventory.Preferences.from_dict(order.preference_dict),
            order.mass_g,
            reference=order.id,
            now=now,
        )
    except inventory.InsufficientInventory:
        raise _Refund(reasons.NO_CREDITS_LEFT) from None
    order.reservation_id = held.id
    return held.id


def _retire(
    s: Session, order: Order, reservation_id: int, now: datetime, *, job: bool = True
) -> None:
    """Allocate the held credits and mark the order retired (its row is locked). The
    certificate is issued by the `OrderRetired` handler, in this same transaction."""
    inventory.allocate(s, reservation_id, now)
    _retired(s, order, now, job=job)


def _retired(s: Session, order: Order, now: datetime, *, job: bool = True) -> None:
    """Mark the order retired once its credits are allocated."""
    if order.status == S.expired:
        transition(s, order, S.paid, now, reasons.PAID_LATE, paid_at=now)
        announce(s, events.OrderPaid, order)
    transition(s, order, S.retired, now, reasons.CREDITS_RETIRED, retired_at=now)
    announce(s, events.OrderRetired, order)
    if job:
        queue.finish(s, SETTLE_JOB, order.id, now)


def refund(
    s: Session, order_id: str, provider: PaymentProvider, reason: str, now: datetime | None = None
) -> None:
    """Return a captured payment in full and close the order as refunded.

    What was done so far is committed first: the provider is called with no lock held, under an
    idempotency key derived from the order, so a retry (the settle job) refunds at most once.
    """
    _order, payment = _locked(s, order_id)
    reference, amount, captured = payment.reference, payment.amount, payment.status
    uow.step(s)
    if captured != PaymentStatus.succeeded or reference is None:
        return
    refund_ref = provider.refund(reference, amount, f"{order_id}:refund")
    mark_refunded(s, order_id, reason, now or utcnow(), refund_ref)


def mark_refunded(
    s: Session, order_id: str, reason: str, now: datetime, refund_ref: str | None = None
) -> None:
    """Record a refund (ours or one made at the provider); the credits go back if not retired,
    and `OrderRefunded` lets the certificate be revoked."""
    order, payment = _locked(s, order_id)
    if order.status == S.refunded:
        return
    if order.status == S.awaiting_payment:
        transition(s, order, S.cancelled, now, reasons.REFUNDED_AT_PROVIDER)
    _release_if_active(s, order, now)
    transition(s, order, S.refunded, now, reason, refund_reason=reason[:200])
    _release_claim(s, order)
    payment.status, payment.refunded_at, payment.updated_at = PaymentStatus.refunded, now, now
    payment.refund_reference = refund_ref or payment.refund_reference
    announce(s, events.OrderRefunded, order, reason=reason[:200])
    queue.finish(s, SETTLE_JOB, order.id, now)
    log.warning("order %s refunded: %s", order_id, reason)


def _release_if_active(
    s: Session, order: Order, now: datetime, as_: ReservationStatus = ReservationStatus.cancelled
) -> None:
    if order.reservation_id is None:
        return
    status = s.scalar(select(Reservation.status).where(Reservation.id == order.reservation_id))
    if status == ReservationStatus.active:
        inventory.release(s, order.reservation_id, as_, now)


def _release_claim(s: Session, order: Order) -> None:
    """The order is no longer live: its footprint (and all it includes) may be ordered again."""
    if order.footprint_id is not None:
        claims.release(s, order.id)


def close_unpaid(
    s: Session, order_id: str, to: OrderStatus, reason: str, now: datetime | None = None
) -> None:
    """Cancel or expire an unpaid order and release its hold.

    A payment the provider could still complete stays pending until `stop_payment` (or the
    reconciler) has stopped it there; the sandbox's, or one never started, is cancelled here.
    """
    now = now or utcnow()
    order, payment = _locked(s, order_id)
    transition(s, order, to, now, reason)
    _release_if_active(s, order, now, ReservationStatus(to.value))
    _release_claim(s, order)
    local = payment.reference is None or payment.provider == SandboxProvider.name
    if payment.status == PaymentStatus.pending and local:
        payment.status, payment.updated_at = PaymentStatus.cancelled, now
    announce(s, events.OrderClosed, order, reason=reason[:200])


def stop_payment(
    s: Session, provider: PaymentProvider, order_id: str, now: datetime | None = None
) -> None:
    """Cancel a closed order's pending payment at the provider, then act on what the provider
    says: if the customer paid first, settle (refund or re-reserve) instead."""
    now = now or utcnow()
    _, payment = _locked(s, order_id)
    reference, pending = payment.reference, payment.status == PaymentStatus.pending
    uow.step(s)
    if not pending or reference is None:
        return
    provider.cancel(reference, f"{order_id}:cancel")
    remote = provider.fetch(reference)
    if remote is not None and remote.status == "succeeded":
        capture(s, order_id, now)
        uow.step(s)
        settle(s, order_id, provider, now)
        return
    s.execute(
        update(Payment)
        .where(Payment.order_id == order_id, Payment.status == PaymentStatus.pending)
        .values(status=PaymentStatus.cancelled, updated_at=now)
    )


def sync(
    s: Session, provider: PaymentProvider, reference: str, now: datetime | None = None
) -> RemotePayment | None:
    """Make our record of a payment agree with the provider's, then settle what that implies."""
    now = now or utcnow()
    payment = s.scalar(
        select(Payment).where(Payment.provider == provider.name, Payment.reference == reference)
    )
    uow.step(s)
    if payment is None:
        log.info("%s payment %s is not ours; ignored", provider.name, reference)
        return None
    remote = provider.fetch(reference)
    if remote is None:
        return None
    # money is acted on only at the order's amount; a payment not made moves none (Alipay has
    # no trade, so no amount, until the payer opens its cashier)
    paid = remote.status != "pending" or remote.amount_refunded > 0
    if paid and (remote.amount, remote.currency) != (payment.amount, payment.currency):
        log.error(
            "payment %s: provider says %s %s, we asked %s %s; not acted on",
            reference,
            remote.amount,
            remote.currency,
            payment.amount,
            payment.currency,
        )
        return remote
    order_id = payment.order_id
    if remote.amount_refunded >= remote.amount > 0:
        mark_refunded(s, order_id, reasons.REFUNDED_AT_PROVIDER, now)
    elif remote.status == "succeeded":
        capture(s, order_id, now)
        uow.step(s)
        settle(s, order_id, provider, now)
    else:
        _note_pending(s, provider, order_id, remote, now)
    return remote


def _note_pending(
    s: Session, provider: PaymentProvider, order_id: str, remote: RemotePayment, now: datetime
) -> None:
    """A payment not (yet) made: keep the failure to show; a payment cancelled at the provider
    cancels its unpaid order; a closed order's payment is stopped at the provider."""
    order, payment = _locked(s, order_id)
    if payment.status != PaymentStatus.pending:
        return
    payment.last_error, payment.updated_at = remote.failure[:300], now
    if remote.status == "cancelled":
        payment.status = PaymentStatus.cancelled
    unpaid, closed = order.status == S.awaiting_payment, order.status in (S.expired, S.cancelled)
    if remote.status == "cancelled" and unpaid:
        close_unpaid(s, order_id, S.cancelled, reasons.CANCELLED_AT_PROVIDER, now)
    elif remote.status == "pending" and closed:
        stop_payment(s, provider, order_id, now)
