"""Issue 22's public pages in the browser (zh-CN, 390×844): 项目公示 lists the demo's validated
project with its 1,000 t issued, its page shows the issuance row, and a certificate's trace
leads from its grams to that project's monitoring period and issuance; a demo certificate of
imported CCER lots says plainly that it has no registry origin. No English sentence in zh."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from backend.certificates import issuing
from backend.certificates import services as certificates
from backend.core import db
from backend.credits.models import Lot
from backend.demo import CITIZEN_PHONE, DEMO_USCC, OPERATOR_PHONE, PEOPLE
from backend.registry.models import Participant
from tests.e2e.conftest import PHONE, Live, e2e_app, serving, shot, signed_in
from tests.e2e.test_zh_walk import findings

PROJECT = "锦江绿道碳汇（示例）"
COMPANY_ADMIN = "+8613800138002"  # the demo company's admin: the holder of its account
MASS_G = 1_500_000  # 1.5 t: two units of the lot made from the demo's issuance
NOT_FOUND = "页面不存在"


def _post(live: Live, token: str, path: str, body: dict[str, Any], **headers: str) -> Any:
    resp = requests.post(
        f"{live.url}/api/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=10,
    )
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, str]]:
    """The demo, 5 t of its issued CDCER offered by the company to the retirement inventory and
    accepted by the operator, and the citizen's certificate of 1.5 t from that lot (its number)."""
    tmp = tmp_path_factory.mktemp("e2e-registry")
    with serving(lambda url: e2e_app(tmp, url)) as live:
        holder = live.token(COMPANY_ADMIN)
        with live.app.app_context():
            account = (
                db.session().scalars(select(Participant).where(Participant.uscc == DEMO_USCC)).one()
            )
        [holding] = live.get(f"/registry/participants/{account.id}/holdings", holder)
        offer = _post(
            live,
            holder,
            f"/registry/holdings/{holding['id']}/offers",
            {"tonnes": 5, "price_fen_per_t": 2_500},
        )
        accepted = _post(
            live,
            live.token(OPERATOR_PHONE),
            f"/registry/offers/{offer['id']}/acceptance",
            {"price_fen_per_t": 4_000},
        )
        with live.app.app_context():
            lot = db.session().get(Lot, accepted["transfer"]["lot_id"])
            assert lot is not None
            lot_project = lot.project_id
        citizen = live.token(CITIZEN_PHONE)
        order = _post(
            live,
            citizen,
            "/orders",
            {
                "mass_g": MASS_G,
                "beneficiary": "赵市民",
                "preferences": {"project_ids": [lot_project]},
            },
            **{"Idempotency-Key": "e2e-registry-trace"},
        )
        done = _post(live, citizen, f"/orders/{order['id']}/confirm", {})
        assert done["status"] == "retired", done
        yield live, done["certificate_number"]


def _no_english(page: Page) -> None:
    expect(page.locator("main .spinner")).to_have_count(0)
    assert findings(page.locator("main").inner_text()) == []


def test_the_public_projects_and_a_projects_page_in_chinese(
    browser: Browser, traced: tuple[Live, str]
):
    live, _ = traced
    ctx = browser.new_context(base_url=live.url, viewport=PHONE, locale="zh-CN")
    page = ctx.new_page()
    page.goto("/")
    page.get_by_test_id("to-projects").click()
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_role("heading", name="项目公示")).to_be_visible()
    listed = page.get_by_test_id("project")
    expect(listed).to_have_count(1)  # the Linpan project awaits review: not public
    expect(listed).to_contain_text(PROJECT)
    expect(listed).to_contain_text("天府绿道 · 四川 · 成都市")
    expect(listed).to_contain_text("成都蓉城科技有限公司 (示例)")
    expect(listed).to_contain_text("签发 1,000 t")
    expect(listed).to_contain_text("注销 1.50 t")
    page.get_by_test_id("methodology-filter").select_option(label="天府绿道")
    expect(page).to_have_url(re.compile(r"/projects\?methodology=CDCER-LD$"))
    expect(page.get_by_role("status")).to_have_text("共 1 个项目")
    _no_english(page)
    shot(page, "registry-1-projects")

    listed.click()
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()
    expect(page.get_by_test_id("issued")).to_have_text("1,000 t")
    expect(page.get_by_test_id("retired")).to_have_text("1.50 t")
    expect(page.get_by_test_id("methodology")).to_have_text("天府绿道（2020 版）")
    main = page.locator("main")
    expect(main).to_contain_text("《四川碳市场运行报告（2023）》")
    expect(main).to_contain_text("1,500 t/年")
    [row] = page.get_by_test_id("issuance").all()
    expect(row).to_contain_text("2025 年度")
    expect(row).to_contain_text(re.compile(r"监测期 2025年1月1日 至 2025年12月31日"))
    expect(row).to_contain_text(re.compile(r"CDCER-2025-LD0001-\d{8}-\d{8}"))
    expect(row.locator(".list-value")).to_have_text("1,000 t")
    _no_english(page)
    shot(page, "registry-2-project")

    page.get_by_role("button", name=re.compile("English|EN", re.I)).click()
    expect(page.get_by_role("heading", name="Jinjiang Greenway (demo)")).to_be_visible()
    expect(page.get_by_test_id("methodology")).to_have_text("Tianfu Greenway (version 2020)")
    expect(page.get_by_test_id("issuance")).to_contain_text("Vintage 2025")
    page.get_by_role("link", name=re.compile("Back to the public projects")).click()
    expect(page.get_by_role("heading", name="Public projects")).to_be_visible()
    ctx.close()


