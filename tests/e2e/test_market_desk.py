"""The market in the browser (zh-CN, 390×844): the demo company lists 100 t of its issued CDCER at
¥50 a tonne with a minimum lot of 10 t, after a confirmation naming the total; the event
organiser's account (opened through the API) deposits sandbox funds on its 交易 tab and buys
30 t after a confirmation with the amount and the fee estimate; the seller sees the fill and 70 t
left; the seller registers an agreement transfer (协议转让) of 20 t naming the buyer's account and
the buyer accepts it from its list of deals, then downloads the trade's 成交确认书; 行情 shows the
product's last price, its daily chart (title and summary), the public trade and an announcement
the operator published through the API. No English sentence in zh.

The market trades only in trading hours, so the clock is set to an open session (as
tests/market/conftest.py does): the app runs in this process's thread, and `calendar.now` is the
one clock the market reads; no step depends on the wall clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.demo import OPERATOR_PHONE
from backend.market import calendar
from tests.e2e.conftest import PHONE, Live, confirm, e2e_app, serving, shot, signed_in
from tests.e2e.test_zh_walk import findings

# Monday 7 December 2026, 10:00 in Beijing: a trading day, in the morning session.
OPEN = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
PROJECT = "锦江绿道碳汇（示例）"
SELLER_ORG = "成都蓉城科技有限公司 (示例)"
SELLER_ADMIN = "+8613800138002"
BUYER_ORG = "成都大运会场馆运行团队 (示例)"
BUYER_ADMIN = "+8613800138001"
BUYER_USCC = "914403001922038216"


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo on an app of its own (the registry desk's test opens the organiser's account
    through its UI on the shared one)."""
    tmp = tmp_path_factory.mktemp("e2e-market")
    with serving(lambda url: e2e_app(tmp, url)) as live:
        yield live


@pytest.fixture(autouse=True)
def open_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendar, "now", lambda: OPEN)


def _org_id(live: Live, token: str, name: str) -> int:
    orgs = [m["organisation"] for m in live.get("/me", token)["organisations"]]
    return int(next(o["id"] for o in orgs if o["name"] == name))


def _open_account(live: Live, token: str, org_id: int) -> int:
    docs = requests.get(f"{live.url}/api/v1/registry/market-documents", timeout=10).json()
    body: dict[str, Any] = {
        "organisation_id": org_id,
        "uscc": BUYER_USCC,
        "legal_representative": "李法人",
        "contact_name": "李会务",
        "contact_phone": "13912345678",
        "roles": ["buyer"],
        "accept": [{"document": d["code"], "version": d["version"]} for d in docs],
    }
    headers = {"Authorization": f"Bearer {token}"}
    resp = requests.post(
        f"{live.url}/api/v1/registry/participants", json=body, headers=headers, timeout=10
    )
    assert resp.status_code == 201, resp.text
    return int(resp.json()["id"])


