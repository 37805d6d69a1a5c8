"""司法碳普惠 in the browser: a defendant opens the court's purchase link, signs in, pays in the
sandbox and gets a judicial certificate; the clerk opens the case, verifies (核销) the certificate
by its number, and the case is fulfilled. A second 核销 names who verified it first."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import Live, shot, signed_in

CLERK = "+8613800138003"
DEFENDANT_FAMILY = "+8613900002024"  # a new person: nobody else signs in with it
CASE_NUMBER = "(2024)川1827刑初7号"


def test_a_defendant_buys_and_the_clerk_verifies_the_certificate(
    browser: Browser, context: BrowserContext, page: Page, live: Live
):
    clerk_token = live.token(CLERK)
    case = live.open_case(
        clerk_token,
        number=CASE_NUMBER,
        offence="非法狩猎",
        site={"place": "宝兴县蜂桶寨", "province": "CN-SC"},
        defendants=[{"name": "被告人甲"}],
        mass_g=1_500_000,
        mass_basis="total",
        deadline="2099-12-31",
    )
    link = urlsplit(case["defendants"][0]["purchase_url"]).path

    # The defendant's family opens the link from the QR code, signed out.
    page.goto(link)
    expect(page.get_by_test_id("case-number")).to_have_text(CASE_NUMBER)
    expect(page.get_by_text("宝兴县人民法院")).to_be_visible()
    expect(page.get_by_test_id("remaining")).to_have_text("1.50 t")
    expect(page.get_by_test_id("judicial")).to_contain_text("不可转让")
    shot(page, "court-1-purchase-link")

    page.get_by_role("link", name="登录后购买").click()
    page.get_by_label("手机号").fill(DEFENDANT_FAMILY)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("演示模式，不发短信")).to_be_visible()
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_label(re.compile("我已阅读并同意")).check()  # a new account: the terms first
    page.get_by_role("button", name="同意并继续").click()

    expect(page).to_have_url(re.compile(re.escape(link) + "$"))
    buy = page.get_by_role("button", name="购买 1.50 t 并支付")
    buy.click()
    # Buying for a defendant processes judicial information: a separate consent first.
    page.get_by_label(re.compile("我单独同意《司法信息处理单独同意》")).check()
    page.get_by_role("button", name="同意并继续").click()
    buy.click()
    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    expect(page.get_by_text(f"生态修复：{CASE_NUMBER}")).to_be_visible()
    page.get_by_role("button", name=re.compile("模拟支付")).click()

    expect(page).to_have_url(re.compile(r"/certificates/DD-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_test_id("judicial")).to_contain_text("不可转让")
    shot(page, "court-2-judicial-certificate")

    # The clerk opens the case on the court desk and verifies the certificate by its number.
    clerk = browser.new_context(
        base_url=live.url, viewport=context.pages[0].viewport_size, locale="zh-CN"
    )
    clerk.set_default_timeout(15_000)
    signed_in(clerk, live, CLERK, "张书记员 Court clerk")
    desk = clerk.new_page()
    desk.goto("/me")
    desk.get_by_role("link", name=re.compile("法院工作台")).click()
    desk.get_by_role("link", name=re.compile(re.escape(CASE_NUMBER))).click()
    expect(desk.get_by_test_id("case-status")).to_have_text("进行中")
    expect(desk.get_by_text(number)).to_be_visible()  # the defendant's paid order
    desk.get_by_label("证书编号").fill(number.lower())
    desk.get_by_role("button", name="核销", exact=True).click()
    ask = desk.get_by_role("alertdialog")  # asked first, naming the number and the case
    expect(ask).to_contain_text(f"确认核销证书 {number}")
    expect(ask).to_contain_text(CASE_NUMBER)
    expect(ask).to_contain_text("核销后不可撤回")
    shot(desk, "court-3a-verify-asks")
    ask.get_by_role("button", name="确认核销").click()

    expect(desk.get_by_test_id("verify-outcome")).to_contain_text(f"核销成功：{number}")
    expect(desk.get_by_test_id("case-status")).to_have_text("已履行")
    expect(desk.get_by_label("已核销 1.50 t，应修复 1.50 t")).to_be_visible()
    shot(desk, "court-3-case-fulfilled")

    # Once only: a second 核销 says who verified it and for which case.
    desk.get_by_label("证书编号").fill(number)
    desk.get_by_role("button", name="核销", exact=True).click()
    desk.get_by_role("button", name="确认核销").click()
    outcome = desk.get_by_test_id("verify-outcome")
    expect(outcome).to_contain_text("宝兴县人民法院")
    expect(outcome).to_contain_text(CASE_NUMBER)
    expect(outcome).to_contain_text("不能再次核销")
    shot(desk, "court-4-already-verified")
    clerk.close()
