"""Why an order changed, stored by code (`order_events.reason`, `orders.refund_reason`, the
`reason` of `OrderRefunded` and `OrderClosed`, and the sandbox's `payments.last_error`) and
worded in the reader's language when shown.

A reason given by a domain above (`RefuseRetirement`) is its own code; words stored before
reasons had codes are shown as they are.
"""

from __future__ import annotations

from backend.core import messages
from backend.core.lang import Lang

PAYMENT_RECEIVED = "orders.reason.payment_received"
CREDITS_RETIRED = "orders.reason.credits_retired"
PAID_LATE = "orders.reason.paid_late"
REFUNDED_AT_PROVIDER = "orders.reason.refunded_at_provider"
CANCELLED_BEFORE_PAYMENT = "orders.reason.cancelled_before_payment"
FOOTPRINT_TAKEN = "orders.reason.footprint_taken"
NO_CREDITS_LEFT = "orders.reason.no_credits_left"
PROVIDER_FAILED = "orders.reason.provider_failed"
CANCELLED_BY_CUSTOMER = "orders.reason.cancelled_by_customer"
NEVER_STARTED = "orders.reason.never_started"
CANCELLED_AT_PROVIDER = "orders.reason.cancelled_at_provider"
NOT_PAID_IN_TIME = "orders.reason.not_paid_in_time"
FOR_A_COURT = "orders.reason.for_a_court"
SANDBOX_DECLINED = "orders.reason.sandbox_declined"


def words(stored: str, lang: Lang) -> str:
    """A stored reason in `lang`: a known code's words, anything else as it is."""
    return messages.text(stored, None, lang) if messages.known(stored) else stored
