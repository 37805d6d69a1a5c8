"""Issue 21's statistics in the browser (zh-CN, 390×844): `/stats` shows the carbon-inclusion
points (figures, reductions by action type, each sponsor's budget used) in Chinese with no
English sentence, in English after the switch, and says so when the figures cannot load."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import select

from backend.accounts.models import User
from backend.core import db, uow
from backend.core.clock import china_date, utcnow
from backend.demo import CITIZEN_PHONE
from backend.points.models import ActionSource, ActionStatus, GreenAction
from tests.e2e.conftest import PHONE, Live, e2e_app, serving, shot
from tests.e2e.test_zh_walk import findings

# (type, units in thousandths, points, status): a metro trip and two cups confirmed, a bike
# ride pending, and a reversed trip that shows nowhere
ACTIONS = (
    ("metro", 30_000, 1656, ActionStatus.confirmed),
    ("own_cup", 2_000, 80, ActionStatus.confirmed),
    ("bike", 5_000, 299, ActionStatus.pending),
    ("bus", 10_000, 430, ActionStatus.reversed),
)


@pytest.fixture(scope="module")
def acted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo (its sponsor, rewards and citizen's points) and the citizen's actions above."""
    tmp = tmp_path_factory.mktemp("e2e-points-stats")
    with serving(lambda url: e2e_app(tmp, url)) as running:
        with running.app.app_context(), uow.transaction(db.session()) as s:
            citizen = s.scalars(select(User).where(User.phone == CITIZEN_PHONE)).one()
            at = utcnow() - timedelta(hours=3)
            for n, (kind, units, points, status) in enumerate(ACTIONS):
                s.add(
                    GreenAction(
                        id=f"e2e-{n}",
                        user_id=citizen.id,
                        type=kind,
                        source=ActionSource.partner,
                        units_milli=units,
                        occurred_at=at,
                        occurred_on=china_date(at).isoformat(),
                        points=points,
                        status=status,
                        confirm_after=at,
                        methodology="2026.2",
                    )
                )
        yield running


def test_the_stats_page_shows_the_points_in_chinese_then_english(browser: Browser, acted: Live):
    ctx = browser.new_context(base_url=acted.url, viewport=PHONE, locale="zh-CN")
    page = ctx.new_page()
    page.goto("/stats")
    points = page.get_by_test_id("points-stats")
    expect(points.get_by_role("heading", name="碳普惠积分")).to_be_visible()
    by_action = points.get_by_role("img", name=re.compile("^按行动类型的减排量"))
    # confirmed actions only: the pending bike ride and the reversed bus trip have no bar
    expect(by_action.locator("text.chart-label")).to_have_text(["地铁", "自带杯"])
    expect(by_action.locator("text.chart-value")).to_have_text(["1.7 kg · 1 次", "80 g · 1 次"])
    expect(points.get_by_test_id("points-reduced")).to_have_text("1.7 kg")
    expect(points).to_contain_text("另有 1 次行动待确认，共 299 g")
    budgets = points.get_by_test_id("points-sponsors")
    expect(budgets).to_contain_text("锦江低碳生活联盟（示例）")
    expect(budgets.locator("progress")).to_have_count(1)
    for key in ("issued", "redeemed", "expired", "circulating", "funded"):
        expect(points.get_by_test_id(f"points-{key}")).to_have_text(re.compile(r"^[\d,]+$"))
    expect(page.locator("main .spinner")).to_have_count(0)
    assert findings(page.locator("main").inner_text()) == []
    shot(page, "stats-points-zh")

    page.get_by_role("button", name=re.compile("English|EN", re.I)).click()
    expect(points.get_by_role("heading", name="Carbon-inclusion points")).to_be_visible()
    in_english = points.get_by_role("img", name=re.compile("^Reductions by action type"))
    expect(in_english.locator("text.chart-label")).to_have_text(["Metro", "Own cup"])
    expect(in_english.locator("text.chart-value")).to_have_text(["1.7 kg · 1×", "80 g · 1×"])
    shot(page, "stats-points-en")
    ctx.close()


def test_the_points_section_says_when_it_cannot_load_and_retries(browser: Browser, acted: Live):
    ctx = browser.new_context(base_url=acted.url, viewport=PHONE, locale="zh-CN")
    page: Page = ctx.new_page()
    failing = {"on": True}

    def points(route: Route) -> None:
        if failing["on"]:
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    page.route("**/api/v1/stats/points", points)
    page.goto("/stats")
    section = page.get_by_test_id("points-stats")
    expect(section.get_by_role("alert")).to_be_visible()
    expect(page.get_by_test_id("neutralisations")).to_be_visible()  # the rest still shows
    failing["on"] = False
    section.get_by_role("button", name="重试").click()
    expect(section.get_by_test_id("points-reduced")).to_have_text("1.7 kg")
    ctx.close()
