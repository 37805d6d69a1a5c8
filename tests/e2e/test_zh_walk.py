"""Issue 20's walk: every screen of the four journeys (citizen, organisation desk, court desk,
defendant) in zh-CN, each screenshotted and its visible text (kept beside the screenshot in
tests/e2e/artifacts/) checked for an English sentence or a raw message key; a mistake made on
purpose must be answered with its reason. Each journey collects what it finds and fails once,
naming every screen and text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect

from backend.demo import OPERATOR_PHONE, PEOPLE
from backend.payments import choosing
from backend.payments.schemas import PaymentRailsSchema
from backend.web.limiter import limiter
from tests.e2e.conftest import ARTIFACTS, Live, open_in_app, shot, signed_in

ADMIN = "+8613800138002"
COMPANY = "成都蓉城科技有限公司 (示例)"
CLERK = "+8613800138003"
CITIZEN_NEW = "+8613900002081"  # new people of this module: nobody else signs in with them
DEFENDANT_FAMILY = "+8613900002082"
KINDS = ("meeting", "flight", "hearing", "venue", "site")  # app.tsx's KINDS
FILLED = {"site": "?electricity_kwh=12000&staff=8"}  # a site's defaults are all zero

# Latin text people may read in zh mode, removed before looking for sentences and keys.
ALLOWED = re.compile(
    "|".join(
        (
            *(re.escape(name) for name in PEOPLE.values()),  # the demo people's names
            r"https?://\S+",  # links: purchase, verify and webhook URLs (codes)
            r"\b(?:ddk|whsec)_[\w.…-]+",  # an API key and a webhook secret, shown once (codes)
            r"\b[a-z]+:(?:read|write|report|manage)\b",  # API key scopes (codes of the API)
            # webhook event types a developer subscribes to (codes of the API contract)
            r"\b(?:order\.paid|order\.retired|certificate\.issued|certificate\.verified)\b",
        )
    )
)
# What the app says when it cannot say why: never the answer to a mistake made on purpose.
GENERIC = ("出了点问题，请稍后再试。", "服务暂时不可用，请稍后再试。", "服务器出错了。")
UNITS = frozenset({"kg", "km", "kWh", "ms", "min"})  # lowercase units beside numbers
WORD = r"[A-Za-z]+(?:['’-][A-Za-z]+)*"
LATIN_RUN = re.compile(rf"{WORD}(?:[ ,;:]+{WORD})+")
DOTTED = re.compile(r"(?<![\w./@-])[a-z_]+\.[A-Za-z0-9_.-]*[A-Za-z0-9_]")
SNAKE = re.compile(r"(?<![\w./@-])[a-z]+(?:_[a-z0-9]+)+\b")  # a field's name, not its label
MISSING = re.compile(r"⟦[^⟧]*⟧")  # the backend's marker for a code without words
NOT_KEYS = re.compile(r"\.(?:com|cn|org|net|io|png|pdf|json|csv|jpe?g|svg|html|md)$")


def findings(text: str) -> list[str]:
    """English sentences and raw keys in `text`, outside names, codes, units and citations."""
    found = MISSING.findall(text)
    text = ALLOWED.sub(" ", MISSING.sub(" ", text))
    found += [k for k in DOTTED.findall(text) if not NOT_KEYS.search(k)]
    found += SNAKE.findall(text)
    for run in LATIN_RUN.findall(text):
        words = [w for w in re.findall(WORD, run) if len(w) >= 2]
        if len(words) >= 2 and any(w.islower() and w not in UNITS for w in words):
            found.append(run)
    return found


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Not a valid integer.", True),
        ("Three letters.", True),
        ("出发机场：Three letters.", True),
        ("reason.already counted", True),
        ("四川 · province.CN-SC", True),
        ("field.phone", True),
        ("⟦courts.case_closed⟧", True),
        ("hotel_nights: 1 间夜", True),
        ("成都双流 CTU", False),
        ("12.5 kg CO₂e", False),
        ("DD-2026-000001", False),
        ("IPCC 2006", False),
        ("点点 Diandian", False),
        ("Gold Standard · VCS · CCER", False),
        ("http://127.0.0.1:8000/court-purchase/abc_def", False),
        ("order.paid, order.retired, certificate.verified", False),
        ("下载核算报告 (PDF) DD-2026-000001-report.pdf", False),
    ],
)
def test_the_detector_flags_english_sentences_and_raw_keys(text: str, flagged: bool):
    assert bool(findings(text)) is flagged, findings(text)


@dataclass
class Walk:
    """The screens of one journey, each shot and read; `done` fails on anything found."""

    journey: str
    found: list[tuple[str, str]] = field(default_factory=list)

    def screen(self, page: Page, name: str, mistake: bool = False) -> None:
        """Open every <details> (a trail, an audit log), then shoot and read the screen. A
        `mistake` made on purpose must be answered with its reason, not a generic apology."""
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
        expect(page.locator("main .spinner")).to_have_count(0)
        shot(page, f"zh-walk-{self.journey}-{name}")
        text = page.locator("body").inner_text()
        (ARTIFACTS / f"zh-walk-{self.journey}-{name}.txt").write_text(text, encoding="utf-8")
        self.found += [(name, f) for f in findings(text)]
        if mistake:
            self.found += [(name, f"generic: {g}") for g in GENERIC if g in text]

    def done(self) -> None:
        shown = "\n".join(f"  {screen}: {text!r}" for screen, text in self.found)
        assert not self.found, f"English, raw keys or no reason in zh-CN ({self.journey}):\n{shown}"


@pytest.fixture
def walk(request: pytest.FixtureRequest) -> Walk:
    limiter.reset()  # each journey signs people in afresh: not the suite's hour of codes
    return Walk(request.node.name.removeprefix("test_"))


def sign_in_new(page: Page, phone: str) -> None:
    """The sign-in screen for a new person, then the terms (a screen of its own)."""
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("演示模式，不发短信")).to_be_visible()
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_label(re.compile("我已阅读并同意")).check()


def said(page: Page) -> Locator:
    """What a screen says after an action: an outcome, a problem, or a field's error."""
    return page.locator("[data-testid=verify-outcome], [role=alert], .field-error").first


