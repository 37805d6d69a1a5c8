"""From money received to credits retired, or the money returned. Every function here is
idempotent and safe to run concurrently: the request that took the payment, the provider's
webhook, the outbox job and the reconciler may all reach the same order.

The rule: a captured payment ends as a retired order or a refunded one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.certificates import issuing
from backend.certificates import services as certificates
from backend.certificates.issuing import Issuer
from backend.certificates.models import Certificate
from backend.core.clock import utcnow
from backend.core.db import end_reads, write_lock_up_front
from backend.core.errors import NotFound
from backend.core.jobs import queue
from backend.courts.judicial import is_court_order
from backend.credits import inventory
from backend.credits.models import Reservation, ReservationStatus
from backend.orders.models import Order, OrderStatus
from backend.orders.states import transition
from backend.partners.webhooks import payloads
from backend.partners.webhooks.events import emit
from backend.payments.models import Payment, PaymentStatus
from backend.payments.provider import PaymentProvider, RemotePayment
from backend.payments.sandbox import SandboxProvider

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """What settling needs besides the database: the payment provider and the certificate
    issuer."""

    provider: PaymentProvider
    issuer: Issuer


SETTLE_JOB = "order.settle"
S = OrderStatus
UNSETTLED = (S.paid, S.expired, S.cancelled)


def _locked(s: Session, order_id: str) -> tuple[Order, Payment]:
    write_lock_up_front(s)
    row = s.execute(
        select(Order, Payment)
        .join(Payment, Payment.order_id == Order.id)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        raise NotFound("No such order.")
    return row[0], row[1]


def capture(s: Session, order_id: str, now: datetime | None = None) -> None:
    """Record that the order's money arrived, with a settle job in the same transaction."""
    now = now or utcnow()
    order, payment = _locked(s, order_id)
    if payment.status in (PaymentStatus.succeeded, PaymentStatus.refunded):
        s.rollback()
        return
    payment.status, payment.succeeded_at, payment.updated_at = PaymentStatus.succeeded, now, now
    payment.last_error = ""
    if order.status == S.awaiting_payment:
        transition(s, order.id, S.paid, now, "payment received", locked=order.status, paid_at=now)
        emit(s, order.organisation_id, "order.paid", payloads.order(s, order.id))
    queue.enqueue(s, SETTLE_JOB, order.id)
    s.commit()


def settle(s: Session, order_id: str, ctx: Context, now: datetime | None = None) -> None:
    """Retire a paid order's credits (re-reserving if its hold expired), or refund it."""
    for _ in range(3):
        try:
            _settle_once(s, order_id, ctx, now or utcnow())
            return
        except inventory.ReservationClosed:
            s.rollback()  # the hold was swept under us: look again
    raise RuntimeError(f"order {order_id} could not be settled")


def _settle_once(s: Session, order_id: str, ctx: Context, now: datetime) -> None:
    order, payment = _locked(s, order_id)
    if payment.status != PaymentStatus.succeeded or order.status not in UNSETTLED:
        queue.finish(s, SETTLE_JOB, order.id, now)
        s.commit()
        return
    if order.status == S.cancelled:
        s.rollback()
        refund(s, order_id, ctx, "cancelled before the payment arrived", now)
        return
    hold = s.execute(
        select(Reservation.id, Reservation.expires_at).where(
            Reservation.id == order.reservation_id,
            Reservation.status == ReservationStatus.active,
        )
    ).first()
    if hold is not None:
        if hold.expires_at > now:
            _retire(s, order, hold.id, ctx, now)
            return
        inventory.release(s, hold.id, ReservationStatus.expired, now)
    s.commit()
    if not _rereserve(s, order, ctx, now) and _still_unsettled(s, order_id):
        refund(s, order_id, ctx, "no credits left for a payment that arrived late", now)


