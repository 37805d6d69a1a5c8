"""Cancelling an order asks first, naming what will happen; Escape or 保留订单 leaves it as it was.
A cancelled order has its own screen, with a way back to the calculator as it was filled in."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Live, shot, signed_in

CITIZEN = "+8613800138005"  # the demo's 赵市民 Citizen


def _token(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('diandian.session')).token"))


def test_cancelling_an_order_asks_first_then_leads_back(
    context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, CITIZEN, "赵市民 Citizen")
    page.goto("/neutralise/meeting?attendees=80&days=1")
    page.get_by_role("button", name="立即中和").click()
    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    order_id = page.url.rsplit("/", 1)[-1]
    token = _token(page)

    # Asked first, in words; 保留订单 and Escape each leave the order awaiting payment.
    page.get_by_role("button", name="取消订单", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("取消后，为您保留的减排量将释放，订单不可恢复")
    expect(dialog.get_by_role("button", name="保留订单")).to_be_focused()
    shot(page, "confirm-1-cancel-order")
    dialog.get_by_role("button", name="保留订单").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert live.get(f"/orders/{order_id}", token)["status"] == "awaiting_payment"
    page.get_by_role("button", name="取消订单", exact=True).click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert live.get(f"/orders/{order_id}", token)["status"] == "awaiting_payment"

    # Confirmed: the order's own screen says what that means and leads back to the calculator.
    page.get_by_role("button", name="取消订单", exact=True).click()
    page.get_by_role("button", name="确定取消订单").click()
    expect(page.get_by_role("heading", name="订单已取消")).to_be_visible()
    expect(page.get_by_text("没有产生任何扣款")).to_be_visible()
    assert live.get(f"/orders/{order_id}", token)["status"] == "cancelled"
    shot(page, "confirm-2-order-cancelled")

    page.reload()  # the screen is the order's, not the moment's
    expect(page.get_by_role("heading", name="订单已取消")).to_be_visible()
    page.get_by_role("button", name="返回上一步，已填写的内容仍在").click()
    expect(page).to_have_url(re.compile(r"/neutralise/meeting(\?|$)"))
    expect(page.get_by_label("参会人数", exact=True)).to_have_value("80")


def test_deleting_the_account_asks_first_naming_what_stays(page: Page, live: Live):
    page.goto("/sign-in?next=/me")  # a new account of its own, which accepts the terms first
    page.get_by_label("手机号").fill("+8613900002061")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("演示模式，不发短信")).to_be_visible()  # the code is filled in
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="同意并继续").click()
    expect(page).to_have_url(re.compile(r"^[^?]*/me$"))  # not /sign-in?next=/me
    expect(page.get_by_role("button", name="注销账号")).to_be_visible()
    token = _token(page)
    page.get_by_role("button", name="注销账号").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("证书（保留签发时的署名）")
    expect(dialog).to_contain_text("此操作不可撤销")
    shot(page, "confirm-3-delete-account")
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert "id" in live.get("/me", token)  # nothing done

    page.get_by_role("button", name="注销账号").click()
    page.get_by_role("button", name="确认注销账号").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert "id" not in live.get("/me", token)
