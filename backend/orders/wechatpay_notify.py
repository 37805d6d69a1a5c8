"""WeChat Pay's notifications, acted on: the provider verifies and decrypts one; here it is
skipped if handled before (its id), refused if its nonce was seen on another one (a replay),
then acted on from WeChat Pay's own record, queried anew, never from the body alone:

- `TRANSACTION.SUCCESS`: the payment is synced like any provider's (`settlement.sync`);
- `REFUND.SUCCESS`: the refund is queried, and a full one marks the order refunded (its
  certificate is then revoked unless the registry has retired its units);
- `REFUND.ABNORMAL`, `REFUND.CLOSED`: the refund did not reach the payer; logged for a person.

The id and the nonce are recorded with what was done, so a notification whose handling failed
comes back (WeChat Pay retries) and is handled then.
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
from backend.payments.models import Payment
from backend.payments.provider import InvalidWebhook, PaymentProvider
from backend.payments.wechatpay import Notification, WechatPayProvider

log = logging.getLogger(__name__)

NAME = "wechatpay"
NONCE = "nonce:"  # a nonce's row among the provider's events
PAID = "TRANSACTION.SUCCESS"
REFUND = "REFUND."


def receive(
    s: Session, rails: Mapping[str, PaymentProvider], payload: bytes, headers: Mapping[str, str]
) -> Ack:
    """Handle one notification; a kind we do not act on is acknowledged (`ignored`)."""
    provider = rails.get(NAME)
    if not isinstance(provider, WechatPayProvider):
        raise NotFound("orders.wechatpay_not_configured")
    note = provider.read_notification(payload, headers)
    if seen(s, NAME, note.id):
        return Ack("duplicate")
    if seen(s, NAME, NONCE + note.nonce):
        raise InvalidWebhook("orders.wechatpay_replay")
    outcome = "ignored"
    if note.type == PAID and note.reference is not None:
        settlement.sync(s, provider, note.reference)
        outcome = "processed"
    elif note.type.startswith(REFUND) and note.reference and note.refund_no:
        _refund(s, provider, note)
        outcome = "processed"
    record(
        s,
        NAME,
        [(note.id, note.type, note.reference or ""), (NONCE + note.nonce, "nonce", note.id)],
    )
    return Ack(outcome)


def _refund(s: Session, provider: WechatPayProvider, note: Notification) -> None:
    """Mark the order refunded if WeChat Pay says this refund returned the whole payment."""
    payment = s.scalar(
        select(Payment).where(Payment.provider == NAME, Payment.reference == note.reference)
    )
    uow.step(s)  # WeChat Pay is asked with no transaction open
    if payment is None or note.refund_no is None:
        log.info("WeChat Pay refund of %s: not our payment; ignored", note.reference)
        return
    refund = provider.fetch_refund(note.refund_no)
    if refund is None or refund.reference != note.reference:
        log.error(
            "WeChat Pay refund %s of %s: unknown to WeChat Pay", note.refund_no, note.reference
        )
        return
    if refund.status != "SUCCESS":
        if refund.status in ("ABNORMAL", "CLOSED"):
            log.error(
                "WeChat Pay refund %s of order %s is %s: settle it in the merchant console",
                note.refund_no,
                payment.order_id,
                refund.status,
            )
        return
    whole = (refund.amount, refund.total, refund.currency) == (
        payment.amount,
        payment.amount,
        payment.currency,
    )
    if not whole:
        log.error(
            "WeChat Pay refund %s of order %s: %s of %s %s refunded, the order is %s %s; "
            "not acted on",
            note.refund_no,
            payment.order_id,
            refund.amount,
            refund.total,
            refund.currency,
            payment.amount,
            payment.currency,
        )
        return
    settlement.mark_refunded(
        s, payment.order_id, reasons.REFUNDED_AT_PROVIDER, utcnow(), refund.refund_id
    )
