"""Alipay's asynchronous notifications, acted on. The provider verifies one (RSA2 with Alipay's
key, our app id and seller); here it is skipped if handled before (its `notify_id`), refused
unless it names one of our payments at exactly the order's amount, then acted on from Alipay's
own record, asked anew, never from the body alone:

- a refund (`out_biz_no`): the refund is queried, and one that returned the whole payment marks
  the order refunded (its certificate is then revoked unless the registry has retired its units);
- anything else (`TRADE_SUCCESS`, `TRADE_FINISHED`, `TRADE_CLOSED`, `WAIT_BUYER_PAY`): the
  payment is synced like any provider's (`settlement.sync`, from `alipay.trade.query`), so a
  notification that comes late or out of order settles only what Alipay's record says now.

The `notify_id` is recorded once the notification is handled, so one whose handling failed
comes back (Alipay retries until it reads `success`) and is handled then.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.errors import NotFound
from backend.orders import reasons, settlement
from backend.orders.payment_webhooks import Ack, record, seen
from backend.payments.alipay import AlipayProvider, parse_form
from backend.payments.models import Payment
from backend.payments.provider import InvalidWebhook, PaymentProvider

log = logging.getLogger(__name__)

NAME = "alipay"


def receive(s: Session, rails: Mapping[str, PaymentProvider], payload: bytes) -> Ack:
    """Handle one notification (its form-encoded body)."""
    provider = rails.get(NAME)
    if not isinstance(provider, AlipayProvider):
        raise NotFound("orders.alipay_not_configured")
    note = provider.read_notification(parse_form(payload))
    if seen(s, NAME, note.id):
        return Ack("duplicate")
    payment = s.scalar(
        select(Payment).where(Payment.provider == NAME, Payment.reference == note.reference)
    )
    if payment is None:
        raise InvalidWebhook("orders.alipay_unknown_trade")
    if (note.amount, "CNY") != (payment.amount, payment.currency):
        log.error(
            "Alipay notification %s: %s fen for order %s of %s %s; refused",
            note.id,
            note.amount,
            payment.order_id,
            payment.amount,
            payment.currency,
        )
        raise InvalidWebhook("orders.alipay_other_amount")
    if note.refund_no is not None:
        _refund(s, provider, note.reference, note.refund_no, payment.order_id, payment.amount)
    else:
        settlement.sync(s, provider, note.reference)
    record(s, NAME, [(note.id, note.type, note.reference)])
    return Ack("processed")


def _refund(
    s: Session, provider: AlipayProvider, reference: str, number: str, order_id: str, amount: int
) -> None:
    """Mark the order refunded if Alipay says refund `number` returned the whole payment."""
    uow.step(s)  # Alipay is asked with no transaction open
    refund = provider.fetch_refund(reference, number)
    if refund is None or not refund.done:
        log.warning("Alipay refund %s of order %s: not done at Alipay", number, order_id)
        return
    if (refund.amount, refund.total) != (amount, amount):
        log.error(
            "Alipay refund %s of order %s: %s of %s fen refunded, the order is %s; not acted on",
            number,
            order_id,
            refund.amount,
            refund.total,
            amount,
        )
        return
    settlement.mark_refunded(s, order_id, reasons.REFUNDED_AT_PROVIDER, utcnow(), number)
