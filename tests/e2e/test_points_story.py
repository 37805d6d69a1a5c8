"""One citizen's points story, in Chinese: they scan the QR a venue's staff show, the check-in
confirms at once (methodology 2026.2's zero window: the points are spendable when the answer
comes), and with those points and the demo's they redeem a coffee coupon and see its code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Live, e2e_app, serving, shot
from tests.e2e.test_rewards import redeem_coffee
from tests.e2e.test_scanning import signed_in_as
from tests.e2e.test_venue_checkin import CITIZEN, STAFF, phone, scanned


@pytest.fixture(scope="module")
def story_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server of its own, so the demo citizen's balance is the demo's."""
    tmp = tmp_path_factory.mktemp("e2e-points-story")
    with serving(lambda url: e2e_app(tmp, url)) as running:
        yield running


def test_a_citizen_checks_in_at_a_venue_and_spends_the_points_on_a_coupon(
    browser: Browser, story_live: Live
):
    staff_ctx = phone(browser, story_live)
    signed_in_as(staff_ctx, story_live, STAFF, "孙绿道 Venue staff")
    desk = staff_ctx.new_page()
    desk.goto("/me")
    desk.get_by_role("link", name=re.compile("锦城公园绿道运营中心")).click()
    desk.get_by_role("link", name=re.compile("天府绿道·锦城公园")).click()
    url = scanned(desk)
    assert urlsplit(url).path == "/checkin"

    citizen_ctx = phone(browser, story_live)
    token = signed_in_as(citizen_ctx, story_live, CITIZEN, "赵市民 Citizen")
    before = story_live.get("/wallet", token)
    page = citizen_ctx.new_page()
    page.goto(urlsplit(url).path + "?" + urlsplit(url).query)
    expect(page.get_by_test_id("checkin-outcome")).to_have_text("打卡成功，获得 20 积分。")
    shot(page, "story-1-checked-in")
    (action,) = story_live.get("/wallet/actions", token)["items"]
    assert (action["type"], action["status"], action["points"]) == ("checkin", "confirmed", 20)

    page.get_by_role("link", name="查看我的积分").click()
    expect(page.get_by_test_id("balance")).to_have_text(f"{before['balance'] + 20:,}")
    assert story_live.get("/wallet", token)["pending"] == before["pending"]  # nothing waits

    page.get_by_test_id("to-rewards").click()
    coffee = page.get_by_test_id("reward").filter(has_text="蓉城咖啡美式一杯")
    expect(coffee).to_contain_text("1,500 积分")
    redeem_coffee(page)
    shot(page, "story-2-coupon-code")
    assert story_live.get("/wallet", token)["balance"] == before["balance"] + 20 - 1500
    staff_ctx.close()
    citizen_ctx.close()