def test_a_certificates_trace_leads_to_its_project(browser: Browser, traced: tuple[Live, str]):
    live, number = traced
    ctx = browser.new_context(base_url=live.url, viewport=PHONE, locale="zh-CN")
    signed_in(ctx, live, CITIZEN_PHONE, PEOPLE[CITIZEN_PHONE])
    page = ctx.new_page()
    page.goto(f"/certificates/{number}")
    page.get_by_test_id("to-trace").click()
    expect(page).to_have_url(re.compile(rf"/certificates/{number}/trace$"))
    expect(page.get_by_role("heading", name="证书溯源")).to_be_visible()
    expect(page.get_by_test_id("trace-total")).to_have_text("共 1.50 t，2 笔分配")
    expect(page.get_by_test_id("trace-registry")).to_have_text(
        "其中 1.50 t 来自点点登记簿签发的项目"
    )
    [lot] = page.get_by_test_id("trace-lot").all()
    expect(lot).to_contain_text(re.compile(r"CDCER-2025-LD0001-\d{8}-\d{8}\s*… CDCER-2025-LD0001-"))
    expect(lot.get_by_test_id("trace-retirement")).to_have_text("已分配，登记簿注销中")
    expect(lot).to_contain_text("2025年1月1日 至 2025年12月31日")  # the monitoring period
    expect(lot).to_contain_text("1,200 t")  # verified
    expect(lot.get_by_test_id("no-origin")).to_have_count(0)
    lot.get_by_text("逐笔分配（2 笔）").click()
    allocations = lot.locator("details li")
    expect(allocations).to_have_count(2)
    expect(allocations.nth(0).locator(".list-value")).to_have_text("1.00 t")
    expect(allocations.nth(1).locator(".list-meta")).to_have_text("第 0–500,000 克")
    expect(allocations.nth(1).locator(".list-value")).to_have_text("500.0 kg")
    _no_english(page)
    shot(page, "registry-3-trace")

    lot.get_by_test_id("trace-project").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+$"))
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()
    ctx.close()


def test_a_certificate_of_imported_lots_says_it_has_no_registry_origin(
    browser: Browser, traced: tuple[Live, str]
):
    live, _ = traced
    ctx = browser.new_context(base_url=live.url, viewport=PHONE, locale="zh-CN")
    page = ctx.new_page()
    page.goto("/certificates/DD-2026-000004/trace")  # a bare number: the same 404 as none
    expect(page.get_by_role("alert")).to_be_visible()
    with live.app.app_context():
        code = issuing.check_code(certificates.get(db.session(), "DD-2026-000004"))
    page.goto(f"/certificates/DD-2026-000004/trace?k={code}")  # the demo's CCER lots
    expect(page.get_by_test_id("trace-total")).to_contain_text("笔分配")
    expect(page.get_by_test_id("trace-registry")).to_have_count(0)
    lots = page.get_by_test_id("trace-lot")
    expect(lots.first).to_contain_text("CN-CCER-")
    for lot in lots.all():
        expect(lot.get_by_test_id("no-origin")).to_contain_text("无登记簿来源：该批次由运营方导入")
        expect(lot.get_by_test_id("trace-project")).to_have_count(0)
        expect(lot.get_by_test_id("trace-lot-project")).to_contain_text("CCER")
    _no_english(page)
    shot(page, "registry-4-trace-imported")
    page.get_by_role("button", name=re.compile("English|EN", re.I)).click()
    expect(page.get_by_role("heading", name="Certificate trace")).to_be_visible()
    expect(lots.first.get_by_test_id("no-origin")).to_contain_text("No registry origin")
    shot(page, "registry-5-trace-imported-en")
    page.get_by_role("button", name="中文").click()

    page.goto("/certificates/DD-0000-000000/trace")
    expect(page.get_by_role("alert")).to_be_visible()
    page.goto("/projects/999999")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("link", name="← 返回项目公示")).to_be_visible()
    page.goto("/projects/abc")  # not a project's number: the app's own "not found"
    expect(page.get_by_role("heading", name=NOT_FOUND)).to_be_visible()
    ctx.close()
