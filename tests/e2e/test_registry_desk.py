"""The registry in Chinese, from an exchange account to tonnes in 点点's inventory: an
organisation's admin opens an account (the server's words for a bad credit code first),
registers a project, uploads its design document and submits it; the operator validates it;
the owner reports a year; the operator verifies and issues it; the owner offers tonnes to the
inventory after a confirmation naming the total; the operator accepts them as a lot."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.demo import OPERATOR_PHONE
from tests.e2e.conftest import Live, confirm, shot, signed_in

OWNER_ORG = "成都大运会场馆运行团队 (示例)"
OWNER_ADMIN = "+8613800138001"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROJECT = "大运会场馆屋顶光伏替代"


def _desk(page: Page, org: str, tab: str) -> None:
    page.goto("/me")
    page.get_by_role("link", name=re.compile(re.escape(org))).click()
    page.get_by_role("navigation", name="组织管理").get_by_role("link", name=tab).click()


def _open_account(desk: Page) -> None:
    desk.get_by_label("统一社会信用代码").fill("91510100MA6CUDD00F")  # a wrong check character
    desk.get_by_label("法定代表人").fill("王法人")
    desk.get_by_label("联系人", exact=True).fill("李联系")
    desk.get_by_label("联系人手机号").fill("13912345678")
    desk.get_by_test_id("accept-documents").check()
    expect(desk.get_by_text("入市协议书（2023 版）")).to_be_visible()
    desk.get_by_role("button", name="开户").click()
    code = desk.get_by_label("统一社会信用代码")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(desk.locator("#err-uscc")).to_contain_text("GB 32100-2015")
    shot(desk, "registry-1-bad-code")
    code.fill("914403001922038216")
    desk.get_by_role("button", name="开户").click()
    expect(desk.get_by_role("region", name="交易账户")).to_contain_text("914403001922038216")


def _register(desk: Page) -> None:
    expect(desk.get_by_text("还没有登记项目。")).to_be_visible()
    methodology = desk.get_by_label("方法学")
    expect(methodology.locator("option", has_text="清洁能源替代")).to_have_count(1)
    methodology.select_option(value="CDCER-QN")
    desk.get_by_label("项目名称（中文）").fill(PROJECT)
    desk.get_by_label("项目名称（英文）").fill("Universiade venue rooftop solar")
    desk.get_by_label("市（州）").fill("成都市")
    desk.get_by_label("纬度").fill("30.66")
    desk.get_by_label("经度").fill("104.06")
    desk.get_by_label("计入期开始").fill("2024-01-01")
    desk.get_by_label("计入期结束").fill("2033-12-31")
    desk.get_by_label("预计年减排量（吨）").fill("1200")
    desk.get_by_role("button", name="保存草稿").click()
    expect(desk.get_by_test_id("project-saved")).to_contain_text("项目已保存为草稿")
    desk.get_by_test_id("registry-projects").get_by_role("link", name=re.compile(PROJECT)).click()
    submit = desk.get_by_test_id("submit-project")
    expect(submit).to_be_disabled()
    desk.get_by_label("文件名称").fill("项目设计文件")
    desk.get_by_label(re.compile("^文件（PDF")).set_input_files(
        {"name": "pdd.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    desk.get_by_role("button", name="上传").click()
    expect(desk.get_by_test_id("uploaded")).to_contain_text("已上传“项目设计文件”")
    expect(desk.get_by_test_id("documents")).to_contain_text("项目设计文件")
    submit.click()
    confirm(desk, "提交", f"提交“{PROJECT}”审定？")
    expect(desk.get_by_text("待审定").first).to_be_visible()
    shot(desk, "registry-2-submitted")


def test_an_owner_registers_a_project_that_is_validated_verified_issued_and_sold_to_the_inventory(
    browser: Browser, context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, OWNER_ADMIN, "李会务 Event organiser")
    _desk(page, OWNER_ORG, "碳减排项目")
    expect(page.get_by_text("开立交易账户").first).to_be_visible()
    _open_account(page)
    _register(page)

    operator = browser.new_context(
        base_url=live.url, viewport=context.pages[0].viewport_size, locale="zh-CN"
    )
    operator.set_default_timeout(15_000)
    signed_in(operator, live, OPERATOR_PHONE, "点点运营 Operator")
    op = operator.new_page()
    _desk(op, "点点运营中心", "审定与签发")
    op.get_by_test_id("to-validate").get_by_role("link", name=re.compile(PROJECT)).click()
    expect(op.get_by_test_id("documents")).to_contain_text("项目设计文件")
    op.get_by_test_id("validate-project").click()
    confirm(op, "审定通过", "项目公示")
    expect(op.get_by_text("已审定").first).to_be_visible()

    page.reload()
    page.get_by_label("监测期开始").fill("2025-01-01")
    page.get_by_label("监测期结束").fill("2025-12-31")
    page.get_by_label("申报减排量（吨）").fill("1100")
    page.get_by_role("button", name="提交监测报告").click()
    expect(page.get_by_test_id("report-sent")).to_contain_text("等待核证")

    op.goto(op.url.split("&project=")[0])
    report = op.get_by_test_id("to-verify").locator("li").filter(has_text=PROJECT)
    report.get_by_label("核证减排量（吨）").fill("1000")
    report.get_by_test_id("verify").click()
    confirm(op, "确认核证", "核证 1,000 吨？", "申报 1,100 吨")
    issuable = op.get_by_test_id("to-issue").locator("li").filter(has_text=PROJECT)
    expect(issuable).to_contain_text("可签发 1,000 吨")
    issuable.get_by_test_id("issue").click()
    confirm(op, "确认签发", "签发 1,000 吨 CDCER？", "不能撤销")
    issued = re.compile(r"已签发 1,000 吨：CDCER-2025-QN\d{4}-")
    expect(op.get_by_test_id("review-done")).to_contain_text(issued)
    shot(op, "registry-3-issued")

    page.get_by_role("link", name="返回项目列表").click()
    holding = page.get_by_test_id("holdings").locator("li").filter(has_text=PROJECT)
    expect(holding).to_contain_text("2025 年度 · 1,000 吨")
    holding.get_by_role("button", name="出售给点点注销库").click()
    holding.get_by_label("出售吨数").fill("200")
    holding.get_by_label("报价（元/吨）").fill("45")
    holding.get_by_test_id("offer").click()
    confirm(page, "提交出售申请", "确认向点点出售 200 吨？", "¥45.00/吨", "¥9,000.00", "不能撤回")
    expect(page.get_by_test_id("offers")).to_contain_text("待处理")

    op.reload()
    offer = op.get_by_test_id("to-accept").locator("li").filter(has_text=PROJECT)
    offer.get_by_label("入库售价（元/吨）").fill("60")
    offer.get_by_test_id("accept-offer").click()
    confirm(op, "确认入库", "入库 200 吨", "¥9,000.00", "¥60.00/吨")
    expect(op.get_by_test_id("review-done")).to_contain_text("已处理")
    shot(op, "registry-4-accepted")

    page.reload()
    expect(page.get_by_test_id("offers")).to_contain_text("已接受")
    expect(page.get_by_test_id("holdings").locator("li").filter(has_text=PROJECT)).to_contain_text(
        "800 吨"
    )
    operator.close()
