"""The payment rails of the current app: the providers configured, most preferred first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask, current_app

from backend.core.errors import ValidationFailed
from backend.payments.alipay import AlipayProvider, AlipaySettings
from backend.payments.provider import PaymentProvider
from backend.payments.sandbox import SandboxProvider
from backend.payments.stripe_gateway import StripeProvider
from backend.payments.wechatpay import WechatPayProvider, WechatPaySettings


class Rails(Mapping[str, PaymentProvider]):
    """The configured providers by name; the first is the default."""

    def __init__(self, providers: list[PaymentProvider]) -> None:
        if not providers:
            raise ValueError("at least one payment provider")
        self._by_name = {p.name: p for p in providers}
        self.default = providers[0]

    def __getitem__(self, name: str) -> PaymentProvider:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def choose(self, name: str | None) -> PaymentProvider:
        """The provider a customer asked for (422 naming `provider` if it is not offered), or
        the default."""
        if name is None:
            return self.default
        if name not in self._by_name:
            raise ValidationFailed("provider", "payments.provider_not_offered", offered=list(self))
        return self._by_name[name]


def _build_one(name: str, cfg: Mapping[str, Any]) -> PaymentProvider:
    if name == "stripe":
        return StripeProvider(
            cfg["STRIPE_SECRET_KEY"],
            cfg["STRIPE_PUBLISHABLE_KEY"],
            cfg["STRIPE_WEBHOOK_SECRET"],
            minimum_amount=cfg["STRIPE_MINIMUM_AMOUNT"],
            api_base=cfg["STRIPE_API_BASE"] or None,
        )
    if name == "wechatpay":
        return WechatPayProvider(WechatPaySettings.from_config(cfg))
    if name == "alipay":
        return AlipayProvider(AlipaySettings.from_config(cfg))
    return SandboxProvider()


def build(cfg: Mapping[str, Any]) -> Rails:
    """The rails PAYMENT_PROVIDER lists (Config.finalise has checked their keys)."""
    names = [n.strip() for n in str(cfg["PAYMENT_PROVIDER"]).split(",") if n.strip()]
    return Rails([_build_one(name, cfg) for name in names])


def init_app(app: Flask) -> None:
    app.extensions["payments"] = build(app.config)


def rails() -> Rails:
    """The current app's payment rails."""
    found: Rails = current_app.extensions["payments"]
    return found


def current() -> PaymentProvider:
    """The current app's default provider."""
    return rails().default
