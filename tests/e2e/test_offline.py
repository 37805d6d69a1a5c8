"""Offline: the shell loads from the service worker, and a check-in waits for the network."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Live, shot, signed_in

CITIZEN = "+8613800138005"


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
    signed_in(context, live, CITIZEN, "赵市民 Citizen")
    token = live.token(CITIZEN)
    page.goto("/wallet")
    expect(page.get_by_test_id("pending")).to_be_visible()
    before = live.get("/wallet", token)["pending"]

    context.set_offline(True)
    page.get_by_label("场馆码").fill("CHENGDU-LIB-01")
    page.get_by_role("button", name="打卡", exact=True).click()
    expect(page.get_by_test_id("queued")).to_contain_text("1 条打卡等待联网后提交")
    shot(page, "8-offline-check-in-queued")
    assert live.get("/wallet", token)["pending"] == before

    context.set_offline(False)
    expect(page.get_by_test_id("queued")).to_have_count(0)
    actions = live.get("/wallet/actions", token)["items"]
    assert [(a["type"], a["source"]) for a in actions] == [("checkin", "self")]
    assert live.get("/wallet", token)["pending"] > before
