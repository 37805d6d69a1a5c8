"""A meeting from the WeChat deep link to its certificate, through sign-in and sandbox payment."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Live, shot


def test_a_meeting_is_neutralised_from_the_deep_link_to_the_certificate(page: Page, live: Live):
    page.goto("/neutralise/meeting?attendees=80&days=2&via=wechat")
    expect(page.get_by_label("参会人数", exact=True)).to_have_value("80")
    expect(page.get_by_label("天数")).to_have_value("2")
    expect(page.get_by_text("来自微信公众号")).to_be_visible()
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")
    expect(page.get_by_role("img", name=re.compile("按类别"))).to_be_visible()
    shot(page, "1-meeting-calculator")

    page.get_by_role("button", name="登录后中和").click()
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    page.get_by_label("手机号").fill("+8613800138001")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("演示模式，不发短信")).to_be_visible()
    page.get_by_role("button", name="登录", exact=True).click()

    # Back on the calculator, the draft kept what was typed before signing in.
    expect(page).to_have_url(re.compile(r"/neutralise/meeting$"))
    expect(page.get_by_label("参会人数", exact=True)).to_have_value("80")
    # Nobody typed a name on the certificate, so the account's display name fills the empty field
    # (a name typed before signing in is kept instead: tests/e2e/test_beneficiary.py).
    expect(page.get_by_label("证书署名")).to_have_value("李会务 Event organiser")
    page.get_by_label("证书署名").fill("成都示例会议")
    page.get_by_role("button", name="立即中和").click()

    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    expect(page.get_by_text("待支付")).to_be_visible()
    expect(page.get_by_test_id("amount")).to_contain_text("¥")
    shot(page, "2-checkout")
    page.get_by_role("button", name=re.compile("模拟支付")).click()

    expect(page).to_have_url(re.compile(r"/certificates/DD-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_test_id("cert-number")).to_have_text(number)
    expect(page.get_by_text("成都示例会议").first).to_be_visible()
    image = page.get_by_role("img", name=re.compile(number))
    expect(image).to_be_visible()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
    shot(page, "3-certificate")

    page.get_by_role("button", name="出示二维码").click()
    qr = page.get_by_role("dialog", name="证书验证二维码")
    expect(qr.locator("svg")).to_be_visible()
    shot(page, "4-certificate-qr")
    qr.get_by_role("button", name="关闭").click()

    # Its owner downloads the statement and the report, fetched with the token.
    for label, name in (("下载碳中和声明 (PDF)", "statement"), ("下载核算报告 (PDF)", "report")):
        with page.expect_download() as pdf:
            page.get_by_role("button", name=label).click()
        assert pdf.value.suggested_filename == f"{number}-{name}.pdf"
        with open(pdf.value.path(), "rb") as saved:
            assert saved.read(5) == b"%PDF-"
    expect(page.get_by_test_id("report-pdf")).to_be_enabled()
    shot(page, "4b-certificate-pdfs")

    page.get_by_role("link", name="证书").click()
    expect(page.get_by_role("link", name=re.compile(number))).to_be_visible()

    # English is one tap away, and it sticks across a reload.
    page.get_by_role("button", name="Switch to English").click()
    # the switch has taken (and been stored) before the reload, so the reload tests the keeping
    expect(page.get_by_role("heading", name="My certificates")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="My certificates")).to_be_visible()
