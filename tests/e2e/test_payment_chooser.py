"""Choosing how to pay, in the browser (zh-CN), against the fake WeChat Pay with the real SDK:
a desktop is preselected WeChat Pay Native and shown its QR code, then switches to the sandbox
through 换一种支付方式; WeChat's browser is preselected JSAPI and the checkout calls
WeixinJSBridge with the order's signed pay_request (a fake bridge, injected), then WeChat Pay's
notification marks the order paid and the polling checkout shows it.

A live app of its own offering `wechatpay,sandbox`. Configuration refuses the sandbox beside a
real rail (live mode must never offer it), so the app starts in sandbox mode and its rails are
then built from the same providers `PAYMENT_PROVIDER=wechatpay,sandbox` names, as the WeChat Pay
API tests do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.accounts.models import User, WechatApp, WechatIdentity
from backend.core import db, uow
from backend.payments.providers import Rails
from backend.payments.sandbox import SandboxProvider
from backend.payments.wechatpay import WechatPayProvider
from tests.e2e.conftest import PHONE, Live, e2e_app, serving, shot
from tests.payments.fake_wechatpay import FakeWechatPay
from tests.payments.test_wechatpay_flow import (
    API_V3_KEY,
    APPID,
    DESKTOP_UA,
    MCHID,
    MERCHANT_KEY,
    OPENID,
    WECHAT_UA,
    settings,
)

ORGANISER = "+8613800138001"  # the demo's 李会务 Event organiser
CITIZEN = "+8613800138005"  # the demo's 赵市民 Citizen
MEETING = "/neutralise/meeting?attendees=120&days=2"
NOTIFY = "/api/v1/payments/wechatpay/notify"
# Answers WeChat's way and records what the page asked of it.
FAKE_BRIDGE = """
window.__wxCalls = [];
window.WeixinJSBridge = {
  invoke(name, args, done) {
    window.__wxCalls.push({ name, args });
    setTimeout(() => done({ err_msg: "get_brand_wcpay_request:ok" }), 50);
  },
};
"""


@pytest.fixture(scope="module")
def wechatpay() -> Iterator[FakeWechatPay]:
    with FakeWechatPay(MCHID, APPID, API_V3_KEY, MERCHANT_KEY.public_key()) as fake:
        yield fake


@pytest.fixture(scope="module")
def pay_live(tmp_path_factory: pytest.TempPathFactory, wechatpay: FakeWechatPay) -> Iterator[Live]:
    tmp: Path = tmp_path_factory.mktemp("e2e-pay")

    def build(url: str) -> Flask:
        app = e2e_app(tmp, url, WECHATPAY_APPID=APPID)  # whose openids JSAPI payers have
        app.extensions["payments"] = Rails(
            [WechatPayProvider(settings(wechatpay, notify_url=url + NOTIFY)), SandboxProvider()]
        )
        return app

    with serving(build) as running:
        yield running


def browsing(browser: Browser, live: Live, phone: str, name: str, **kw: Any) -> BrowserContext:
    """A browser context signed in as a demo person (the session the sign-in screen stores)."""
    ctx = browser.new_context(base_url=live.url, locale="zh-CN", **kw)
    ctx.set_default_timeout(15_000)
    session = {"token": live.token(phone), "displayName": name, "expiresAt": "2999-01-01T00:00:00Z"}
    ctx.add_init_script(
        f"localStorage.setItem('diandian.session', {json.dumps(json.dumps(session))})"
    )
    return ctx


def order_of(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    return page.url.rsplit("/", 1)[-1]


def test_a_desktop_pays_by_qr_code_or_switches_to_the_sandbox(
    browser: Browser, pay_live: Live, wechatpay: FakeWechatPay
):
    ctx = browsing(
        browser,
        pay_live,
        ORGANISER,
        "李会务 Event organiser",
        viewport={"width": 1280, "height": 900},
        user_agent=DESKTOP_UA,
    )
    page = ctx.new_page()
    page.goto(MEETING)

    chooser = page.get_by_test_id("payment-chooser")
    expect(chooser.get_by_text("支付方式")).to_be_visible()
    native = chooser.get_by_role("radio", name=re.compile("微信支付 · 微信扫码支付"))
    expect(native).to_be_checked()
    expect(chooser.get_by_role("radio", name=re.compile("演示支付"))).not_to_be_checked()
    expect(chooser.get_by_role("radio", name=re.compile("在微信内支付"))).to_have_count(0)
    shot(page, "pay-1-desktop-chooser")
    page.get_by_role("button", name="立即中和").click()

    # The order is paid by scanning its QR code, drawn here from code_url.
    first = order_of(page)
    qr = page.get_by_test_id("pay-qr")
    expect(qr.locator("svg")).to_be_visible()
    expect(qr).to_have_attribute("data-url", re.compile(r"^weixin://wxpay/bizpayurl\?pr="))
    expect(page.get_by_text("支付完成后此页会自动刷新")).to_be_visible()
    [created] = wechatpay.calls("POST", "/v3/pay/transactions/native")
    assert created.body["out_trade_no"] == first
    shot(page, "pay-2-desktop-qr")

    # 换一种支付方式: confirmed, the order is cancelled and the calculator is as it was.
    page.get_by_role("button", name="换一种支付方式").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("将取消本订单并返回，重新选择支付方式")
    page.get_by_role("button", name="确定，取消订单").click()
    expect(page).to_have_url(re.compile(r"/neutralise/meeting\?attendees=120&days=2$"))
    expect(page.get_by_label("参会人数", exact=True)).to_have_value("120")
    token = str(page.evaluate("JSON.parse(localStorage.getItem('diandian.session')).token"))
    assert pay_live.get(f"/orders/{first}", token)["status"] == "cancelled"
    assert wechatpay.calls("POST", f"/v3/pay/transactions/out-trade-no/{first}/close")

    page.get_by_test_id("payment-chooser").get_by_role("radio", name=re.compile("演示支付")).check()
    page.get_by_role("button", name="立即中和").click()
    second = order_of(page)
    assert second != first
    page.get_by_role("button", name=re.compile("模拟支付")).click()
    expect(page).to_have_url(re.compile(r"/certificates/DD-\d{4}-\d{6}$"))
    assert pay_live.get(f"/orders/{second}", token)["payment"]["provider"] == "sandbox"

    # The choice is remembered: the sandbox is preselected next time.
    page.goto(MEETING)
    expect(page.get_by_role("radio", name=re.compile("演示支付"))).to_be_checked()
    ctx.close()


def test_in_wechat_the_checkout_pays_through_weixinjsbridge(
    browser: Browser, pay_live: Live, wechatpay: FakeWechatPay
):
    with pay_live.app.app_context(), uow.transaction(db.session()) as s:
        citizen = s.query(User).filter_by(phone=CITIZEN).one()
        s.add(
            WechatIdentity(
                user_id=citizen.id, app_id=APPID, app=WechatApp.official_account, openid=OPENID
            )
        )
    ctx = browsing(
        browser,
        pay_live,
        CITIZEN,
        "赵市民 Citizen",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        user_agent=WECHAT_UA,
    )
    ctx.add_init_script(FAKE_BRIDGE)
    page = ctx.new_page()
    page.goto(MEETING)

    jsapi = page.get_by_role("radio", name=re.compile("微信支付 · 在微信内支付"))
    expect(jsapi).to_be_checked()
    page.get_by_role("button", name="立即中和").click()
    order_id = order_of(page)
    [created] = wechatpay.calls("POST", "/v3/pay/transactions/jsapi")
    assert created.body["payer"] == {"openid": OPENID}  # the person's, from signing in by WeChat

    page.get_by_role("button", name=re.compile("^微信支付")).click()
    expect(page.get_by_test_id("wechat-outcome")).to_contain_text("微信已提示支付成功")
    [call] = page.evaluate("window.__wxCalls")
    token = str(page.evaluate("JSON.parse(localStorage.getItem('diandian.session')).token"))
    shown = pay_live.get(f"/orders/{order_id}", token)["payment"]["instructions"]["pay_request"]
    assert call["name"] == "getBrandWCPayRequest"
    assert set(call["args"]) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert (call["args"]["appId"], call["args"]["package"]) == (APPID, shown["package"])
    shot(page, "pay-3-wechat-jsapi")

    # WeChat Pay's notification arrives; the checkout, polling, shows the order paid.
    body, headers = wechatpay.notification("TRANSACTION.SUCCESS", wechatpay.pay(order_id))
    resp = requests.post(pay_live.url + NOTIFY, data=body, headers=headers, timeout=10)
    assert resp.status_code == 200, resp.text
    expect(page.locator(".status-line .pill")).to_have_text(re.compile("已支付|已中和"))
    shot(page, "pay-4-wechat-paid")
    ctx.close()
