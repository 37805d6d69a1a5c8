"""Rewards funded by sponsors, in Chinese: the demo citizen redeems a coffee coupon at once
(after a confirmation naming what will happen), gets its code as text and QR, and the sponsor's
merchant honours it once on the organisation desk; a second try says when it was honoured."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import Live, shot, signed_in

CITIZEN = "+8613800138005"
MERCHANT = "+8613800138021"


def redeem_coffee(page: Page) -> str:
    """Redeem the coffee coupon on the catalogue screen, confirming when asked: its code."""
    coffee = page.get_by_test_id("reward").filter(has_text="蓉城咖啡美式一杯")
    coffee.get_by_role("button", name="兑换").click()
    ask = page.get_by_role("alertdialog")
    expect(ask).to_contain_text("兑换「蓉城咖啡美式一杯」？")
    expect(ask).to_contain_text("将从钱包扣除 1,500 积分")
    expect(ask).to_contain_text("只能使用一次")
    ask.get_by_role("button", name="确认兑换（1,500 积分）").click()
    card = page.get_by_test_id("reward-code")
    expect(card).to_contain_text("已兑换「蓉城咖啡美式一杯」")
    code = page.get_by_test_id("code-text").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), code
    expect(card.get_by_role("img", name="兑换码二维码")).to_be_visible()
    return code


def test_the_citizen_redeems_a_coupon_and_the_merchant_honours_it(
    browser: Browser, context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, CITIZEN, "赵市民 Citizen")
    page.goto("/wallet")
    page.get_by_test_id("to-rewards").click()
    expect(page).to_have_url(re.compile(r"/rewards$"))
    coffee = page.get_by_test_id("reward").filter(has_text="蓉城咖啡美式一杯")
    expect(coffee).to_contain_text("1,500 积分")
    expect(coffee).to_contain_text("锦江低碳生活联盟（示例） 提供")
    shot(page, "rewards-1-catalogue")

    code = redeem_coffee(page)
    shot(page, "rewards-2-code")

    merchant = browser.new_context(
        base_url=live.url, viewport=context.pages[0].viewport_size, locale="zh-CN"
    )
    merchant.set_default_timeout(15_000)
    signed_in(merchant, live, MERCHANT, "钱店员 Merchant")
    desk = merchant.new_page()
    desk.goto("/me")
    desk.get_by_role("link", name=re.compile("核销积分兑换码")).click()
    desk.get_by_role("navigation", name="组织管理").get_by_role("link", name="核销兑换码").click()
    expect(desk.get_by_role("heading", name="核销兑换码")).to_be_visible()
    desk.get_by_role("textbox", name="兑换码").fill(code.lower())
    desk.get_by_role("button", name="查询兑换码").click()
    ask = desk.get_by_role("alertdialog")
    expect(ask).to_contain_text("核销「蓉城咖啡美式一杯」？")
    expect(ask).to_contain_text(code)
    shot(desk, "rewards-3-merchant-asks")
    ask.get_by_role("button", name="确认核销").click()
    expect(desk.get_by_test_id("honour-outcome")).to_contain_text(
        f"已核销：蓉城咖啡美式一杯（{code}）"
    )
    shot(desk, "rewards-4-honoured")

    desk.get_by_role("textbox", name="兑换码").fill(code)
    desk.get_by_role("button", name="查询兑换码").click()
    expect(desk.get_by_test_id("honour-outcome")).to_contain_text("已于")
    expect(desk.get_by_test_id("honour-outcome")).to_contain_text("不能再次使用")
    merchant.close()


def test_a_disabled_redeem_button_says_why(context: BrowserContext, page: Page, live: Live):
    page.goto("/rewards")  # signed out: the catalogue shows, and each button says why not
    coffee = page.get_by_test_id("reward").filter(has_text="蓉城咖啡美式一杯")
    expect(coffee.get_by_role("button", name="兑换")).to_be_disabled()
    expect(coffee).to_contain_text("登录后才能兑换。")
    signed_in(context, live, "+8613800138002", "王企业 Company admin")  # a few points at most
    page.goto("/rewards")
    coffee = page.get_by_test_id("reward").filter(has_text="蓉城咖啡美式一杯")
    expect(coffee.get_by_role("button", name="兑换")).to_be_disabled()
    expect(coffee).to_contain_text(re.compile(r"积分不足，还差 1,[45]\d\d 积分。"))