def offer_every_rail(page: Page) -> None:
    """The payment chooser as a deployment offering WeChat Pay, Alipay and the sandbox shows
    it: the server's own offer and words (this app has only the sandbox, which takes the order)."""

    def fulfil(route: Route) -> None:
        rails = [("wechatpay", False), ("alipay", False), ("sandbox", True)]
        offer = choosing.offer(rails, route.request.headers.get("user-agent", ""))
        route.fulfill(json=PaymentRailsSchema().dump(offer))

    page.route("**/api/v1/payments/rails", fulfil)


def result_shown(page: Page) -> None:
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")
    expect(page.locator(".result[aria-busy=false]")).to_be_visible()


def test_citizen_signed_out(page: Page, walk: Walk):
    page.goto("/")
    expect(page.get_by_role("heading", name="让每一次活动都碳中和")).to_be_visible()
    walk.screen(page, "home")

    for kind in KINDS:
        page.goto(f"/neutralise/{kind}{FILLED.get(kind, '')}")
        result_shown(page)
        expect(page.locator("ol.trail li").first).to_be_attached()
        walk.screen(page, f"calculator-{kind}")

    # Mistakes on purpose: the server's words and the form's, in Chinese.
    page.goto("/neutralise/meeting?attendees=0")
    expect(said(page)).to_be_visible()
    walk.screen(page, "calculator-meeting-0-attendees", mistake=True)
    page.goto("/neutralise/flight")
    result_shown(page)
    destination = page.get_by_role("combobox", name="到达机场")
    destination.fill("XXQ")
    destination.press("Tab")
    expect(said(page)).to_be_visible()
    walk.screen(page, "calculator-flight-unknown-airport", mistake=True)

    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    walk.screen(page, "sign-in")
    page.get_by_label("手机号").fill("123")
    page.get_by_role("button", name="获取验证码").click()
    expect(said(page)).to_be_visible()
    walk.screen(page, "sign-in-bad-phone", mistake=True)

    for document in ("terms", "privacy", "judicial", "travel"):
        page.goto(f"/legal/{document}")
        expect(page.get_by_test_id(f"legal-{document}")).to_be_visible()
        walk.screen(page, f"legal-{document}")

    page.goto("/no-such-screen")
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    walk.screen(page, "not-found")

    page.goto("/stats")
    expect(page.get_by_role("img", name=re.compile("^按项目所在地"))).to_be_visible()
    walk.screen(page, "stats")

    page.get_by_test_id("to-market").click()
    expect(page.get_by_role("heading", name="行情")).to_be_visible()
    expect(page.get_by_role("region", name="最近成交")).to_be_visible()
    expect(page.get_by_role("region", name="公告")).to_be_visible()
    walk.screen(page, "market")
    walk.done()


