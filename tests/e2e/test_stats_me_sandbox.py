"""Issue 20's smaller findings in the browser (zh-CN, 390×844): the stats page names provinces
in the statistics yearbook's order and labels its monthly charts; a new person's 我的 shows a
default name and a masked phone; the sandbox payment notice speaks to a person."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.accounts.models import Organisation, OrgKind
from backend.certificates import issuers, issuing
from backend.core import db, uow
from backend.core.clock import utcnow
from backend.credits import inventory
from backend.credits.models import Standard
from backend.demo import seed_inventory
from backend.footprint.purpose import Purpose, PurposeKind
from tests.e2e.conftest import PHONE, Live, e2e_app, serving, shot, signed_in

NEWCOMER = "+8613900002041"  # nobody else signs in with it
CITIZEN = "+8613800138005"
CLERK = "+8613800138003"


@pytest.fixture(scope="module")
def one_month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """An app whose only certificates were issued now: one from a project in 甘肃 (the demo's
    CER lot), then one from 四川 (its VCU lot), through the inventory and the issuing service."""
    tmp = tmp_path_factory.mktemp("e2e-one-month")
    with serving(lambda url: e2e_app(tmp, url, seed=False)) as running:
        with running.app.app_context(), uow.transaction(db.session()) as s:
            seed_inventory(s)
            org = Organisation(name="成都示例单位", kind=OrgKind.company)
            s.add(org)
            s.flush()
            for standard, grams in ((Standard.CER, 2_000_000), (Standard.VCU, 1_500_000)):
                now = utcnow()
                prefs = inventory.Preferences(standards=(standard,))
                held = inventory.hold(s, prefs, grams, reference="e2e", now=now)
                inventory.allocate(s, held.id, now=now)
                issuing.issue(
                    s,
                    issuers.current(),
                    reservation_id=held.id,
                    beneficiary=org.name,
                    purpose=Purpose(PurposeKind.custom, "示例"),
                    now=now,
                    organisation_id=org.id,
                )
        yield running


def test_a_single_month_is_one_labelled_column_and_provinces_are_in_the_yearbooks_order(
    browser: Browser, one_month: Live
):
    ctx = browser.new_context(base_url=one_month.url, viewport=PHONE, locale="zh-CN")
    page = ctx.new_page()
    page.goto("/stats")
    main = page.locator("main")
    provinces = main.get_by_role("img", name=re.compile("^按项目所在地"))
    expect(provinces).to_be_visible()  # loaded
    # 四川 (GB/T 2260: 51) before 甘肃 (62); the ISO codes had CN-GS first, shown as raw keys
    assert provinces.locator("text.chart-label").all_text_contents() == ["四川", "甘肃"]
    assert "province." not in main.inner_text()

    for n, (figure, y_axis) in enumerate(
        (("按月中和量", r"^碳中和量（吨 CO₂e）$"), ("按月中和次数", r"^碳中和次数（次）$"))
    ):
        chart = main.locator("figure.chart").filter(has_text=figure)
        expect(chart.get_by_test_id("y-axis")).to_have_text(re.compile(y_axis))
        expect(chart.get_by_test_id("x-axis")).to_have_text("月份")
        # one column, not a full-width band, labelled with its month and year, not "2026-12"
        expect(chart.locator("rect")).to_have_count(1)
        expect(chart.locator("text.chart-month")).to_have_text(re.compile(r"^\d{1,2}月$"))
        expect(chart.locator("text.chart-tick").filter(has_text="年")).to_have_text(
            re.compile(r"^\d{4}年$")
        )
        assert not re.search(r"\d{4}-\d{2}", chart.inner_text())
        column, svg = chart.locator("rect").bounding_box(), chart.locator("svg").bounding_box()
        assert column is not None
        assert svg is not None
        assert column["width"] < svg["width"] / 6, n
        value = "3.50 t" if n == 0 else "2 次"
        expect(chart.locator("text.chart-value")).to_have_text(value)
    shot(page, "stats-one-month")
    ctx.close()


def test_the_stats_page_names_provinces_in_order_and_labels_its_month_charts(page: Page):
    page.goto("/stats")
    expect(page.get_by_role("heading", name="平台公开数据")).to_be_visible()
    main = page.locator("main")
    expect(main.get_by_role("img", name=re.compile("^按项目所在地"))).to_be_visible()
    text = main.inner_text()
    assert "province." not in text
    assert "CN-" not in text

    # the demo's projects are in 四川 and 甘肃: the yearbook lists 四川 (51) before 甘肃 (62),
    # where the ISO codes (CN-GS, CN-SC) had them the other way round
    provinces = main.get_by_role("img", name=re.compile("^按项目所在地"))
    expect(provinces).to_be_visible()
    labels = provinces.locator("text.chart-label").all_text_contents()
    assert labels[0] == "四川", labels
    assert labels.index("四川") < labels.index("甘肃")

    # both month charts: axes named, every month labelled, no "2026-12 … 2026-12"
    months = main.locator("figure.chart").filter(has_text="按月")
    expect(months).to_have_count(2)
    mass = months.nth(0)
    mass_axis = re.compile(r"^碳中和量（(吨|千克|克) CO₂e）$")
    expect(mass.get_by_test_id("y-axis")).to_have_text(mass_axis)
    expect(mass.get_by_test_id("x-axis")).to_have_text("月份")
    expect(months.nth(1).get_by_test_id("y-axis")).to_have_text("碳中和次数（次）")
    assert not re.search(r"\d{4}-\d{2}", months.nth(0).inner_text() + months.nth(1).inner_text())

    # the demo's certificates span this month and the two before: a column and a label each
    columns = mass.locator("rect")
    count = columns.count()
    assert count >= 2
    expect(mass.locator("text.chart-month")).to_have_count(count)
    for label in mass.locator("text.chart-month").all_text_contents():
        assert re.fullmatch(r"\d{1,2}月", label), label
    shot(page, "stats-zh")

    # in English: provinces and months by their English names
    page.evaluate("localStorage.setItem('diandian.lang', 'en')")
    page.reload()
    main = page.locator("main")
    expect(main.get_by_role("img", name=re.compile("^By project location"))).to_contain_text(
        "Sichuan"
    )
    expect(main.get_by_test_id("x-axis").first).to_have_text("Month")
    expect(main.locator("text.chart-month").first).to_have_text(
        re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$")
    )
    shot(page, "stats-en")


def test_a_new_persons_me_shows_a_default_name_and_a_masked_phone(page: Page):
    page.goto("/sign-in?next=/me")
    page.get_by_label("手机号").fill(NEWCOMER)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("演示模式，不发短信")).to_be_visible()
    page.get_by_role("button", name="登录").click()
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="同意并继续").click()

    expect(page.get_by_role("heading", name="我的")).to_be_visible()
    expect(page.get_by_test_id("my-name")).to_have_text("点点用户")
    expect(page.get_by_test_id("my-phone")).to_have_text("手机号：139****2041")
    text = page.locator("main").inner_text()
    assert "13900002041" not in text  # never the full number
    assert not any(line.strip().startswith("·") for line in text.splitlines()), text
    shot(page, "me-new-person")

    page.get_by_label("昵称").fill("小点")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("my-name")).to_have_text("小点")


def test_the_sandbox_notice_speaks_to_the_person_paying(
    context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, CITIZEN, "赵市民 Citizen")
    page.goto("/neutralise/meeting?attendees=10&days=1")
    page.get_by_role("button", name="立即中和").click()
    expect(page).to_have_url(re.compile(r"/checkout/ord_"))
    notice = page.get_by_test_id("sandbox-notice")
    expect(notice).to_have_text("演示模式：不会真实扣款。点击“模拟支付”即完成本次演示支付。")
    expect(page.get_by_role("button", name=re.compile("模拟支付"))).to_be_visible()
    body = page.locator("main").inner_text()
    assert "接口" not in body
    assert "视为" not in body
    shot(page, "checkout-sandbox-notice")
    page.get_by_role("button", name="取消订单", exact=True).click()
    page.get_by_role("button", name="确定取消订单").click()
    expect(page.get_by_text("已取消").first).to_be_visible()


def test_a_purchase_link_names_every_accepted_region_in_order(page: Page, live: Live):
    """A region other than the damaged site's province was shown as its code (CN-YN)."""
    case = live.open_case(
        live.token(CLERK),
        number="(2024)川1827刑初8号",
        offence="非法采伐",
        site={"place": "宝兴县蜂桶寨", "province": "CN-SC"},
        defendants=[{"name": "被告人乙"}],
        mass_g=500_000,
        mass_basis="total",
        deadline="2099-12-31",
        eligible={"standards": ["CCER"], "types": ["hydro"], "regions": ["CN-YN", "CN-SC"]},
    )
    page.goto(urlsplit(case["defendants"][0]["purchase_url"]).path)
    eligible = page.get_by_test_id("eligible")
    expect(eligible).to_contain_text("四川 / 云南")
    assert "CN-" not in eligible.inner_text()
    shot(page, "court-purchase-regions")
