"""Offline: the shell loads from the service worker, a check-in waits for the network, and what a
person owns (certificates they opened, their last wallet) stays readable offline, marked as a
copy, until they sign out. The service worker never serves /api/ from a cache."""

from __future__ import annotations

import json
import re
import time
import uuid

import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Live, open_in_app, shot

# Each person signs in once per test: the API allows 3 codes a minute per phone.
CITIZEN = "+8613800138005"
OPERATOR = "+8613800138000"  # here only as a person with a certificate and a wallet
JUDGE = "+8613800138004"  # the demo's 陈法官, here only as a person with a wallet
COMPANY = "+8613800138002"  # the demo's 王企业, here only as a person checking in

IMAGE_LOADED = "(img) => img.complete && img.naturalWidth > 0"


def signed_in(context: BrowserContext, live: Live, phone: str, name: str) -> str:
    """Start the app signed in (as conftest's `signed_in`), returning the one token asked for."""
    token = live.token(phone)
    session = json.dumps({"token": token, "displayName": name, "expiresAt": "2999-01-01T00:00:00Z"})
    context.add_init_script(f"localStorage.setItem('diandian.session', {json.dumps(session)})")
    return token


def controlled(page: Page) -> None:
    """Wait for the service worker to install, then reload so it controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def test_the_app_reloads_offline_and_deep_links_still_open(
    context: BrowserContext, page: Page, live: Live
):
    page.goto("/")
    expect(page.get_by_role("heading", name="让每一次活动都碳中和")).to_be_visible()
    controlled(page)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="让每一次活动都碳中和")).to_be_visible()
    page.goto("/neutralise/meeting?attendees=30")
    expect(page.get_by_label("参会人数", exact=True)).to_have_value("30")
    expect(page.get_by_role("alert")).to_contain_text("网络未连接")
    shot(page, "7-offline-calculator")


def test_a_check_in_made_offline_is_sent_when_the_network_is_back(
    context: BrowserContext, page: Page, live: Live
):
    token = signed_in(context, live, CITIZEN, "赵市民 Citizen")
    page.goto("/wallet")
    expect(page.get_by_test_id("pending")).to_be_visible()

    def held() -> int:  # a check-in under 2026.2 is confirmed at once: balance and pending
        wallet = live.get("/wallet", token)
        return int(wallet["balance"]) + int(wallet["pending"])

    before = held()

    context.set_offline(True)
    open_in_app(page, live.venue_code())  # as the phone's camera would open the venue's QR
    expect(page.get_by_test_id("checkin-outcome")).to_have_text(
        "当前离线，打卡已保存，联网后自动提交。"
    )
    page.get_by_role("link", name="查看我的积分").click()
    expect(page.get_by_test_id("queued")).to_contain_text("1 条打卡等待联网后提交")
    shot(page, "8-offline-check-in-queued")
    assert held() == before

    context.set_offline(False)
    expect(page.get_by_test_id("queued")).to_have_count(0)
    actions = live.get("/wallet/actions", token)["items"]
    assert [(a["type"], a["source"]) for a in actions] == [("checkin", "self")]
    assert held() == before + 20


def redeemed_certificate(live: Live, phone: str, token: str) -> str:
    """A certificate of `phone`'s own: points given, then redeemed through the API."""
    live.give_points(phone, 1500)
    resp = requests.post(
        f"{live.url}/api/v1/wallet/redemptions",
        json={"points": 1500},
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": str(uuid.uuid4()),
        },
        timeout=30,
    )
    assert resp.status_code == 201, resp.text
    return str(resp.json()["certificate_number"])


