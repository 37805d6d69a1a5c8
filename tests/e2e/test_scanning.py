"""Scanning where BarcodeDetector is missing (iPhones, WeChat, Chromium on Linux):

- with a camera (Chromium's fake camera playing a Y4M file of a QR code made with `qrcode`, the
  package backend/imaging uses), the wallet's check-in reads the QR with jsQR, fetched only when
  the scanner opens;
- inside WeChat (its user agent), the app loads WeChat's JS-SDK (served here by Playwright: a fake
  `wx` that keeps the config it got and answers scanQRCode), configures it with the signature our
  server made from the fake WeChat's jsapi_ticket, and uses what WeChat scanned: a check-in on the
  wallet, and a QR on the court desk's 核销.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qrcode  # type: ignore[import-untyped]
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Playwright, Route, expect

from backend.accounts import services
from backend.accounts.auth import auth_settings
from backend.accounts.models import User
from backend.core import db, uow
from tests.accounts.fake_wechat import OA_APPID, OA_SECRET, FakeWechat
from tests.e2e.conftest import PHONE, Live, chromium_with, e2e_app, serving, shot

CITIZEN = "+8613800138005"
CLERK = "+8613800138003"
COMPANY = "+8613800138002"
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560 NetType/WIFI Language/zh_CN"
)
# What WeChat's JS-SDK would be: keeps what wx.config got, answers scanQRCode with a venue QR.
FAKE_JSSDK = """
window.wxSeen = { config: null, scans: [] };
window.wx = {
  config(c) { window.wxSeen.config = c; },
  ready(done) { setTimeout(done, 0); },
  error(failed) {},
  scanQRCode(o) {
    window.wxSeen.scans.push({ needResult: o.needResult, scanType: o.scanType });
    setTimeout(() => o.success({ errMsg: "scanQRCode:ok", resultStr: window.wxAnswer }), 0);
  },
};
"""


def signed_in_as(ctx: BrowserContext, live: Live, phone: str, name: str) -> str:
    """Start the app signed in as a demo person, with a token issued by the app's own service
    (no SMS code: the other stories spend the phones' code budget)."""
    with live.app.app_context(), uow.transaction(db.session()) as s:
        user = s.query(User).filter_by(phone=phone).one()
        token = services.issue_token(s, auth_settings(), user).access_token
    stored = {"token": token, "displayName": name, "expiresAt": "2999-01-01T00:00:00Z"}
    ctx.add_init_script(
        f"localStorage.setItem('diandian.session', {json.dumps(json.dumps(stored))})"
    )
    return token


def y4m_of_qr(text: str, path: Path, side: int = 480, frames: int = 10) -> Path:
    """A grey-scale Y4M video (4:2:0) of `text`'s QR code on white, for Chromium's fake camera."""
    q = qrcode.QRCode(border=4, box_size=10)
    q.add_data(text)
    img = q.make_image(fill_color="black", back_color="white").get_image().convert("L")
    img = img.resize((side - 80, side - 80), Image.Resampling.NEAREST)
    frame = Image.new("L", (side, side), 255)
    frame.paste(img, (40, 40))
    luma, chroma = frame.tobytes(), bytes([128]) * (side * side // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{side} H{side} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma)
    return path


@pytest.fixture(scope="module")
def wechat() -> Iterator[FakeWechat]:
    fake = FakeWechat().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def wechat_live(tmp_path_factory: pytest.TempPathFactory, wechat: FakeWechat) -> Iterator[Live]:
    """An app of its own, with the official account configured against the fake WeChat (the
    stories sharing `live` then see none of these check-ins)."""
    tmp = tmp_path_factory.mktemp("e2e-scan-wechat")
    settings: dict[str, Any] = {
        "WECHAT_OA_APPID": OA_APPID,
        "WECHAT_OA_SECRET": OA_SECRET,
        "WECHAT_API_BASE": wechat.url,
        "WECHAT_OPEN_BASE": wechat.url,
        # the camera's video is made once, before the tests: its venue code must outlive them
        "POINTS_VENUE_WINDOW_SECONDS": 3600,
    }
    with serving(lambda url: e2e_app(tmp, url, **settings)) as running:
        yield running


@pytest.fixture(scope="module")
def camera(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory, wechat_live: Live
) -> Iterator[Browser]:
    """Chromium whose camera shows the demo venue's QR code, granted without asking."""
    video = y4m_of_qr(
        wechat_live.venue_code(),
        tmp_path_factory.mktemp("camera") / "venue-qr.y4m",
    )
    with chromium_with(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ) as b:
        yield b


def test_without_barcode_detector_the_camera_is_read_with_jsqr(camera: Browser, wechat_live: Live):
    live = wechat_live
    ctx = camera.new_context(
        base_url=live.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    ctx.set_default_timeout(15_000)
    ctx.grant_permissions(["camera"], origin=live.url)
    ctx.add_init_script("delete window.BarcodeDetector")  # as on an iPhone
    token = signed_in_as(ctx, live, CITIZEN, "赵市民 Citizen")
    page = ctx.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto("/wallet")
    expect(page.get_by_test_id("pending")).to_be_visible()
    assert not any("jsQR" in u for u in fetched)  # not on first load
    before = len(live.get("/wallet/actions", token)["items"])

    page.get_by_role("button", name="扫描场馆二维码").click()
    expect(page.get_by_role("status")).to_contain_text("打卡成功")
    shot(page, "scan-1-camera-jsqr-check-in")
    assert any("jsQR" in u for u in fetched)  # fetched when the scanner opened
    actions = live.get("/wallet/actions", token)["items"]
    assert len(actions) == before + 1
    assert actions[0]["type"] == "checkin"
    ctx.close()


# --- inside WeChat -----------------------------------------------------------------------------


def in_wechat(browser: Browser, live: Live, answer: str) -> BrowserContext:
    """WeChat's browser on a phone, whose JS-SDK (faked) scans `answer`."""
    ctx = browser.new_context(
        base_url=live.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=WECHAT_UA,
    )
    ctx.set_default_timeout(15_000)
    ctx.add_init_script(f"window.wxAnswer = {json.dumps(answer)};")

    def jssdk(route: Route) -> None:
        assert route.request.url == "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
        route.fulfill(status=200, content_type="application/javascript", body=FAKE_JSSDK)

    ctx.route("https://res.wx.qq.com/**", jssdk)
    return ctx


def signed_for(wechat: FakeWechat, config: dict[str, Any], url: str) -> str:
    """The signature WeChat would expect for `url`, from the ticket the fake gave our server."""
    ticket = wechat.tickets[-1]
    text = f"jsapi_ticket={ticket}&noncestr={config['nonceStr']}"
    text += f"&timestamp={config['timestamp']}&url={url}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def test_in_wechat_the_wallet_scans_with_wechats_scanner(
    browser: Browser, wechat_live: Live, wechat: FakeWechat
):
    ctx = in_wechat(browser, wechat_live, wechat_live.venue_code())
    # not the citizen: the camera's story checked them in at the demo's one venue today
    token = signed_in_as(ctx, wechat_live, COMPANY, "王企业 Company admin")
    page = ctx.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto("/wallet?from=menu#history")
    expect(page.get_by_test_id("pending")).to_be_visible()
    assert not any("res.wx.qq.com" in u for u in asked)  # not before the scanner opens
    before = len(wechat_live.get("/wallet/actions", token)["items"])
    tickets = wechat.hits("/cgi-bin/ticket/getticket")

    page.get_by_role("button", name="扫描场馆二维码").click()
    expect(page.get_by_role("status")).to_contain_text("打卡成功")
    shot(page, "scan-2-wechat-check-in")

    seen = page.evaluate("window.wxSeen")
    config = seen["config"]
    url = f"{wechat_live.url}/wallet?from=menu"  # signed without the fragment
    assert any("/api/v1/wechat/jsapi-config?url=" in u for u in asked)  # from OUR server
    assert config["appId"] == OA_APPID
    assert config["jsApiList"] == ["scanQRCode"]
    assert config["debug"] is False
    assert config["signature"] == signed_for(wechat, config, url)
    assert seen["scans"] == [{"needResult": 1, "scanType": ["qrCode"]}]
    assert wechat.hits("/cgi-bin/ticket/getticket") == tickets + 1
    actions = wechat_live.get("/wallet/actions", token)["items"]
    assert len(actions) == before + 1
    assert actions[0]["type"] == "checkin"

    # A second scan on another page load signs again, from the cached ticket.
    page.reload()
    page.get_by_role("button", name="扫描场馆二维码").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("打卡成功|未获得积分"))
    assert wechat.hits("/cgi-bin/ticket/getticket") == tickets + 1
    ctx.close()


def test_in_wechat_the_court_desk_scans_with_wechats_scanner(
    browser: Browser, wechat_live: Live, wechat: FakeWechat
):
    number = "(2024)川1827刑初8号"
    ctx = in_wechat(browser, wechat_live, "https://diandian.example/not-a-certificate")
    clerk_token = signed_in_as(ctx, wechat_live, CLERK, "张书记员 Court clerk")
    wechat_live.open_case(
        clerk_token,
        number=number,
        offence="非法狩猎",
        site={"place": "宝兴县蜂桶寨", "province": "CN-SC"},
        defendants=[{"name": "被告人乙"}],
        mass_g=500_000,
        mass_basis="total",
        deadline="2099-12-31",
    )
    desk = ctx.new_page()
    desk.goto("/me")
    desk.get_by_role("link", name=re.compile("法院工作台")).click()
    desk.get_by_role("link", name=re.compile(re.escape(number))).click()
    desk.get_by_role("button", name="扫描证书二维码").click()
    expect(desk.get_by_test_id("verify-outcome")).to_contain_text("这个二维码不是证书验证码")
    shot(desk, "scan-3-wechat-court-desk")
    config = desk.evaluate("window.wxSeen.config")
    assert config["signature"] == signed_for(wechat, config, desk.url.split("#")[0])
    ctx.close()
