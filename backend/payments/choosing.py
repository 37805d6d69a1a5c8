"""Which rails a client is offered and which one it is recommended, from its User-Agent.

Pure: the configured providers (names, in preference order) and a User-Agent in, a `Choice`
out. The person may always switch; this only decides what the PWA preselects.

- inside WeChat's browser (`MicroMessenger`, its desktop client too): WeChat Pay JSAPI;
- another mobile browser: Alipay WAP when Alipay is configured, else WeChat Pay H5;
- a desktop browser: WeChat Pay Native (a QR code) or Alipay's page, whichever rail comes first;
- anything else (no User-Agent, a script): the default rail, in a way that works anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backend.payments.wechatpay import CHANNELS as WECHATPAY_CHANNELS

Client = Literal["wechat", "mobile", "desktop"]
Text = dict[str, str]  # {"zh": …, "en": …}

ALIPAY_CHANNELS = ("wap", "page")  # alipay's `channel`: WAP in a mobile browser, page on desktop
CHANNELS: dict[str, tuple[str, ...]] = {"wechatpay": WECHATPAY_CHANNELS, "alipay": ALIPAY_CHANNELS}

PROVIDER_LABELS: dict[str, Text] = {
    "wechatpay": {"zh": "微信支付", "en": "WeChat Pay"},
    "alipay": {"zh": "支付宝", "en": "Alipay"},
    "stripe": {"zh": "银行卡/Stripe 跨境", "en": "Card / Stripe (cross-border)"},
    "sandbox": {"zh": "演示支付（模拟付款，不扣款）", "en": "Demo (simulated, no money moves)"},
}
CHANNEL_LABELS: dict[tuple[str, str], Text] = {
    ("wechatpay", "jsapi"): {"zh": "在微信内支付", "en": "Pay inside WeChat"},
    ("wechatpay", "h5"): {"zh": "跳转微信支付", "en": "Open WeChat to pay"},
    ("wechatpay", "native"): {"zh": "微信扫码支付", "en": "Scan a QR code with WeChat"},
    ("alipay", "wap"): {"zh": "支付宝手机支付", "en": "Alipay on this phone"},
    ("alipay", "page"): {"zh": "支付宝网页支付", "en": "Alipay web checkout"},
}

ANYWHERE: frozenset[Client] = frozenset({"wechat", "mobile", "desktop"})
# Where each way works: JSAPI needs WeChat's bridge; WeChat Pay refuses H5 inside WeChat, and
# WeChat blocks Alipay's pages; a QR code can be scanned (or long-pressed in WeChat) anywhere.
WORKS_IN: dict[tuple[str, str], frozenset[Client]] = {
    ("wechatpay", "jsapi"): frozenset({"wechat"}),
    ("wechatpay", "h5"): frozenset({"mobile"}),
    ("wechatpay", "native"): ANYWHERE,
    ("alipay", "wap"): frozenset({"mobile"}),
    ("alipay", "page"): frozenset({"desktop"}),
}
# What each client is recommended, best first; rails of one tier go in the configured order.
PREFERRED: dict[Client, tuple[tuple[tuple[str, str], ...], ...]] = {
    "wechat": ((("wechatpay", "jsapi"),),),
    "mobile": ((("alipay", "wap"),), (("wechatpay", "h5"),)),
    "desktop": ((("wechatpay", "native"), ("alipay", "page")),),
}

_MOBILE = re.compile(r"Mobile|Android|iPhone|iPad|iPod|HarmonyOS", re.IGNORECASE)


@dataclass(frozen=True)
class Way:
    channel: str
    label: Text
    usable: bool  # works in this client


@dataclass(frozen=True)
class Rail:
    provider: str
    label: Text
    sandbox: bool
    channels: tuple[Way, ...]  # empty: the provider has one way to pay


@dataclass(frozen=True)
class Choice:
    provider: str
    channel: str | None  # None: the provider has one way to pay


@dataclass(frozen=True)
class Offer:
    client: Client | None  # None: not recognised
    rails: tuple[Rail, ...]
    recommended: Choice


def client_of(user_agent: str) -> Client | None:
    """WeChat's browser, another mobile browser, a desktop browser, or None (not a browser)."""
    if "MicroMessenger" in user_agent:
        return "wechat"
    if _MOBILE.search(user_agent):
        return "mobile"
    return "desktop" if user_agent.startswith("Mozilla/") else None


def _works(provider: str, channel: str, client: Client | None) -> bool:
    where = WORKS_IN.get((provider, channel), ANYWHERE)
    return where == ANYWHERE if client is None else client in where


def rail(provider: str, sandbox: bool, client: Client | None) -> Rail:
    """One configured provider as the client is offered it."""
    ways = tuple(
        Way(c, CHANNEL_LABELS.get((provider, c), {"zh": c, "en": c}), _works(provider, c, client))
        for c in CHANNELS.get(provider, ())
    )
    label = PROVIDER_LABELS.get(provider, {"zh": provider, "en": provider})
    return Rail(provider, label, sandbox, ways)


def recommend(rails: Sequence[Rail], client: Client | None) -> Choice:
    """The client's preferred way among those offered, else the default (first) rail in the
    first way that works for the client."""
    offered = {(r.provider, w.channel) for r in rails for w in r.channels}
    order = [r.provider for r in rails]
    for tier in PREFERRED[client] if client else ():
        found = [(p, c) for p, c in tier if (p, c) in offered]
        if found:
            provider, channel = min(found, key=lambda pc: order.index(pc[0]))
            return Choice(provider, channel)
    default = rails[0]
    usable = [w.channel for w in default.channels if w.usable]
    fallback = usable[0] if usable else (default.channels[0].channel if default.channels else None)
    return Choice(default.provider, fallback)


def offer(providers: Sequence[tuple[str, bool]], user_agent: str) -> Offer:
    """The rails (name, sandbox) in preference order, as offered to this User-Agent."""
    client = client_of(user_agent)
    rails = tuple(rail(name, sandbox, client) for name, sandbox in providers)
    return Offer(client, rails, recommend(rails, client))
