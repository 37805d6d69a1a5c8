"""The payment-provider interface. Sandbox, Stripe, WeChat Pay and Alipay implement it: start a
payment, read its state back, cancel, refund, and verify a webhook into an event that names the
payment it concerns.

A provider with several ways to pay (WeChat Pay: JSAPI, H5, Native; Alipay: wap, page) also has
`payer_for`, which chooses the way for a `Payer` and refuses what it cannot do before anything
is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from backend.core.errors import DomainError

RemoteStatus = Literal["pending", "succeeded", "cancelled"]
_MOBILE = re.compile(r"Mobile|Android|iPhone|iPad|HarmonyOS", re.IGNORECASE)


class ProviderError(DomainError):
    status, slug, title = 502, "payment-provider-error", "The payment provider failed"


class InvalidWebhook(DomainError):
    status, slug, title = 400, "invalid-webhook", "The webhook could not be verified"


@dataclass(frozen=True)
class Payer:
    """Who pays and from where, for a provider whose way to pay depends on it."""

    channel: str | None = None  # the way asked for (WeChat Pay: jsapi, h5, native; Alipay: wap,
    # page); None: chosen by the provider
    openid: str | None = None  # the payer's WeChat openid under the merchant's app id (JSAPI)
    user_agent: str = ""  # the client's, to choose the way when none is asked for
    ip: str = ""  # the client's address (WeChat Pay's H5 requires it)

    @property
    def mobile(self) -> bool:
        """The client says it is a phone or tablet."""
        return _MOBILE.search(self.user_agent) is not None


@dataclass(frozen=True)
class PaymentRequest:
    order_id: str
    amount: int  # fen
    currency: str
    description: str
    idempotency_key: str
    payer: Payer = field(default_factory=Payer)
    expires_at: datetime | None = None  # when the order stops waiting for it


@dataclass(frozen=True)
class Started:
    reference: str
    client_secret: str | None = None


@dataclass(frozen=True)
class RemotePayment:
    """The provider's own record of a payment: the authority a webhook is checked against."""

    reference: str
    status: RemoteStatus
    amount: int
    currency: str
    amount_refunded: int = 0
    failure: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    reference: str | None  # the payment this event concerns, if any


class PaymentProvider(Protocol):
    name: str
    sandbox: bool
    minimum_amount: int  # fen

    def start(self, req: PaymentRequest) -> Started:
        """Create the payment the customer will complete."""
        ...

    def fetch(self, reference: str) -> RemotePayment | None:
        """The provider's state of a payment; None when we hold the only record (sandbox)."""
        ...

    def cancel(self, reference: str, idempotency_key: str) -> None:
        """Stop a payment that has not succeeded from being completed."""
        ...

    def refund(self, reference: str, amount: int, idempotency_key: str) -> str:
        """Refund a succeeded payment in full; returns the refund's reference."""
        ...

    def instructions(
        self, order_id: str, reference: str | None, client_secret: str | None
    ) -> dict[str, Any]:
        """What a client needs to pay (shown with the order)."""
        ...

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> WebhookEvent:
        """Check a webhook's signature and age; InvalidWebhook if it fails."""
        ...


def payer_for(provider: PaymentProvider, payer: Payer) -> Payer:
    """The payer with the way `provider` will take it (422 naming the field it cannot do); a
    provider with one way to pay takes it as it is."""
    choose = getattr(provider, "payer_for", None)
    return payer if choose is None else choose(payer)
