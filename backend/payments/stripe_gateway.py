"""Stripe through its official SDK: PaymentIntents in CNY with card, Alipay and WeChat Pay.

Every call that changes something carries our own Stripe idempotency key, derived from the
order, so a retry after a timeout never makes a second PaymentIntent or refund.
"""

from __future__ import annotations

from typing import Any

import stripe

from backend.payments.provider import (
    InvalidWebhook,
    PaymentRequest,
    ProviderError,
    RemotePayment,
    RemoteStatus,
    Started,
    WebhookEvent,
)

METHODS = ["card", "alipay", "wechat_pay"]
TOLERANCE_S = 300  # webhooks older than this are refused (replay protection)
_STATUS: dict[str, RemoteStatus] = {"succeeded": "succeeded", "canceled": "cancelled"}


class StripeProvider:
    name = "stripe"
    sandbox = False

    def __init__(
        self,
        secret_key: str,
        publishable_key: str,
        webhook_secret: str,
        *,
        minimum_amount: int,
        api_base: str | None = None,
        max_network_retries: int = 2,
    ) -> None:
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
        )
        self.publishable_key = publishable_key
        self.webhook_secret = webhook_secret
        self.minimum_amount = minimum_amount

    def start(self, req: PaymentRequest) -> Started:
        with _translated():
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": req.amount,
                    "currency": req.currency.lower(),
                    "allowed_payment_method_types": METHODS,
                    "description": req.description[:1000],
                    "metadata": {"order_id": req.order_id},
                },
                options={"idempotency_key": req.idempotency_key},
            )
        return Started(intent.id, intent.client_secret)

    def fetch(self, reference: str) -> RemotePayment | None:
        with _translated():
            intent = self.client.v1.payment_intents.retrieve(reference)
            refunded = 0
            if intent.latest_charge:
                charge = intent.latest_charge
                if isinstance(charge, str):
                    charge = self.client.v1.charges.retrieve(charge)
                refunded = int(charge.amount_refunded or 0)
        error = intent.last_payment_error
        return RemotePayment(
            reference=intent.id,
            status=_STATUS.get(intent.status, "pending"),
            amount=int(intent.amount),
            currency=str(intent.currency).upper(),
            amount_refunded=refunded,
            failure=str(error.message or "") if error else "",
        )

    def cancel(self, reference: str, idempotency_key: str) -> None:
        with _translated(ignore_codes={"payment_intent_unexpected_state"}):
            self.client.v1.payment_intents.cancel(
                reference, options={"idempotency_key": idempotency_key}
            )

    def refund(self, reference: str, amount: int, idempotency_key: str) -> str:
        with _translated():
            refund = self.client.v1.refunds.create(
                params={"payment_intent": reference, "amount": amount},
                options={"idempotency_key": idempotency_key},
            )
        return str(refund.id)

    def instructions(
        self, order_id: str, reference: str | None, client_secret: str | None
    ) -> dict[str, Any]:
        return {
            "publishable_key": self.publishable_key,
            "payment_intent": reference,
            "client_secret": client_secret,
            "payment_method_types": METHODS,
        }

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> WebhookEvent:
        try:
            event = stripe.Webhook.construct_event(
                payload, headers.get("Stripe-Signature"), self.webhook_secret, TOLERANCE_S
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidWebhook(
                "payments.stripe_bad_signature", params={"said": str(exc) or type(exc).__name__}
            ) from None
        obj = event.data.object.to_dict()  # StripeObjects are not dicts since stripe 16
        kind = obj.get("object")
        reference = (
            obj.get("id")
            if kind == "payment_intent"
            else obj.get("payment_intent")
            if kind in {"charge", "refund"}
            else None
        )
        return WebhookEvent(event.id, event.type, str(reference) if reference else None)


class _translated:
    """Turn Stripe's errors into a 502 problem (some codes are fine, e.g. already cancelled)."""

    def __init__(self, ignore_codes: set[str] | None = None) -> None:
        self.ignore = ignore_codes or set()

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        if not isinstance(exc, stripe.StripeError):
            return False
        if exc.code in self.ignore:
            return True
        said = exc.user_message or exc.code or type(exc).__name__
        raise ProviderError("payments.stripe_failed", params={"said": said})