def eventually(page: Page, script: str, timeout_s: float = 15) -> None:
    """Wait until the async `script` resolves truthy (wait_for_function does not await)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {script}"
        page.wait_for_timeout(100)


IMAGE_KEPT = "() => caches.open('diandian-mine').then((c) => c.keys()).then((k) => k.length > 0)"


def fails_offline(page: Page, url: str) -> bool:
    """Whether a fetch of `url` from the page fails (nothing answers it from a cache)."""
    return bool(page.evaluate("(u) => fetch(u).then(() => false, () => true)", url))


def test_the_banner_shows_offline_and_clears_when_the_connection_returns(
    context: BrowserContext, page: Page, live: Live
):
    page.goto("/")
    controlled(page)
    banner = page.get_by_test_id("offline-banner")
    expect(banner).to_have_count(0)
    context.set_offline(True)
    expect(banner).to_contain_text("当前离线")
    shot(page, "20-offline-banner")
    context.set_offline(False)
    expect(banner).to_have_count(0)


def test_a_certificate_opened_online_opens_offline_with_its_image_and_qr(
    context: BrowserContext, page: Page, live: Live
):
    token = signed_in(context, live, OPERATOR, "运营 Operator")
    number = redeemed_certificate(live, OPERATOR, token)
    page.goto(f"/certificates/{number}")
    controlled(page)
    image = page.locator("img.cert-image")
    expect(page.get_by_test_id("cert-number")).to_have_text(number)
    page.wait_for_function("() => document.querySelector('img.cert-image')?.naturalWidth > 0")
    eventually(page, IMAGE_KEPT)
    png_url = page.evaluate(
        "caches.open('diandian-mine').then((c) => c.keys()).then((k) => k[0].url)"
    )
    assert f"/api/v1/certificates/{number}.png" in png_url

    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("cert-number")).to_have_text(number)
    expect(page.get_by_test_id("saved-copy")).to_contain_text(re.compile(r"离线副本 · 上次更新 \d"))
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.cert-image')?.naturalWidth > 0")
    assert image.evaluate(IMAGE_LOADED)
    shot(page, "21-offline-certificate")
    page.get_by_role("button", name="出示二维码").click()
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    shot(page, "22-offline-certificate-qr")
    page.get_by_role("button", name="关闭").click()

    # The list, in the app and loaded afresh: the saved copies, marked as such.
    page.get_by_role("link", name="证书", exact=True).click()
    expect(page.get_by_test_id("certs-offline")).to_contain_text("保存在本机")
    mine = page.get_by_role("link", name=re.compile(number))
    expect(mine).to_contain_text("离线副本 · 上次更新")
    page.goto("/certificates")
    expect(page.get_by_role("link", name=re.compile(number))).to_contain_text("离线副本")
    shot(page, "23-offline-certificates")

    # The service worker answers no /api/ request from a cache: neither what the page read (the
    # certificate, its image, which the page itself kept) nor what it never opened.
    assert fails_offline(page, f"/api/v1/certificates/{number}")
    assert fails_offline(page, png_url)
    assert fails_offline(page, "/api/v1/stats")
    cached = page.evaluate(
        """async () => {
            const out = [];
            for (const name of await caches.keys()) {
                if (name === 'diandian-mine') continue;
                for (const r of await (await caches.open(name)).keys()) out.push(r.url);
            }
            return out;
        }"""
    )
    assert cached, "the app shell is precached"
    assert not [u for u in cached if "/api/" in u], cached

    context.set_offline(False)
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)
    expect(page.get_by_test_id("certs-offline")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(number))).to_contain_text("已存本机")


def test_signing_out_forgets_the_saved_certificates_and_images(
    context: BrowserContext, page: Page, live: Live
):
    token = signed_in(context, live, JUDGE, "陈法官 Judge")
    number = redeemed_certificate(live, JUDGE, token)
    page.goto(f"/certificates/{number}")
    eventually(page, IMAGE_KEPT)
    page.goto("/me")
    # the init script would sign in again on the next page load: sign out, then read in place
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
    eventually(page, "() => caches.has('diandian-mine').then((has) => !has)")
    saved = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('diandian');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const tx = open.result.transaction(['certificates', 'snapshots'], 'readonly');
                const a = tx.objectStore('certificates').count();
                const b = tx.objectStore('snapshots').count();
                tx.oncomplete = () => resolve(a.result + b.result);
            };
        })"""
    )
    assert saved == 0


