"""Choosing a payment rail from the client's User-Agent (`backend/payments/choosing.py`), and the
public `GET /api/v1/payments/rails` that offers the choice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend.payments import choosing
from backend.payments.providers import Rails
from backend.payments.sandbox import SandboxProvider
from backend.payments.wechatpay import WechatPayProvider, WechatPaySettings
from tests.payments.fake_wechatpay import new_key, private_pem

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
HARMONY = (
    "Mozilla/5.0 (Phone; OpenHarmony 4.2) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.6.300"
)
WECHAT_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.120 Mobile Safari/537.36 XWEB/1220133 "
    "MMWEBSDK/20240301 MMWEBID/2305 MicroMessenger/8.0.48.2580(0x28003036) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)
WECHAT_DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) "
    "WindowsWechat(0x63090a13) XWEB/9129 Flue"
)
DESKTOP_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)
CURL = "curl/8.5.0"

WX, WX_ALI, ALI_WX, WX_SBX, STRIPE = (
    ["wechatpay"],
    ["wechatpay", "alipay"],
    ["alipay", "wechatpay"],
    ["wechatpay", "sandbox"],
    ["stripe"],
)

# user agent, what it is, providers configured (preferred first), recommended provider and channel
SAMPLES = [
    (IPHONE_SAFARI, "mobile", WX, "wechatpay", "h5"),
    (IPHONE_SAFARI, "mobile", WX_ALI, "alipay", "wap"),
    (ANDROID_CHROME, "mobile", WX, "wechatpay", "h5"),
    (ANDROID_CHROME, "mobile", WX_ALI, "alipay", "wap"),
    (HARMONY, "mobile", WX, "wechatpay", "h5"),
    (WECHAT_IOS, "wechat", WX_ALI, "wechatpay", "jsapi"),
    (WECHAT_ANDROID, "wechat", ALI_WX, "wechatpay", "jsapi"),
    (WECHAT_DESKTOP, "wechat", WX, "wechatpay", "jsapi"),
    (DESKTOP_CHROME, "desktop", WX, "wechatpay", "native"),
    (DESKTOP_CHROME, "desktop", WX_ALI, "wechatpay", "native"),
    (DESKTOP_CHROME, "desktop", ALI_WX, "alipay", "page"),
    (MAC_SAFARI, "desktop", WX_SBX, "wechatpay", "native"),
    (CURL, None, WX, "wechatpay", "native"),
    ("", None, WX_ALI, "wechatpay", "native"),
    (DESKTOP_CHROME, "desktop", STRIPE, "stripe", None),
    (WECHAT_IOS, "wechat", STRIPE, "stripe", None),
    (IPHONE_SAFARI, "mobile", ["sandbox"], "sandbox", None),
    (WECHAT_IOS, "wechat", ["alipay"], "alipay", "wap"),  # no way works: the default's first
    (DESKTOP_CHROME, "desktop", ["sandbox", "wechatpay"], "wechatpay", "native"),
]


@pytest.mark.parametrize(("ua", "client", "names", "provider", "channel"), SAMPLES)
def test_recommends_by_user_agent(
    ua: str, client: str | None, names: list[str], provider: str, channel: str | None
):
    offer = choosing.offer([(n, n == "sandbox") for n in names], ua)
    assert offer.client == client
    assert offer.recommended == choosing.Choice(provider, channel)
    assert [r.provider for r in offer.rails] == names


@pytest.mark.parametrize(
    ("ua", "usable"),
    [
        (WECHAT_ANDROID, {"jsapi", "native"}),
        (ANDROID_CHROME, {"h5", "native", "wap"}),
        (DESKTOP_CHROME, {"native", "page"}),
        (CURL, {"native"}),  # not a browser: only what works anywhere
    ],
)
def test_ways_that_work_in_each_client(ua: str, usable: set[str]):
    offer = choosing.offer([("wechatpay", False), ("alipay", False)], ua)
    assert {w.channel for r in offer.rails for w in r.channels if w.usable} == usable


def test_rails_carry_labels_in_both_languages():
    names = ["wechatpay", "alipay", "stripe", "sandbox"]
    offer = choosing.offer([(n, n == "sandbox") for n in names], DESKTOP_CHROME)
    labels = [r.label for r in offer.rails] + [w.label for r in offer.rails for w in r.channels]
    assert all(set(label) == {"zh", "en"} and all(label.values()) for label in labels)
    assert [r.label["zh"] for r in offer.rails][:3] == ["微信支付", "支付宝", "银行卡/Stripe 跨境"]
    assert [w.channel for w in offer.rails[1].channels] == ["wap", "page"]
    assert offer.rails[0].channels[2].label["zh"] == "微信扫码支付"
    assert offer.rails[3].sandbox
    assert not offer.rails[3].channels


# -- the endpoint --------------------------------------------------------------------------------


@pytest.fixture
def wechatpay_and_sandbox(app: Flask) -> Iterator[None]:
    """WeChat Pay (never called here) before the sandbox, for this test."""
    wechatpay = WechatPayProvider(
        WechatPaySettings(
            mchid="1900000109",
            appid="wxd678efh567hg6787",
            api_v3_key="diandianApiV3Key0123456789abcdef",
            cert_serial_no="444F4864EA9B34415BDB3B6E36F9B9B5F4A9D0C1",
            private_key=private_pem(new_key()),
            notify_url="https://diandian.example/api/v1/payments/wechatpay/notify",
        )
    )
    previous = app.extensions["payments"]
    app.extensions["payments"] = Rails([wechatpay, SandboxProvider()])
    try:
        yield
    finally:
        app.extensions["payments"] = previous


@pytest.mark.usefixtures("wechatpay_and_sandbox")
def test_the_endpoint_offers_the_configured_rails_to_anyone(client: FlaskClient):
    resp = client.get("/api/v1/payments/rails", headers={"User-Agent": WECHAT_IOS})
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=300"
    assert resp.headers["Vary"] == "User-Agent"
    body: dict[str, Any] = resp.get_json()
    assert body["client"] == "wechat"
    assert body["recommended"] == {"provider": "wechatpay", "channel": "jsapi"}
    wechatpay, sandbox = body["rails"]
    assert wechatpay["label"] == {"zh": "微信支付", "en": "WeChat Pay"}
    assert wechatpay["sandbox"] is False
    assert [(w["channel"], w["usable"]) for w in wechatpay["channels"]] == [
        ("jsapi", True),
        ("h5", False),
        ("native", True),
    ]
    assert sandbox == {
        "provider": "sandbox",
        "label": {"zh": "演示支付（模拟付款，不扣款）", "en": "Demo (simulated, no money moves)"},
        "sandbox": True,
        "channels": [],
    }


@pytest.mark.usefixtures("wechatpay_and_sandbox")
def test_a_desktop_is_recommended_the_qr_code(client: FlaskClient):
    resp = client.get("/api/v1/payments/rails", headers={"User-Agent": DESKTOP_CHROME})
    assert resp.get_json()["recommended"] == {"provider": "wechatpay", "channel": "native"}