def _retire(s: Session, order: Order, reservation_id: int, ctx: Context, now: datetime) -> None:
    """Allocate the held credits, issue the certificate and mark the order retired (its row is
    locked), in one transaction."""
    inventory.allocate(s, reservation_id, now)
    cert = issuing.issue(
        s,
        ctx.issuer,
        reservation_id=reservation_id,
        beneficiary=order.beneficiary,
        purpose=order.purpose,
        now=now,
        order_id=order.id,
        footprint_mass_g=order.mass_g if order.footprint_id else None,
        judicial=is_court_order(s, order.id),
    )
    status = order.status
    if status == S.expired:
        reason = "late payment; credits reserved again"
        status = S.paid
        transition(s, order.id, S.paid, now, reason, locked=S.expired, paid_at=now)
        emit(s, order.organisation_id, "order.paid", payloads.order(s, order.id))
    transition(s, order.id, S.retired, now, "credits retired", locked=status, retired_at=now)
    org = order.organisation_id
    emit(s, org, "order.retired", payloads.order(s, order.id, cert.number))
    emit(s, org, "certificate.issued", payloads.certificate(cert, ctx.issuer))
    queue.finish(s, SETTLE_JOB, order.id, now)
    s.commit()


def _rereserve(s: Session, order: Order, ctx: Context, now: datetime) -> bool:
    """Hold the order's mass again, then retire it; False if the inventory is short."""
    try:
        held = inventory.hold(
            s,
            inventory.Preferences.from_dict(order.preference_dict()),
            order.mass_g,
            reference=order.id,
            now=now,
        )
    except inventory.InsufficientInventory:
        s.rollback()
        return False
    order, _ = _locked(s, order.id)
    if order.status not in (S.paid, S.expired):
        s.rollback()  # settled meanwhile by someone else
        return True
    order.reservation_id = held.id
    _retire(s, order, held.id, ctx, now)
    return True


def _still_unsettled(s: Session, order_id: str) -> bool:
    order, payment = _locked(s, order_id)
    s.rollback()
    return payment.status == PaymentStatus.succeeded and order.status in UNSETTLED


def refund(
    s: Session, order_id: str, ctx: Context, reason: str, now: datetime | None = None
) -> None:
    """Return a captured payment in full and close the order as refunded.

    The provider is called with no lock held, under an idempotency key derived from the order,
    so a retry (the settle job) refunds at most once.
    """
    _order, payment = _locked(s, order_id)
    reference, amount = payment.reference, payment.amount
    s.rollback()
    if payment.status != PaymentStatus.succeeded or reference is None:
        return
    refund_ref = ctx.provider.refund(reference, amount, f"{order_id}:refund")
    mark_refunded(s, order_id, reason, now or utcnow(), refund_ref)


def mark_refunded(
    s: Session, order_id: str, reason: str, now: datetime, refund_ref: str | None = None
) -> None:
    """Record a refund (ours or one made at the provider); the credits go back if not retired."""
    order, payment = _locked(s, order_id)
    if order.status == S.refunded:
        s.rollback()
        return
    if order.status == S.awaiting_payment:
        transition(s, order.id, S.cancelled, now, "refunded at the provider")
    if order.status == S.retired:
        _revoke_certificate(s, order.id, reason, now)
    _release_if_active(s, order, now)
    transition(s, order.id, S.refunded, now, reason, refund_reason=reason[:200])
    payment.status, payment.refunded_at, payment.updated_at = PaymentStatus.refunded, now, now
    payment.refund_reference = refund_ref or payment.refund_reference
    queue.finish(s, SETTLE_JOB, order.id, now)
    s.commit()
    log.warning("order %s refunded: %s", order_id, reason)


def _revoke_certificate(s: Session, order_id: str, reason: str, now: datetime) -> None:
    """A refunded retirement's certificate is revoked, unless the registry has retired it."""
    number = s.scalar(select(Certificate.number).where(Certificate.order_id == order_id))
    if number is None:
        return
    try:
        certificates.revoke(s, number, f"payment refunded: {reason}", None, now)
    except certificates.RegistryRetired:
        log.warning(
            "order %s refunded but certificate %s stays: registry-retired", order_id, number
        )


