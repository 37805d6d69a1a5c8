"""Financing in the browser (zh-CN, 390×844), on the demo: the company's admin applies on its
绿色金融 › 融资申请 section for ¥2,000,000.00 over 36 months for a solar project, choosing the demo
bank's 减碳贷 among the products whose criteria it meets; the bank's officer finds it in the
inbox, takes it under review, approves ¥1,500,000.00 and records the disbursement, each after a
confirmation; the company sees the leg disbursed with its history; /finance shows our figures
beside the seed's, and /finance/products the bank's illustrative products. No English sentence
in zh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from backend.demo import BANK_PHONE
from tests.e2e.conftest import Live, confirm, e2e_app, serving, shot
from tests.e2e.test_market_desk import _context, _org_id
from tests.e2e.test_zh_walk import findings

COMPANY = "成都蓉城科技有限公司 (示例)"
COMPANY_ADMIN = "+8613800138002"
BANK = "兴业银行成都分行（示例）"


@pytest.fixture(scope="module")
def lending(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("e2e-lending")
    # the bank's officer signs in several times from one address (rate limits: tests/accounts)
    limits: dict[str, Any] = {
        f"RATELIMIT_{k}": "1000 per minute"
        for k in ("OTP_PER_PHONE", "OTP_PER_IP", "SIGNIN_PER_PHONE", "SIGNIN_PER_IP")
    }
    with serving(lambda url: e2e_app(tmp, url, **limits)) as live:
        yield live


def _no_english(page: Page) -> None:
    found = findings(page.locator("main").inner_text())
    assert found == [], found


def test_a_company_applies_and_the_bank_disburses(browser: Browser, lending: Live) -> None:
    company_id = _org_id(lending, lending.token(COMPANY_ADMIN), COMPANY)
    bank_id = _org_id(lending, lending.token(BANK_PHONE), BANK)

    company_ctx = _context(browser, lending, COMPANY_ADMIN, "企业管理员")
    page = company_ctx.new_page()
    page.goto(f"/org/{company_id}?tab=finance&section=financing")
    form = page.get_by_role("region", name="申请融资")
    form.locator("#apply-type").select_option(label="光伏")
    form.get_by_label("申请金额（万元）").fill("200")
    form.get_by_label("期限（月）").fill("36")
    form.get_by_label("项目说明").fill("厂房屋顶分布式光伏 2 兆瓦")
    form.get_by_label("绿色产业指导目录代码（可选，例如 3.2.2）").fill("3.2.2")
    choices = form.get_by_role("group", name="选择产品（可多选）")
    expect(choices).to_contain_text("减碳贷")
    expect(choices).not_to_contain_text("天气指数保险")  # 12 months only: 36 is outside
    choices.get_by_label("减碳贷").check()
    form.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("applied")).to_contain_text("已提交申请")
    mine = page.get_by_test_id("my-applications")
    expect(mine).to_contain_text("¥2,000,000.00 · 36 个月 · 光伏")
    expect(mine).to_contain_text("已申请")
    _no_english(page)
    shot(page, "finance-applied")

    bank_ctx = _context(browser, lending, BANK_PHONE, "刘信贷")
    bank = bank_ctx.new_page()
    bank.goto(f"/org/{bank_id}?tab=finance&section=financing")
    inbox = bank.get_by_test_id("inbox")
    expect(inbox).to_contain_text(COMPANY)
    inbox.get_by_role("button", name="开始审核").click()
    confirm(bank, "开始审核", "开始审核这笔申请？")
    expect(inbox).to_contain_text("审核中")
    inbox.get_by_label("金额（万元）").fill("150")
    inbox.get_by_role("button", name="批准").click()
    confirm(bank, "批准", "批准 ¥1,500,000.00？")
    expect(inbox).to_contain_text("批准金额 ¥1,500,000.00")
    inbox.get_by_role("button", name="登记放款").click()
    confirm(bank, "登记放款", "登记放款 ¥1,500,000.00？")
    expect(inbox).to_contain_text("已放款")
    _no_english(bank)
    shot(bank, "finance-disbursed")
    bank_ctx.close()

    page.reload()
    mine = page.get_by_test_id("my-applications")
    expect(mine).to_contain_text("已放款")
    mine.get_by_text("处理记录").click()
    expect(mine).to_contain_text("已批准 → 已放款")

    page.goto("/finance")
    stats = page.get_by_test_id("finance-stats")
    expect(stats).to_contain_text("¥2,000,000.00")
    expect(stats).to_contain_text("¥1,500,000.00")
    expect(stats).to_contain_text("156.35 亿元")
    expect(stats).to_contain_text("3,468")
    _no_english(page)
    page.get_by_role("link", name="金融产品 →").click()
    products = page.get_by_test_id("products")
    expect(products).to_contain_text("碳资产质押融资")
    expect(products).to_contain_text("示例数据")
    products.get_by_role("link", name="CCER减排项目保险").click()
    expect(page.get_by_test_id("product")).to_contain_text("保险费率")
    _no_english(page)
    company_ctx.close()


def test_the_bank_drafts_publishes_and_withdraws_a_product(browser: Browser, lending: Live) -> None:
    bank_id = _org_id(lending, lending.token(BANK_PHONE), BANK)
    ctx = _context(browser, lending, BANK_PHONE, "刘信贷")
    page = ctx.new_page()
    page.goto(f"/org/{bank_id}?tab=finance&section=products")
    own = page.get_by_test_id("own-products")
    expect(own).to_contain_text("碳资产质押融资")
    expect(own).to_contain_text("3.00% – 4.00%")
    form = page.get_by_role("region", name="新建产品（草稿）")
    form.get_by_label("产品类型").select_option(label="气候保险")
    form.get_by_label("中文名称").fill("林业碳汇保险")
    form.get_by_label("英文名称").fill("Forest carbon sink insurance")
    form.get_by_label("中文介绍").fill("承保火灾、病虫害造成的碳汇损失。")
    form.get_by_label("英文介绍").fill("Covers sink losses from fire and pests.")
    form.get_by_label("最低费率（%）").fill("4")
    form.get_by_label("最高费率（%）").fill("3")  # refused: the minimum above the maximum
    form.get_by_label("最短期限（月）").fill("12")
    form.get_by_label("最长期限（月）").fill("36")
    form.get_by_label("最低金额（万元）").fill("10")
    form.get_by_label("最高金额（万元）").fill("1000")
    form.get_by_label("林业碳汇").check()
    form.get_by_label("所需材料").fill("营业执照\n林权证")
    form.get_by_role("button", name="保存草稿").click()
    expect(form.locator("#err-rate_min_bps")).to_be_visible()
    form.get_by_label("最高费率（%）").fill("8")
    form.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("product-created")).to_contain_text("已保存草稿“林业碳汇保险”")
    item = own.locator("li").filter(has_text="林业碳汇保险")
    expect(item).to_contain_text("草稿")
    expect(item).to_contain_text("保险费率")
    item.get_by_role("button", name="发布").click()
    confirm(page, "发布", "发布“林业碳汇保险”？")
    expect(item).to_contain_text("已发布")
    item.get_by_role("button", name="下架").click()
    confirm(page, "下架", "下架“林业碳汇保险”？")
    expect(item).to_contain_text("已下架")
    _no_english(page)
    shot(page, "finance-products")
    ctx.close()
