"""绿蓉融 in Chinese: an organisation's admin applies to list it as a green enterprise with a
catalogue code, a statement and an evidence file (confirmed); the operator lists it from the
review queue (confirmed); it appears in the public database, beside the demo company's greenway
whose page shows its benefit and calculation trail; the admin publishes the ESG disclosure."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.demo import OPERATOR_PHONE
from tests.e2e.conftest import Live, confirm, shot, signed_in

ORG = "成都大运会场馆运行团队 (示例)"
ADMIN = "+8613800138001"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _section(page: Page, org: str, section: str) -> None:
    page.goto("/me")
    page.get_by_role("link", name=re.compile(re.escape(org))).click()
    page.get_by_role("navigation", name="组织管理").get_by_role("link", name="绿色金融").click()
    page.get_by_role("navigation", name="绿色金融").get_by_role("link", name=section).click()


def test_an_enterprise_is_listed_after_review_and_publishes_its_disclosure(
    browser: Browser, context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, ADMIN, "李会务 Event organiser")
    _section(page, ORG, "绿蓉融列入")
    expect(page.get_by_text("还没有列入申请。")).to_be_visible()
    page.get_by_label("目录分类").select_option(value="6.2")
    page.get_by_label("申请说明").fill("大型活动碳中和运营服务")
    page.get_by_label(re.compile("^证明材料")).set_input_files(
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_test_id("listing-apply").click()
    confirm(page, "确认提交", "确认提交列入申请？", "绿色企业 · 6.2")
    expect(page.get_by_test_id("listing-applied")).to_contain_text("已上传 1 个文件")
    mine = page.get_by_test_id("listing-applications")
    expect(mine).to_contain_text("审核中")
    expect(mine).to_contain_text("6.2 项目运营管理")
    shot(page, "green-1-applied")

    operator = browser.new_context(
        base_url=live.url, viewport=context.pages[0].viewport_size, locale="zh-CN"
    )
    operator.set_default_timeout(15_000)
    signed_in(operator, live, OPERATOR_PHONE, "点点运营 Operator")
    op = operator.new_page()
    _section(op, "点点运营中心", "绿蓉融列入")
    queued = op.get_by_test_id("listing-queue").locator("li.endpoint").filter(has_text=ORG)
    expect(queued).to_contain_text("大型活动碳中和运营服务")
    queued.get_by_role("button", name="批准列入").click()
    confirm(op, "批准列入", f"确认将“{ORG}”列入绿蓉融数据库？")
    expect(op.get_by_test_id("listing-decided")).to_contain_text("已处理")
    shot(op, "green-2-listed")

    page.reload()
    expect(page.get_by_test_id("listing-applications")).to_contain_text("已列入")
    page.goto("/finance/enterprises")
    expect(page.get_by_test_id("listed")).to_contain_text(ORG)
    page.goto("/finance/projects")
    page.get_by_test_id("listed").get_by_role("link", name=re.compile("锦江绿道")).click()
    expect(page.get_by_test_id("trail")).to_contain_text("核证签发 1,000 t")
    shot(page, "green-3-project")

    _section(page, ORG, "ESG 披露")
    expect(page.get_by_test_id("esg-status")).to_contain_text("未发布")
    page.get_by_test_id("esg-publish").click()
    confirm(page, "发布", "确认公开发布本机构的 ESG 信息披露？")
    expect(page.get_by_test_id("esg-status")).to_contain_text("已发布")
    expect(page.get_by_test_id("esg-body")).to_contain_text("来源")
    shot(page, "green-4-esg")
