"""The points economy's desks in Chinese: the operator enrols an organisation as a sponsor and
records a funding after a confirmation naming the points it grants; the sponsor's admin adds a
coupon (the server's words for a bad field first), sees it in its catalogue and on /rewards, and
withdraws it; the operator adds a venue for an organisation and deactivates it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.demo import OPERATOR_PHONE
from tests.e2e.conftest import Live, shot, signed_in

SPONSOR = "成都大运会场馆运行团队 (示例)"
SPONSOR_ADMIN = "+8613800138001"


def operator_desk(page: Page, tab: str) -> None:
    page.goto("/me")
    page.get_by_role("link", name=re.compile("点点运营中心")).click()
    page.get_by_role("navigation", name="组织管理").get_by_role("link", name=tab).click()


def test_the_operator_funds_a_sponsor_whose_admin_offers_a_coupon(
    browser: Browser, context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, OPERATOR_PHONE, "点点运营 Operator")
    operator_desk(page, "积分赞助方")
    budgets = page.get_by_test_id("sponsor-budgets")
    expect(budgets).to_contain_text("锦江低碳生活联盟（示例）")
    page.locator("#enrol-org").select_option(label=SPONSOR)
    page.get_by_role("button", name="登记为赞助方").click()
    expect(page.get_by_role("status").filter(has_text="已把")).to_contain_text(SPONSOR)
    expect(budgets).to_contain_text(SPONSOR)
    shot(page, "sponsor-desk-1-enrolled")

    fund = page.locator("#fund")
    fund.get_by_label("赞助方").select_option(label=SPONSOR)
    review = fund.get_by_role("button", name="核对资助")
    expect(review).to_be_disabled()
    expect(fund).to_contain_text("请先填写有效的金额或质量")
    fund.get_by_label("金额（元）").fill("100.5")
    review.click()
    ask = page.get_by_role("alertdialog")
    expect(ask).to_contain_text(f"为“{SPONSOR}”登记资助？")
    expect(ask).to_contain_text("¥100.50")
    expect(ask).to_contain_text("将发放 7,788,750 积分")  # 10,050 fen at 775 points a fen
    expect(ask).to_contain_text("不能撤销")
    shot(page, "sponsor-desk-2-confirm-funding")
    ask.get_by_role("button", name="确认登记").click()
    expect(page.get_by_test_id("funding-done")).to_contain_text("7,788,750 积分")
    expect(budgets.locator("li").filter(has_text=SPONSOR)).to_contain_text("已资助 7,788,750 积分")

    admin = browser.new_context(
        base_url=live.url, viewport=context.pages[0].viewport_size, locale="zh-CN"
    )
    admin.set_default_timeout(15_000)
    signed_in(admin, live, SPONSOR_ADMIN, "李会务 Event organiser")
    desk = admin.new_page()
    desk.goto("/me")
    desk.get_by_role("link", name=re.compile(re.escape(SPONSOR))).click()
    desk.get_by_role("navigation", name="组织管理").get_by_role("link", name="奖品目录").click()
    expect(desk.get_by_test_id("sponsor-budget")).to_contain_text("已资助 7,788,750 积分")
    expect(desk.get_by_test_id("sponsor-bonus")).to_contain_text("还可发放 7,788,750 积分")
    expect(desk.get_by_text("还没有奖品。")).to_be_visible()
    desk.get_by_label("类型").select_option(label="优惠券")
    desk.get_by_label("中文名称").fill("大运场馆参观纪念徽章")
    desk.get_by_label("英文名称").fill("Universiade venue badge")
    desk.get_by_label("所需积分").fill("0")
    desk.get_by_label("库存数量").fill("50")
    desk.get_by_role("button", name="上架", exact=True).click()
    price = desk.get_by_label("所需积分")
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(desk.locator("#err-price_points")).not_to_be_empty()  # the server's words
    shot(desk, "sponsor-desk-3-bad-price")
    price.fill("800")
    desk.get_by_role("button", name="上架", exact=True).click()
    expect(desk.get_by_test_id("reward-created")).to_contain_text("已上架“大运场馆参观纪念徽章”")
    item = desk.get_by_test_id("catalogue").locator("li").filter(has_text="大运场馆参观纪念徽章")
    expect(item).to_contain_text("兑换中")
    expect(item).to_contain_text("800 积分 · 剩余 50 件")
    shot(desk, "sponsor-desk-4-catalogue")

    page.goto("/rewards")
    badge = page.get_by_test_id("reward").filter(has_text="大运场馆参观纪念徽章")
    expect(badge).to_contain_text("800 积分")
    expect(badge).to_contain_text(f"{SPONSOR} 提供")

    item.get_by_role("button", name="下架").click()
    ask = desk.get_by_role("alertdialog")
    expect(ask).to_contain_text("不能重新上架")
    ask.get_by_role("button", name="确认下架").click()
    expect(item).to_contain_text("已下架")
    page.reload()
    expect(page.get_by_test_id("reward").first).to_be_visible()
    expect(page.get_by_test_id("reward").filter(has_text="大运场馆参观纪念徽章")).to_have_count(0)
    admin.close()


def test_the_operator_adds_a_venue_and_deactivates_it(
    context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, OPERATOR_PHONE, "点点运营 Operator")
    operator_desk(page, "场馆管理")
    page.get_by_label("选择机构查看其场馆").select_option(label="锦城公园绿道运营中心 (示例)")
    expect(page.get_by_text("天府绿道·锦城公园")).to_be_visible()
    page.get_by_label("中文名称").fill("成都图书馆（示例）")
    page.get_by_label("英文名称").fill("Chengdu Library (demo)")
    page.get_by_label("类型").select_option(label="低碳场馆")
    page.get_by_role("button", name="添加场馆").last.click()
    expect(page.get_by_role("status").filter(has_text="已添加")).to_contain_text(
        "成都图书馆（示例）"
    )
    venue = page.locator("li").filter(has_text="成都图书馆（示例）")
    venue.get_by_role("button", name="停用").click()
    ask = page.get_by_role("alertdialog")
    expect(ask).to_contain_text("停用“成都图书馆（示例）”？")
    shot(page, "sponsor-desk-5-venue-deactivate")
    ask.get_by_role("button", name="确认停用").click()
    expect(venue).to_contain_text("已停用")
    expect(venue.get_by_role("button", name="恢复打卡")).to_be_visible()
