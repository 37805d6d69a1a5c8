"""The offline sandbox: no money moves; the confirm endpoint plays the customer paying."""

from __future__ import annotations

import secrets
from typing import Any

from backend.payments.provider import (
    InvalidWebhook,
    PaymentRequest,
    RemotePayment,
    Started,
    WebhookEvent,
)

# Shown to the person paying, so in their words, not the API's (no "endpoint", no "sandbox").
NOTICE = {
    "zh": "演示模式：不会真实扣款。确认支付即完成本次演示支付。",
    "en": "Demo mode: no money is taken. Confirming the payment completes this demo payment.",
}


class SandboxProvider:
    name = "sandbox"
    sandbox = True
    minimum_amount = 1

    def start(self, req: PaymentRequest) -> Started:
        return Started("sbx_" + secrets.token_hex(12))

    def fetch(self, reference: str) -> RemotePayment | None:
        return None

    def cancel(self, reference: str, idempotency_key: str) -> None:
        return None

    def refund(self, reference: str, amount: int, idempotency_key: str) -> str:
        return "sbx_re_" + secrets.token_hex(12)

    def instructions(
        self, order_id: str, reference: str | None, client_secret: str | None
    ) -> dict[str, Any]:
        return {"confirm": f"POST /api/v1/orders/{order_id}/confirm", "notice": NOTICE}

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> WebhookEvent:
        raise InvalidWebhook("payments.sandbox_no_webhooks")
