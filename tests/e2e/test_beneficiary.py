"""The name on the certificate: typed before signing in, it survives sign-in, the checkout shows it
for a last look (with a way back to change it), and the certificate carries it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Live, shot

ORGANISER = "+8613800138001"  # the demo's 李会务 Event organiser
NEWCOMER = "+8613900139017"  # no account yet: signing in makes one (codes are limited per phone)
SOCIETY = "成都市生态环境学会"
FORUM = "2026 成都低碳发展论坛"


def _sign_in(page: Page, phone: str, *, new: bool = False) -> None:
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("演示模式，不发短信")).to_be_visible()
    page.get_by_role("button", name="登录", exact=True).click()
    if new:  # a new account accepts the terms first
        page.get_by_label(re.compile("我已阅读并同意")).check()
        page.get_by_role("button", name="同意并继续").click()


def _token(page: Page) -> str:
    """The bearer token the sign-in screen stored (asking for another code would be limited)."""
    return str(page.evaluate("JSON.parse(localStorage.getItem('diandian.session')).token"))


def _meeting_typed_signed_out(
    page: Page, phone: str, beneficiary: str, *, new: bool = False
) -> None:
    """Signed out: numbers, the meeting's name and the certificate's name, then sign in."""
    page.goto("/neutralise/meeting?attendees=120&days=2")
    page.get_by_text("更多细节（可选）").click()
    page.get_by_label("名称", exact=True).fill(FORUM)
    name = page.get_by_label("证书署名")
    expect(name).to_have_value("")
    name.fill(beneficiary)
    page.get_by_role("button", name="登录后中和").click()
    _sign_in(page, phone, new=new)
    expect(page).to_have_url(re.compile(r"/neutralise/meeting$"))


def test_the_name_typed_before_signing_in_is_the_name_on_the_certificate(page: Page, live: Live):
    _meeting_typed_signed_out(page, ORGANISER, SOCIETY)

    # Signed in: the numbers and the name typed are kept; the account's name replaced nothing.
    expect(page.get_by_label("参会人数", exact=True)).to_have_value("120")
    expect(page.get_by_label("证书署名")).to_have_value(SOCIETY)
    shot(page, "beneficiary-1-after-sign-in")
    page.get_by_role("button", name="立即中和").click()

    # The checkout: a last look at the name and purpose, frozen on the order now that it exists.
    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    order_id = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_text("付款前请最后核对")).to_be_visible()
    expect(page.get_by_test_id("beneficiary")).to_have_text(SOCIETY)
    expect(page.get_by_test_id("purpose")).to_have_text(f"会议：{FORUM}")  # no raw "meeting:"
    expect(page.get_by_text("署名和用途已写入订单，不能再修改")).to_be_visible()
    shot(page, "beneficiary-2-checkout")
    page.get_by_role("button", name=re.compile("模拟支付")).click()

    expect(page).to_have_url(re.compile(r"/certificates/DD-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_text(SOCIETY).first).to_be_visible()
    expect(page.get_by_text("李会务 Event organiser")).to_have_count(0)
    expect(page.get_by_test_id("purpose")).to_have_text(f"会议：{FORUM}")
    shot(page, "beneficiary-3-certificate")

    token = _token(page)
    order = live.get(f"/orders/{order_id}", token)
    assert order["certificate_number"] == number
    assert order["beneficiary"] == SOCIETY
    assert live.get(f"/certificates/{number}", token)["beneficiary"] == SOCIETY


def test_the_checkout_leads_back_to_change_the_name_before_paying(page: Page, live: Live):
    _meeting_typed_signed_out(page, NEWCOMER, "成都市生态环境学会 秘书处", new=True)
    page.get_by_role("button", name="立即中和").click()
    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    first = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_test_id("beneficiary")).to_have_text("成都市生态环境学会 秘书处")

    # The name is frozen on this order: going back cancels it, and the calculator kept everything.
    page.get_by_role("button", name="取消订单，返回修改").click()
    expect(page).to_have_url(re.compile(r"/neutralise/meeting$"))
    expect(page.get_by_label("参会人数", exact=True)).to_have_value("120")
    expect(page.get_by_label("证书署名")).to_have_value("成都市生态环境学会 秘书处")
    page.get_by_label("证书署名").fill(SOCIETY)
    page.get_by_role("button", name="立即中和").click()

    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    second = page.url.rsplit("/", 1)[-1]
    assert second != first
    expect(page.get_by_test_id("beneficiary")).to_have_text(SOCIETY)
    token = _token(page)
    assert live.get(f"/orders/{first}", token)["status"] == "cancelled"
    assert live.get(f"/orders/{second}", token)["beneficiary"] == SOCIETY

    # In English too, with no raw keys.
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_text("A last look before you pay")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel the order and change them")).to_be_visible()
    expect(page.get_by_text("checkout.")).to_have_count(0)
    expect(page.get_by_test_id("purpose")).to_have_text(f"Meeting: {FORUM}")
    shot(page, "beneficiary-4-checkout-en")
    page.get_by_role("button", name="Cancel order", exact=True).click()
    expect(page.get_by_role("alertdialog")).to_contain_text("the order cannot be restored")
    page.get_by_role("button", name="Yes, cancel this order").click()
    expect(page.get_by_role("heading", name="Order cancelled")).to_be_visible()
    expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
