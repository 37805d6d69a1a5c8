"""Points: a citizen redeems part of a wallet for a personal certificate."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Live, shot, signed_in

CITIZEN = "+8613800138005"


def test_points_are_redeemed_for_a_certificate(context: BrowserContext, page: Page, live: Live):
    live.give_points(CITIZEN, 5000)
    signed_in(context, live, CITIZEN, "赵市民 Citizen")
    page.goto("/wallet")
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"^[\d,]+$"))
    before = int(page.get_by_test_id("balance").inner_text().replace(",", ""))
    assert before >= 5000  # and whatever the demo and earlier tests left
    shot(page, "5-wallet")

    page.get_by_label("兑换积分").fill("1200")
    page.get_by_role("button", name="兑换并获得证书").click()

    expect(page).to_have_url(re.compile(r"/certificates/DD-\d{4}-\d{6}$"))
    expect(page.get_by_text("1.2 kg CO₂e")).to_be_visible()
    shot(page, "6-redemption-certificate")

    page.get_by_role("link", name="积分").click()
    expect(page.get_by_test_id("balance")).to_have_text(f"{before - 1200:,}")
    expect(page.get_by_text("兑换", exact=True).first).to_be_visible()


def test_redeeming_more_than_the_balance_says_so_in_words(
    context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, "+8613800138002", "王企业 Company admin")
    live.give_points("+8613800138002", 10)
    page.goto("/wallet")
    # other stories of this live app may have checked this person in: read what they hold
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"^[\d,]+$"))
    held = int(page.get_by_test_id("balance").inner_text().replace(",", ""))
    assert held >= 10
    page.get_by_label("兑换积分").fill(str(held + 1))
    page.get_by_role("button", name="兑换并获得证书").click()
    expect(page.get_by_role("alert")).to_contain_text("积分不足")
    expect(page.get_by_role("alert")).not_to_contain_text("{")
