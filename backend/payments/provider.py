"""The payment-provider interface. Sandbox and Stripe implement it; a WeChat Pay or Alipay
direct provider would too: start a payment, read its state back, cancel, refund, and verify a
webhook into an event that names the payment it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from backend.core.errors import DomainError

RemoteStatus = Literal["pending", "succeeded", "cancelled"]


class ProviderError(DomainError):
    status, slug, title = 502, "payment-provider-error", "The payment provider failed"


class InvalidWebhook(DomainError):
    status, slug, title = 400, "invalid-webhook", "The webhook could not be verified"


@dataclass(frozen=True)
class PaymentRequest:
    order_id: str
    amount: int  # fen
    currency: str
    description: str
    idempotency_key: str


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
