"""CDCER pledges in the browser (zh-CN, 390×844): the demo company (which has 300 t of its 800 t
pledged to the demo bank already, registered) pledges 100 t more to 兴业银行成都分行（示例） on its
绿色金融 tab, after a confirmation naming the loan; the units leave its holding at once; the
bank's officer registers the pledge (a 质押登记编号 is given, the public 质押登记公示 lists it),
then releases it; the company's 500 t are back. No English sentence in zh."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.demo import BANK_PHONE
from tests.e2e.conftest import PHONE, Live, confirm, e2e_app, serving, shot, signed_in
from tests.e2e.test_zh_walk import findings

PROJECT = "锦江绿道碳汇（示例）"
COMPANY = "成都蓉城科技有限公司 (示例)"
COMPANY_ADMIN = "+8613800138002"
BANK = "兴业银行成都分行（示例）"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo on an app of its own: the pledge moves the demo company's units."""
    tmp = tmp_path_factory.mktemp("e2e-pledge")
    with serving(lambda url: e2e_app(tmp, url)) as live:
        yield live


def _org_id(live: Live, token: str, name: str) -> int:
    orgs = [m["organisation"] for m in live.get("/me", token)["organisations"]]
    return int(next(o["id"] for o in orgs if o["name"] == name))


def _context(browser: Browser, live: Live, phone: str, name: str) -> BrowserContext:
    ctx = browser.new_context(
        base_url=live.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    ctx.set_default_timeout(15_000)
    signed_in(ctx, live, phone, name)
    return ctx


def _pledges(page: Page) -> None:
    holding = page.get_by_test_id("pledge-holdings").locator("li").filter(has_text=PROJECT)
    expect(holding).to_contain_text("2025 年度 · 500 吨")
    holding.get_by_role("button", name="质押", exact=True).click()
    holding.get_by_label("质权人（金融机构）").select_option(label=BANK)
    holding.get_by_label("质押数量（吨）").fill("100")
    holding.get_by_label("贷款金额（元）").fill("3000")
    holding.get_by_label("年利率（%）").fill("3.45")
    holding.get_by_label("期限（月）").fill("6")
    holding.get_by_test_id("pledge").click()
    confirm(page, "确认质押", "确认质押 100 吨？", BANK, "¥3,000.00", "3.45%", "6 个月", "立即冻结")
    mine = page.get_by_test_id("my-pledges")
    expect(mine.locator("li").first).to_contain_text("待登记")
    expect(mine.locator("li").first).to_contain_text(f"{PROJECT} · 100 吨 · {COMPANY} → {BANK}")
    expect(page.get_by_test_id("pledge-holdings")).to_contain_text("400 吨")


def _bank_registers_and_releases(page: Page) -> str:
    incoming = page.get_by_test_id("pledges-to-us").locator("li").filter(has_text="待登记")
    expect(incoming).to_contain_text("100 吨")
    incoming.get_by_role("button", name="同意登记").click()
    confirm(page, "同意登记", "同意登记这笔质押？", "100 吨")
    done = page.get_by_test_id("pledges-to-us").locator("li").filter(has_text="100 吨")
    expect(done).to_contain_text("已登记")
    found = re.search(r"质押登记编号 (CDCER-ZY-\d{4}-\d{6})", done.inner_text())
    assert found
    shot(page, "pledge-2-registered")
    assert findings(page.locator("main").inner_text()) == []
    page.goto("/finance/pledges")
    notices = page.get_by_test_id("pledge-notices")
    expect(notices).to_contain_text(found.group(1))
    expect(notices).to_contain_text("贷款金额与利率未公开")  # this one was not disclosed
    expect(notices).to_contain_text("贷款 ¥10,000.00")  # the demo's, disclosed
    # no phone: the demo people's numbers, bare or +86, appear nowhere
    assert not re.search(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)", notices.inner_text())
    shot(page, "pledge-3-notice")
    page.go_back()
    done = page.get_by_test_id("pledges-to-us").locator("li").filter(has_text=found.group(1))
    done.get_by_role("button", name="解除质押").click()
    confirm(page, "解除质押", "解除这笔质押？", "回到出质人的持仓")
    expect(done).to_contain_text("已解除")
    return found.group(1)


def test_a_company_pledges_cdcer_to_the_bank_which_registers_and_releases_it(
    browser: Browser, demo: Live
):
    company = _org_id(demo, demo.token(COMPANY_ADMIN), COMPANY)
    bank = _org_id(demo, demo.token(BANK_PHONE), BANK)

    holder_ctx = _context(browser, demo, COMPANY_ADMIN, "王企业 Company admin")
    holder = holder_ctx.new_page()
    holder.goto(f"/org/{company}?tab=finance&section=pledges")
    nav = holder.get_by_role("navigation", name="组织管理")
    expect(nav.get_by_role("link", name="绿色金融")).to_have_attribute("aria-current", "page")
    _pledges(holder)
    shot(holder, "pledge-1-requested")
    assert findings(holder.locator("main").inner_text()) == []

    bank_ctx = _context(browser, demo, BANK_PHONE, "刘信贷 Bank officer")
    officer = bank_ctx.new_page()
    officer.goto(f"/org/{bank}?tab=finance&section=pledges")
    reference = _bank_registers_and_releases(officer)

    holder.reload()
    mine = holder.get_by_test_id("my-pledges").locator("li").filter(has_text=reference)
    expect(mine).to_contain_text("已解除")
    held = holder.get_by_test_id("pledge-holdings").locator("li").filter(has_text=PROJECT)
    expect(held).to_have_count(2)  # the 100 t came back as a block of their own
    expect(held.nth(0)).to_contain_text("100 吨")
    expect(held.nth(1)).to_contain_text("400 吨")
    shot(holder, "pledge-4-released")
    holder_ctx.close()
    bank_ctx.close()