def _release_if_active(
    s: Session, order: Order, now: datetime, as_: ReservationStatus = ReservationStatus.cancelled
) -> None:
    if order.reservation_id is None:
        return
    status = s.scalar(select(Reservation.status).where(Reservation.id == order.reservation_id))
    if status == ReservationStatus.active:
        inventory.release(s, order.reservation_id, as_, now)


def close_unpaid(
    s: Session, order_id: str, to: OrderStatus, reason: str, now: datetime | None = None
) -> None:
    """Cancel or expire an unpaid order and release its hold, in one transaction.

    A payment the provider could still complete stays pending until `stop_payment` (or the
    reconciler) has stopped it there; the sandbox's, or one never started, is cancelled here.
    """
    now = now or utcnow()
    end_reads(s)
    order, payment = _locked(s, order_id)
    transition(s, order_id, to, now, reason, locked=order.status)
    _release_if_active(s, order, now, ReservationStatus(to.value))
    local = payment.reference is None or payment.provider == SandboxProvider.name
    if payment.status == PaymentStatus.pending and local:
        payment.status, payment.updated_at = PaymentStatus.cancelled, now
    s.commit()


def stop_payment(s: Session, ctx: Context, order_id: str, now: datetime | None = None) -> None:
    """Cancel a closed order's pending payment at the provider, then act on what the provider
    says: if the customer paid first, settle (refund or re-reserve) instead."""
    now = now or utcnow()
    _, payment = _locked(s, order_id)
    reference, pending = payment.reference, payment.status == PaymentStatus.pending
    s.rollback()
    if not pending or reference is None:
        return
    ctx.provider.cancel(reference, f"{order_id}:cancel")
    remote = ctx.provider.fetch(reference)
    if remote is not None and remote.status == "succeeded":
        capture(s, order_id, now)
        settle(s, order_id, ctx, now)
        return
    _, payment = _locked(s, order_id)
    if payment.status == PaymentStatus.pending:
        payment.status, payment.updated_at = PaymentStatus.cancelled, now
    s.commit()


def sync(
    s: Session, ctx: Context, reference: str, now: datetime | None = None
) -> RemotePayment | None:
    """Make our record of a payment agree with the provider's, then settle what that implies."""
    now = now or utcnow()
    payment = s.scalar(
        select(Payment).where(Payment.provider == ctx.provider.name, Payment.reference == reference)
    )
    s.rollback()
    if payment is None:
        log.info("%s payment %s is not ours; ignored", ctx.provider.name, reference)
        return None
    remote = ctx.provider.fetch(reference)
    if remote is None:
        return None
    if (remote.amount, remote.currency) != (payment.amount, payment.currency):
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
        mark_refunded(s, order_id, "refunded at the provider", now)
    elif remote.status == "succeeded":
        capture(s, order_id, now)
        settle(s, order_id, ctx, now)
    else:
        _note_pending(s, ctx, order_id, remote, now)
    return remote


def _note_pending(
    s: Session, ctx: Context, order_id: str, remote: RemotePayment, now: datetime
) -> None:
    """A payment not (yet) made: keep the failure to show; a payment cancelled at the provider
    cancels its unpaid order; a closed order's payment is stopped at the provider."""
    order, payment = _locked(s, order_id)
    if payment.status != PaymentStatus.pending:
        s.rollback()
        return
    payment.last_error, payment.updated_at = remote.failure[:300], now
    if remote.status == "cancelled":
        payment.status = PaymentStatus.cancelled
    unpaid, closed = order.status == S.awaiting_payment, order.status in (S.expired, S.cancelled)
    s.commit()
    if remote.status == "cancelled" and unpaid:
        close_unpaid(s, order_id, S.cancelled, "the payment was cancelled at the provider", now)
    elif remote.status == "pending" and closed:
        stop_payment(s, ctx, order_id, now)
