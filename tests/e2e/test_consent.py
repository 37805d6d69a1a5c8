"""PIPL in the browser (zh-CN): a new person accepts the 用户协议 and 隐私政策 before their
account is made; someone asked again after a new version sees the consent screen before
anything else; 我的 sets the name and links the texts."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from backend.accounts.models import Consent, User
from backend.core import db, uow
from tests.e2e.conftest import Live, shot, signed_in

NEWCOMER = "+8613900002031"  # nobody else signs in with it
REVISED = "+8613900002032"


def test_a_new_person_accepts_the_terms_before_their_account_is_made(page: Page, live: Live):
    page.goto("/sign-in?next=/me")
    expect(page.get_by_role("button", name="微信登录")).to_have_count(0)  # not in WeChat
    page.get_by_label("手机号").fill(NEWCOMER)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("演示模式，不发短信")).to_be_visible()
    page.get_by_role("button", name="登录").click()

    consent = page.get_by_test_id("consent")
    expect(consent).to_contain_text("《用户协议》")
    expect(consent).to_contain_text("《隐私政策》")
    agree = page.get_by_role("button", name="同意并继续")
    expect(agree).to_be_disabled()  # nothing is ticked for the person
    consent.get_by_role("button", name="阅读全文").nth(1).click()
    expect(page.get_by_test_id("legal-privacy")).to_contain_text("敏感个人信息")
    shot(page, "consent-1-new-account")
    page.get_by_label(re.compile("我已阅读并同意")).check()
    agree.click()

    expect(page).to_have_url(re.compile(r"^[^?]*/me$"))
    expect(page.get_by_role("heading", name="我的")).to_be_visible()
    with live.app.app_context(), uow.transaction(db.session(), write=False) as s:
        user = s.query(User).filter_by(phone=NEWCOMER).one()
        versions = {
            (c.document.value, c.version) for c in s.query(Consent).filter_by(user_id=user.id)
        }
    assert versions == {("terms", "1"), ("privacy", "1")}


def test_a_new_version_is_asked_for_before_anything_else(
    context: BrowserContext, page: Page, live: Live
):
    with live.app.app_context(), uow.transaction(db.session()) as s:
        person = User(phone=REVISED, display_name="")
        s.add(person)
        s.flush()
        for document in ("terms", "privacy"):  # what they accepted before this version
            s.add(Consent(user_id=person.id, document=document, version="0", accepted=True))
    signed_in(context, live, REVISED, "")
    page.goto("/me")
    expect(page.get_by_role("heading", name="用户协议与隐私政策")).to_be_visible()
    expect(page.get_by_text("以下协议已更新")).to_be_visible()
    shot(page, "consent-2-new-version")
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="同意并继续").click()

    # 我的: set a name; the texts are a link away
    name = page.get_by_label("昵称")
    expect(name).to_be_visible()
    name.fill("钱新版")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("button", name="已保存")).to_be_visible()
    expect(page.get_by_test_id("consent-travel")).to_contain_text("未同意")
    shot(page, "consent-3-me")
    page.get_by_role("link", name="隐私政策").click()
    expect(page.get_by_role("heading", name="点点碳中和服务隐私政策")).to_be_visible()
    assert live.get("/me", live.token(REVISED))["display_name"] == "钱新版"
