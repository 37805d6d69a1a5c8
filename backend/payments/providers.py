"""The configured payment provider of the current app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from backend.payments.provider import PaymentProvider
from backend.payments.sandbox import SandboxProvider
from backend.payments.stripe_gateway import StripeProvider


def build(cfg: Mapping[str, Any]) -> PaymentProvider:
    """Sandbox, or Stripe when configured (Config.finalise has checked the keys)."""
    if cfg["PAYMENT_PROVIDER"] == "stripe":
        return StripeProvider(
            cfg["STRIPE_SECRET_KEY"],
            cfg["STRIPE_PUBLISHABLE_KEY"],
            cfg["STRIPE_WEBHOOK_SECRET"],
            minimum_amount=cfg["STRIPE_MINIMUM_AMOUNT"],
            api_base=cfg["STRIPE_API_BASE"] or None,
        )
    return SandboxProvider()


def init_app(app: Flask) -> None:
    app.extensions["payments"] = build(app.config)


def current() -> PaymentProvider:
    provider: PaymentProvider = current_app.extensions["payments"]
    return provider