def _context(browser: Browser, live: Live, phone: str, name: str) -> BrowserContext:
    ctx = browser.new_context(
        base_url=live.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    ctx.set_default_timeout(15_000)
    signed_in(ctx, live, phone, name)
    return ctx


def _lists(page: Page) -> None:
    holding = page.get_by_test_id("market-holdings").locator("li").filter(has_text=PROJECT)
    expect(holding).to_contain_text("2025 年度 · 500 吨")
    holding.get_by_role("button", name="挂牌", exact=True).click()
    holding.get_by_label("挂牌数量（吨）").fill("100")
    holding.get_by_label("价格（元/吨）").fill("50")
    holding.get_by_label("最小成交量（吨）").fill("10")
    holding.get_by_test_id("list").click()
    confirm(page, "确认挂牌", "确认挂牌 100 吨？", "¥50.00/吨", "最小成交量 10 吨", "¥5,000.00")
    mine = page.get_by_test_id("my-listings")
    expect(mine).to_contain_text("剩余 100 吨（挂牌 100 吨）")
    expect(page.get_by_test_id("market-holdings")).to_contain_text("400 吨")


def _deposits_and_buys(page: Page, participant: int) -> None:
    expect(page.get_by_test_id("funds")).to_contain_text("¥0.00")
    expect(page.get_by_text(f"SBX-{participant}-1000000-1")).to_be_visible()  # the hint's example
    page.get_by_label("银行转账参考号").fill(f"SBX-{participant}-20000000-e2e")
    page.get_by_role("button", name="确认入金").click()
    expect(page.get_by_test_id("deposited")).to_contain_text("已入金 ¥200,000.00")
    expect(page.get_by_test_id("available")).to_have_text("¥200,000.00")
    expect(page.get_by_test_id("entries")).to_contain_text("入金")

    listing = page.get_by_test_id("listings").locator("li").filter(has_text=PROJECT)
    expect(listing).to_contain_text(SELLER_ORG)
    expect(listing).to_contain_text("¥50.00/吨 · 剩余 100 吨 · 最小 10 吨")
    listing.get_by_role("button", name="点选购买").click()
    expect(listing).to_contain_text("可买 10 吨 至 100 吨")
    listing.get_by_label("购买数量（吨）").fill("30")
    listing.get_by_test_id("buy").click()
    # 30 t × ¥50 = ¥1,500.00; the buyer's fee 25 bp = ¥3.75 (docs/market.md)
    confirm(page, "确认购买", "确认购买 30 吨？", "¥1,500.00", "¥3.75", "¥1,503.75")
    bought = page.get_by_test_id("bought")
    expect(bought).to_contain_text(re.compile(r"已成交 DD20261207\d{6}：30 吨"))
    expect(bought).to_contain_text("手续费 ¥3.75")
    expect(page.get_by_test_id("available")).to_have_text("¥198,496.25")
    trades = page.get_by_test_id("trades")
    expect(trades).to_contain_text("买入 · 定价点选 · CDCER 天府绿道 2025 年度 · 30 吨")
    expect(trades).to_contain_text(re.compile(r"成交编号 DD20261207\d{6}"))
    expect(page.get_by_test_id("listings")).to_contain_text("剩余 70 吨")


def _registers_an_agreement(page: Page, counterparty: int) -> str:
    deals = page.get_by_role("region", name="大宗交易与协议转让")
    deals.locator("#deal-mode").select_option(label="协议转让")
    deals.get_by_label("交易对手账户号").fill(str(counterparty))
    deals.locator("#deal-holding").select_option(label="CDCER · 2025 年度 · 400 吨")
    deals.get_by_label("数量（吨）").fill("20")
    deals.get_by_label("价格（元/吨）").fill("48")
    deals.get_by_label("合同编号").fill("HT-2026-001")
    deals.get_by_test_id("deal").click()
    confirm(page, "确认申报", "确认申报 协议转让？", f"对手账户 {counterparty}", "¥960.00")
    sent = deals.get_by_role("status")
    expect(sent).to_contain_text("已申报，编号")
    number = re.search(r"编号 (\d+)", sent.inner_text())
    assert number
    expect(deals.get_by_test_id("deals")).to_contain_text("待对方确认")
    return number.group(1)


def _accepts(page: Page, deal: str) -> str:
    """The buyer accepts the seller's agreement from its list of deals; the trade's number."""
    deals = page.get_by_role("region", name="大宗交易与协议转让")
    row = deals.get_by_test_id("deals").locator("li").filter(has_text=f"编号 {deal} ")
    expect(row).to_contain_text(f"协议转让 · 本方买方 · 对手 {SELLER_ORG} · 20 吨 × ¥48.00/吨")
    expect(row).to_contain_text("待对方确认")
    row.get_by_test_id(f"deal-row-settled-{deal}").click()
    confirm(page, "接受并结算", f"接受申报 {deal} 并结算？")
    expect(row).to_contain_text("已结算")
    trades = page.get_by_test_id("trades")
    first = trades.locator("li").first
    expect(first).to_contain_text("买入 · 协议转让 · CDCER 天府绿道 2025 年度 · 20 吨")
    expect(first).to_contain_text(PROJECT)
    found = re.search(r"成交编号 (DD20261207\d{6})", first.inner_text())
    assert found
    shot(page, "market-4-agreement")
    return found.group(1)


def _downloads_the_confirmation(page: Page, number: str) -> None:
    button = page.get_by_test_id(f"confirmation-{number}")
    expect(button).to_have_text("下载成交确认书")
    with page.expect_download() as got:
        button.click()
    assert got.value.suggested_filename == f"成交确认书-{number}.pdf"
    path = got.value.path()
    assert path.read_bytes().startswith(b"%PDF")


def _announces(live: Live) -> None:
    body = {
        "title_zh": "春节休市安排",
        "title_en": "Spring Festival closure",
        "body_zh": "春节期间休市，节后首个工作日恢复交易。",
        "body_en": "The market closes over the Spring Festival.",
    }
    headers = {"Authorization": f"Bearer {live.token(OPERATOR_PHONE)}"}
    resp = requests.post(
        f"{live.url}/api/v1/market/announcements", json=body, headers=headers, timeout=10
    )
    assert resp.status_code == 201, resp.text


def _quotes(page: Page, number: str) -> None:
    """行情: the product's last price (the agreement's ¥48), no previous close yet, the open
    listing's best ask, the daily chart, the public trade and the announcement."""
    product = page.get_by_test_id("products").locator("tbody tr").filter(has_text="CDCER 天府绿道")
    expect(product).to_contain_text("¥48.00")
    expect(product).to_contain_text("无前收盘")
    expect(product).to_contain_text("50 吨")  # today's volume: 30 t picked and 20 t agreed
    expect(product).to_contain_text("¥50.00")  # the best ask
    chart = page.get_by_test_id("daily-chart")
    expect(chart.locator("figcaption")).to_have_text("CDCER 天府绿道 日 K 线（近 60 天）")
    expect(chart.locator("svg")).to_have_attribute("role", "img")
    expect(page.get_by_test_id("daily-summary")).to_contain_text(
        "共 1 个交易日有成交：最新收盘 ¥48.00/吨"
    )
    trades = page.get_by_test_id("public-trades")
    expect(trades).to_contain_text(f"成交编号 {number}")
    expect(trades).to_contain_text(
        f"协议转让 · CDCER 天府绿道 · {PROJECT} 2025 年度 · 20 吨 × ¥48.00/吨"
    )
    expect(page.get_by_test_id("announcements")).to_contain_text("春节休市安排")


def test_a_company_lists_an_organiser_deposits_and_buys_and_the_seller_sees_the_fill(
    browser: Browser, market: Live
):
    seller_token = market.token(SELLER_ADMIN)
    buyer_token = market.token(BUYER_ADMIN)
    seller_org = _org_id(market, seller_token, SELLER_ORG)
    buyer_org = _org_id(market, buyer_token, BUYER_ORG)
    buyer = _open_account(market, buyer_token, buyer_org)

    sell = _context(browser, market, SELLER_ADMIN, "王企业 Company admin")
    seller = sell.new_page()
    seller.goto(f"/org/{seller_org}?tab=market")
    nav = seller.get_by_role("navigation", name="组织管理")
    expect(nav.get_by_role("link", name="交易")).to_have_attribute("aria-current", "page")
    _lists(seller)
    shot(seller, "market-1-listed")

    buy = _context(browser, market, BUYER_ADMIN, "李会务 Event organiser")
    page = buy.new_page()
    page.goto(f"/org/{buyer_org}?tab=market")
    _deposits_and_buys(page, buyer)
    shot(page, "market-2-bought")
    assert findings(page.locator("main").inner_text()) == []

    seller.reload()
    expect(seller.get_by_test_id("my-listings")).to_contain_text("剩余 70 吨（挂牌 100 吨）")
    fills = seller.get_by_test_id("fills")
    expect(fills).to_contain_text("卖出 · 定价点选 · CDCER 天府绿道 2025 年度 · 30 吨")
    expect(fills).to_contain_text("手续费 ¥3.75")
    expect(fills).to_contain_text(re.compile(r"成交编号 DD20261207\d{6}"))
    expect(seller.get_by_test_id("entries")).to_contain_text("卖出收款")
    shot(seller, "market-3-filled")
    assert findings(seller.locator("main").inner_text()) == []

    deal = _registers_an_agreement(seller, buyer)
    page.reload()
    number = _accepts(page, deal)
    _downloads_the_confirmation(page, number)

    _announces(market)
    page.goto("/")
    page.get_by_test_id("to-market").click()
    _quotes(page, number)
    shot(page, "market-5-quotes")
    assert findings(page.locator("main").inner_text()) == []
    page.get_by_role("button", name="English").click()  # 行情 in English, then back
    expect(page.get_by_test_id("products")).to_contain_text("No previous close")
    expect(page.get_by_test_id("daily-chart").locator("figcaption")).to_have_text(
        "CDCER Tianfu greenway daily chart (last 60 days)"
    )
    expect(page.get_by_test_id("announcements")).to_contain_text("Spring Festival closure")
    page.get_by_role("button", name="中文").click()

    page.goto(f"/org/{buyer_org}?tab=market")  # the same desk, in English through the switch
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("region", name="Funds account")).to_contain_text("197,533.85")
    expect(page.get_by_test_id("trades")).to_contain_text(
        "Bought · Agreement transfer · CDCER Tianfu greenway vintage 2025 · 20 t"
    )
    sell.close()
    buy.close()
