"""微信登录 in the browser (zh-CN): with WeChat's user agent, against a fake of WeChat's OAuth
server, the first sign-in binds a phone by SMS code (accepting the terms: a new account), and the
next one needs WeChat alone. A live app of its own, configured with the fake's address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.accounts.fake_wechat import OA_APPID, OA_SECRET, FakeWechat, WechatUser
from tests.e2e.conftest import PHONE, Live, e2e_app, serving, shot

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560 NetType/WIFI Language/zh_CN"
)
NEW_PHONE = "+8613900002041"


@pytest.fixture(scope="module")
def wechat() -> Iterator[FakeWechat]:
    fake = FakeWechat().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def wechat_live(tmp_path_factory: pytest.TempPathFactory, wechat: FakeWechat) -> Iterator[Live]:
    tmp: Path = tmp_path_factory.mktemp("e2e-wechat")
    settings = {
        "WECHAT_OA_APPID": OA_APPID,
        "WECHAT_OA_SECRET": OA_SECRET,
        "WECHAT_API_BASE": wechat.url,
        "WECHAT_OPEN_BASE": wechat.url,
    }
    with serving(lambda url: e2e_app(tmp, url, seed=False, **settings)) as running:
        yield running


def in_wechat(browser: Browser, live: Live) -> BrowserContext:
    """A phone's WeChat browser: its user agent says MicroMessenger."""
    ctx = browser.new_context(
        base_url=live.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=WECHAT_UA,
    )
    ctx.set_default_timeout(15_000)
    return ctx


def test_wechat_signs_in_after_binding_a_phone_once(
    browser: Browser, wechat_live: Live, wechat: FakeWechat
):
    wechat.signed_in_as = WechatUser.new()
    first = in_wechat(browser, wechat_live)
    page: Page = first.new_page()
    page.goto("/sign-in?next=/wallet")
    expect(page.get_by_role("button", name="使用手机号登录")).to_be_visible()
    shot(page, "wechat-1-sign-in")
    page.get_by_role("button", name="微信登录").click()

    # WeChat (the fake) sends the browser back with a code; the first time, a phone is bound
    expect(page.get_by_role("heading", name="绑定手机号")).to_be_visible()
    assert wechat.calls[-1][0] == "/sns/oauth2/access_token"
    page.get_by_label("手机号").fill(NEW_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_role("button", name="绑定并登录").click()
    page.get_by_label(re.compile("我已阅读并同意")).check()  # a new account: the terms first
    shot(page, "wechat-2-bind-consent")
    page.get_by_role("button", name="同意并继续").click()
    expect(page).to_have_url(re.compile(r"^[^?]*/wallet$"))
    first.close()

    again = in_wechat(browser, wechat_live)  # another visit: WeChat alone signs in
    page = again.new_page()
    page.goto("/sign-in?next=/me")
    page.get_by_role("button", name="微信登录").click()
    expect(page).to_have_url(re.compile(r"^[^?]*/me$"))
    expect(page.get_by_text("139****2041")).to_be_visible()  # the phone, masked on 我的
    shot(page, "wechat-3-signed-in")
    again.close()