def test_citizen_signed_in(page: Page, live: Live, walk: Walk):
    offer_every_rail(page)
    page.goto("/sign-in?next=/neutralise/meeting")
    sign_in_new(page, CITIZEN_NEW)
    walk.screen(page, "consent")
    page.get_by_role("button", name="同意并继续").click()

    result_shown(page)
    page.get_by_label("证书署名").fill("成都示例会议")
    chooser = page.get_by_test_id("payment-chooser")
    chooser.get_by_role("radio", name=re.compile("演示支付")).check()
    expect(chooser).to_contain_text("演示模式仅供体验")
    walk.screen(page, "calculator-meeting-payment-chooser")
    page.get_by_role("button", name="立即中和").click()
    expect(page.get_by_test_id("sandbox-notice")).to_be_visible()
    walk.screen(page, "checkout")
    page.get_by_role("button", name="取消订单", exact=True).click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    walk.screen(page, "checkout-cancel-asks")
    page.get_by_role("button", name="确定取消订单").click()
    expect(page.get_by_role("heading", name="订单已取消")).to_be_visible()
    walk.screen(page, "checkout-cancelled")

    page.get_by_role("button", name="返回上一步，已填写的内容仍在").click()
    result_shown(page)
    page.get_by_role("button", name="立即中和").click()
    page.get_by_role("button", name=re.compile("模拟支付")).click()
    expect(page).to_have_url(re.compile(r"/certificates/DD-\d{4}-\d{6}$"))
    image = page.get_by_role("img", name=re.compile("碳中和证书 DD-"))
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    walk.screen(page, "certificate")
    page.get_by_role("button", name="出示二维码").click()
    qr = page.get_by_role("dialog", name="证书验证二维码")
    expect(qr.locator("svg")).to_be_visible()
    walk.screen(page, "certificate-qr")
    qr.get_by_role("button", name="关闭").click()

    page.get_by_role("link", name="证书").click()
    expect(page.get_by_role("link", name=re.compile("DD-"))).to_be_visible()
    walk.screen(page, "certificates")

    live.give_points(CITIZEN_NEW, 10)
    page.get_by_role("link", name="积分").click()
    expect(page.get_by_test_id("balance")).to_have_text("10")
    walk.screen(page, "wallet")
    open_in_app(page, live.venue_code())  # as the phone's camera opens the venue's QR
    expect(page.get_by_test_id("checkin-outcome")).to_contain_text("打卡成功")
    walk.screen(page, "checkin")
    again = urlsplit(live.venue_code())
    page.goto(f"{again.path}?{again.query}")  # the same code again, the same day
    expect(page.get_by_test_id("checkin-outcome")).to_contain_text("未获得积分")
    walk.screen(page, "checkin-twice")
    page.goto("/checkin?venue=abc")
    expect(page.get_by_role("alert")).to_contain_text("这不是场馆打卡二维码")
    walk.screen(page, "checkin-made-up", mistake=True)
    page.goto("/wallet")
    page.get_by_label("兑换积分").fill("1000000")
    page.get_by_role("button", name="兑换并获得证书").click()
    expect(said(page)).to_be_visible()
    walk.screen(page, "wallet-redeem-too-much", mistake=True)

    page.goto("/wechat/link?token=expired")
    expect(page.get_by_role("alert")).to_contain_text("链接已过期")
    walk.screen(page, "wechat-link-expired")

    page.get_by_role("link", name="我的").click()
    expect(page.get_by_test_id("my-name")).to_be_visible()
    walk.screen(page, "me")
    walk.done()