def test_the_wallet_offline_shows_the_last_balance_and_queues_a_check_in(
    context: BrowserContext, page: Page, live: Live
):
    live.give_points(JUDGE, 300)
    token = signed_in(context, live, JUDGE, "陈法官 Judge")
    page.goto("/wallet")
    controlled(page)
    balance = live.get("/wallet", token)["balance"]
    expect(page.get_by_test_id("balance")).to_have_text(f"{balance:,}")

    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("wallet-saved")).to_contain_text(
        re.compile(r"上次同步于 .*\d{1,2}:\d{2}，当前离线")
    )
    expect(page.get_by_test_id("balance")).to_have_text(f"{balance:,}")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    open_in_app(page, live.venue_code())
    page.get_by_role("link", name="查看我的积分").click()
    expect(page.get_by_test_id("queued")).to_contain_text("1 条打卡等待联网后提交")
    shot(page, "24-offline-wallet")

    context.set_offline(False)
    expect(page.get_by_test_id("queued")).to_have_count(0)
    expect(page.get_by_test_id("delivered")).to_contain_text("离线打卡已提交：获得 20 积分")
    expect(page.get_by_test_id("wallet-saved")).to_have_count(0)
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)
    expect(page.get_by_text("当前离线，打卡已保存")).to_have_count(0)
    assert [a["source"] for a in live.get("/wallet/actions", token)["items"]] == ["self"]
    shot(page, "25-wallet-back-online")

    # The same venue again today: the reason in words, never a raw key.
    open_in_app(page, live.venue_code())
    status = page.get_by_test_id("checkin-outcome")
    expect(status).to_have_text("未获得积分：已经计入过（同一场馆每天只计一次）")
    expect(page.locator("main")).not_to_contain_text("reason.")


def test_with_no_wallet_saved_the_check_in_still_works_offline(
    context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, OPERATOR, "运营 Operator")
    page.goto("/")
    controlled(page)
    context.set_offline(True)
    page.goto("/wallet")
    expect(page.get_by_role("alert")).to_contain_text("网络未连接")
    open_in_app(page, live.venue_code())
    page.get_by_role("link", name="查看我的积分").click()
    expect(page.get_by_test_id("queued")).to_contain_text("条打卡等待联网后提交")
    shot(page, "26-offline-wallet-never-synced")
    context.set_offline(False)
    expect(page.get_by_test_id("queued")).to_have_count(0)
    expect(page.get_by_test_id("balance")).to_be_visible()


def test_with_poor_signal_a_failed_check_in_is_queued_and_sent_with_the_next_answer(
    context: BrowserContext, page: Page, live: Live
):
    """The browser still says online, but the request gets no answer: no `online` event will
    come, so the first request that is answered sends the queue."""
    token = signed_in(context, live, COMPANY, "王企业 Company admin")
    page.goto("/wallet")
    expect(page.get_by_test_id("balance")).to_be_visible()
    before = len(live.get("/wallet/actions", token)["items"])

    context.route("**/api/v1/wallet/checkins", lambda route: route.abort("internetdisconnected"))
    open_in_app(page, live.venue_code())
    page.get_by_role("link", name="查看我的积分").click()
    expect(page.get_by_test_id("queued")).to_contain_text("1 条打卡等待联网后提交")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    assert page.evaluate("navigator.onLine")

    context.unroute("**/api/v1/wallet/checkins")
    page.get_by_role("link", name="证书", exact=True).click()  # any request that gets an answer
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)
    page.get_by_role("link", name="积分", exact=True).click()
    expect(page.get_by_test_id("delivered")).to_contain_text("离线打卡已提交")
    expect(page.get_by_test_id("queued")).to_have_count(0)
    assert len(live.get("/wallet/actions", token)["items"]) == before + 1