def test_org_desk(context: BrowserContext, page: Page, live: Live, walk: Walk):
    signed_in(context, live, ADMIN, "王企业 Company admin")
    page.goto("/me")
    expect(page.get_by_role("link", name=re.compile("成都蓉城科技有限公司"))).to_be_visible()
    walk.screen(page, "me")
    page.goto("/org")
    expect(page.get_by_role("heading", name="选择组织")).to_be_visible()
    walk.screen(page, "organisations")

    page.get_by_role("link", name=re.compile("成都蓉城科技有限公司")).click()
    expect(page.get_by_role("heading", name="成都蓉城科技有限公司 (示例)")).to_be_visible()
    expect(page.locator(".list, .empty").first).to_be_visible()
    walk.screen(page, "orders")

    page.get_by_role("link", name="API 密钥").click()
    page.get_by_label("名称").fill("ERP 对接")
    page.get_by_role("checkbox", name=re.compile("读取订单")).check()
    page.get_by_role("button", name="创建密钥").click()
    expect(page.get_by_test_id("new-key")).to_have_text(re.compile(r"^ddk_"))
    walk.screen(page, "api-keys")

    page.get_by_role("link", name="Webhook").click()
    url = page.get_by_label("接收地址（HTTPS）")
    url.fill("ftp://example.com/hooks")
    page.get_by_role("button", name="添加端点").click()
    expect(said(page)).to_be_visible()
    walk.screen(page, "webhooks-bad-url", mistake=True)
    url.fill("http://127.0.0.1:9/hooks/diandian")
    page.get_by_role("button", name="添加端点").click()
    expect(page.get_by_test_id("new-secret")).to_have_text(re.compile(r"^whsec_"))
    page.get_by_role("button", name="投递记录").first.click()
    walk.screen(page, "webhooks")

    page.get_by_role("link", name="微信公众号").click()
    expect(page.get_by_role("button", name="关联", exact=True)).to_be_visible()
    walk.screen(page, "wechat")
    walk.done()


def test_points_desks(
    browser: Browser, context: BrowserContext, page: Page, live: Live, walk: Walk
):
    """The operator's sponsors and venues tabs, and a sponsor admin's catalogue (issue 21)."""
    signed_in(context, live, OPERATOR_PHONE, "点点运营 Operator")
    page.goto("/me")
    page.get_by_role("link", name=re.compile("点点运营中心")).click()
    tabs = page.get_by_role("navigation", name="组织管理")
    tabs.get_by_role("link", name="积分赞助方").click()
    expect(page.get_by_test_id("sponsor-budgets")).to_be_visible()
    walk.screen(page, "sponsors")
    fund = page.locator("#fund")
    fund.get_by_label("金额（元）").fill("0.01")
    fund.get_by_role("button", name="核对资助").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("将发放")
    walk.screen(page, "sponsors-confirm-funding")
    page.get_by_role("alertdialog").get_by_role("button", name="取消").click()
    fund.get_by_role("radio", name="碳信用").check()
    expect(fund.get_by_label("项目")).to_be_visible()
    walk.screen(page, "sponsors-credits")

    tabs.get_by_role("link", name="场馆管理").click()
    page.get_by_role("button", name="添加场馆").last.click()  # no names: the server says so
    expect(said(page)).to_be_visible()
    walk.screen(page, "venues-no-name", mistake=True)

    company = next(
        o for o in live.get("/organisations", live.token(OPERATOR_PHONE)) if o["name"] == COMPANY
    )
    requests.post(
        f"{live.url}/api/v1/organisations/{company['id']}/sponsor",
        headers={"Authorization": f"Bearer {live.token(OPERATOR_PHONE)}"},
        timeout=10,
    ).raise_for_status()  # enrolling again changes nothing
    sponsor = browser.new_context(
        base_url=live.url, viewport=context.pages[0].viewport_size, locale="zh-CN"
    )
    sponsor.set_default_timeout(15_000)
    signed_in(sponsor, live, ADMIN, "王企业 Company admin")
    desk = sponsor.new_page()
    desk.goto(f"/org/{company['id']}?tab=catalogue")
    expect(desk.get_by_test_id("sponsor-budget")).to_be_visible()
    walk.screen(desk, "catalogue")
    desk.get_by_label("中文名称").fill("测试券")
    desk.get_by_role("button", name="上架", exact=True).click()
    expect(said(desk)).to_be_visible()
    walk.screen(desk, "catalogue-incomplete", mistake=True)
    sponsor.close()
    walk.done()


def open_case(live: Live, number: str) -> Any:
    return live.open_case(
        live.token(CLERK),
        number=number,
        offence="非法狩猎",
        site={"place": "宝兴县蜂桶寨", "province": "CN-SC"},
        defendants=[{"name": "被告人丙"}],
        mass_g=500_000,
        mass_basis="total",
        deadline="2099-12-31",
    )


def test_court_desk(context: BrowserContext, page: Page, live: Live, walk: Walk):
    case = open_case(live, "(2024)川1827刑初31号")
    signed_in(context, live, CLERK, "张书记员 Court clerk")
    page.goto("/me")
    page.get_by_role("link", name=re.compile("法院工作台")).click()
    expect(
        page.get_by_role("link", name=re.compile(re.escape("(2024)川1827刑初31号")))
    ).to_be_visible()
    walk.screen(page, "cases")

    page.get_by_role("link", name="开立案件").click()
    submit = page.get_by_role("button", name="开立案件")
    expect(submit).to_be_visible()
    walk.screen(page, "new-case")
    submit.click()
    # each invalid field named by its label, in Chinese punctuation ("案由：…", not "案由: …")
    expect(page.get_by_role("alert").locator("li").first).to_contain_text("：")
    walk.screen(page, "new-case-invalid", mistake=True)

    page.goto(f"/court/cases/{case['id']}")
    expect(page.get_by_test_id("case-status")).to_have_text("进行中")
    walk.screen(page, "case")

    page.get_by_label("证书编号").fill("DD-2026-999999")
    page.get_by_role("button", name="核销", exact=True).click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    walk.screen(page, "verify-asks")
    page.get_by_role("button", name="确认核销").click()
    expect(said(page)).to_be_visible()
    walk.screen(page, "verify-refused", mistake=True)
    page.get_by_label("证书编号").fill("https://example.com/not-a-certificate")
    page.get_by_role("button", name="核销", exact=True).click()
    expect(page.get_by_test_id("verify-outcome")).to_be_visible()
    walk.screen(page, "verify-not-a-number")

    page.reload()
    page.get_by_text("审计日志").click()
    expect(page.locator("ol.audit li").first).to_be_visible()
    walk.screen(page, "audit")
    walk.done()


def test_defendant(browser: Browser, context: BrowserContext, page: Page, live: Live, walk: Walk):
    number = "(2024)川1827刑初32号"
    case = open_case(live, number)
    link = urlsplit(case["defendants"][0]["purchase_url"]).path
    page.goto(link)
    expect(page.get_by_test_id("case-number")).to_have_text(number)
    walk.screen(page, "purchase-link")

    page.get_by_role("link", name="登录后购买").click()
    sign_in_new(page, DEFENDANT_FAMILY)
    page.get_by_role("button", name="同意并继续").click()
    buy = page.get_by_role("button", name=re.compile("^购买 .* 并支付$"))
    buy.click()
    expect(page.get_by_label(re.compile("我单独同意"))).to_be_visible()
    walk.screen(page, "judicial-consent")
    page.get_by_label(re.compile("我单独同意")).check()
    page.get_by_role("button", name="同意并继续").click()
    buy.click()
    expect(page.get_by_test_id("sandbox-notice")).to_be_visible()
    walk.screen(page, "checkout")
    page.get_by_role("button", name=re.compile("模拟支付")).click()
    expect(page).to_have_url(re.compile(r"/certificates/DD-\d{4}-\d{6}$"))
    expect(page.get_by_test_id("judicial")).to_be_visible()
    cert = page.url.rsplit("/", 1)[-1]
    walk.screen(page, "certificate")
    verify_url = page.get_by_role("link", name="打开公开验证页 →").get_attribute("href")
    assert verify_url

    # The clerk verifies it (and is told, in words, that it cannot be verified twice).
    clerk = browser.new_context(base_url=live.url, viewport=page.viewport_size, locale="zh-CN")
    clerk.set_default_timeout(15_000)
    signed_in(clerk, live, CLERK, "张书记员 Court clerk")
    desk = clerk.new_page()
    desk.goto(f"/court/cases/{case['id']}")
    for again in (False, True):
        desk.get_by_label("证书编号").fill(cert)
        desk.get_by_role("button", name="核销", exact=True).click()
        desk.get_by_role("button", name="确认核销").click()
        if again:
            refused = desk.locator("[data-testid=verify-outcome], [role=alert]")
            expect(refused.filter(has_not_text="核销成功")).to_be_visible()
        else:
            expect(desk.get_by_test_id("verify-outcome")).to_contain_text("核销成功")
    walk.screen(desk, "clerk-verified-twice", mistake=True)
    clerk.close()

    page.goto(verify_url)
    expect(page.get_by_role("status")).to_contain_text("有效证书")
    walk.screen(page, "public-verify")
    walk.done()
