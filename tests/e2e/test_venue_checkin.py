"""Check-ins that cannot be faked, in the browser (zh-CN): the venue's staff show its rotating QR
on the organisation desk; a citizen's phone opens the URL that QR encodes (read from the screen
with zxing-cpp, as a camera would) and checks in once; a made-up code is refused with words
that send them to the venue."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import PHONE, Live, e2e_app, serving, shot
from tests.e2e.test_scanning import signed_in_as

CITIZEN = "+8613800138005"
STAFF = "+8613800138009"  # the demo's 孙绿道, a member of the greenway's operating company
WINDOW_S = 10  # the shortest the configuration allows: the test sees the code change


@pytest.fixture(scope="module")
def venue_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("e2e-venue")
    with serving(lambda url: e2e_app(tmp, url, POINTS_VENUE_WINDOW_SECONDS=WINDOW_S)) as running:
        yield running


def phone(browser: Browser, live: Live) -> BrowserContext:
    ctx = browser.new_context(
        base_url=live.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    ctx.set_default_timeout(15_000)
    return ctx


def scanned(page: Page) -> str:
    """What a camera reads from the QR on the screen."""
    qr = page.get_by_test_id("venue-qr")
    image = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    (found,) = zxingcpp.read_barcodes(image)
    return str(found.text)


def test_a_citizen_checks_in_with_the_code_the_venue_staff_show(browser: Browser, venue_live: Live):
    staff_ctx = phone(browser, venue_live)
    signed_in_as(staff_ctx, venue_live, STAFF, "孙绿道 Venue staff")
    desk = staff_ctx.new_page()
    desk.goto("/me")
    desk.get_by_role("link", name=re.compile("锦城公园绿道运营中心")).click()
    expect(desk.get_by_role("link", name="场馆打卡码")).to_have_attribute("aria-current", "page")
    desk.get_by_role("link", name=re.compile("天府绿道·锦城公园")).click()
    expect(desk.get_by_role("heading", name="天府绿道·锦城公园")).to_be_visible()
    expect(desk.get_by_text(f"二维码每 {WINDOW_S} 秒更新一次")).to_be_visible()
    shot(desk, "venue-1-staff-qr")
    url = scanned(desk)
    assert url == desk.get_by_test_id("venue-qr").get_attribute("data-url")
    assert re.fullmatch(rf"{re.escape(venue_live.url)}/checkin\?v=ven_\w+&w=\d+&s=[\w-]+", url)

    # the code changes with its window; the one just scanned is still accepted
    expect(desk.get_by_test_id("venue-qr")).not_to_have_attribute(
        "data-url", url, timeout=(WINDOW_S + 5) * 1000
    )
    assert scanned(desk) != url

    citizen_ctx = phone(browser, venue_live)
    token = signed_in_as(citizen_ctx, venue_live, CITIZEN, "赵市民 Citizen")
    page = citizen_ctx.new_page()
    page.goto(urlsplit(url).path + "?" + urlsplit(url).query)
    expect(page.get_by_test_id("checkin-outcome")).to_have_text("打卡成功，获得 20 积分。")
    shot(page, "venue-2-citizen-checked-in")
    actions = venue_live.get("/wallet/actions", token)["items"]
    assert [(a["type"], a["source"], a["points"]) for a in actions] == [("checkin", "self", 20)]

    # once a day: the staff screen's next code adds nothing
    page.goto("/checkin?" + urlsplit(scanned(desk)).query)
    expect(page.get_by_test_id("checkin-outcome")).to_have_text(
        "未获得积分：已经计入过（同一场馆每天只计一次）"
    )
    assert len(venue_live.get("/wallet/actions", token)["items"]) == 1

    # no typing a code in the wallet; a made-up one in a link is refused with the way to do it
    page.get_by_role("link", name="查看我的积分").click()
    expect(page.get_by_test_id("checkin")).to_contain_text("扫描工作人员出示的二维码")
    expect(page.get_by_test_id("checkin").get_by_role("textbox")).to_have_count(0)
    venue_id = re.search(r"v=(ven_\w+)", url)
    assert venue_id is not None
    page.goto(f"/checkin?v={venue_id[1]}&w=1&s=abc")
    expect(page.get_by_role("alert")).to_contain_text("请在场馆现场扫描工作人员出示的二维码打卡")
    shot(page, "venue-3-made-up-code-refused")
    page.goto("/checkin?venue=abc")
    expect(page.get_by_role("alert")).to_contain_text("这不是场馆打卡二维码")
    staff_ctx.close()
    citizen_ctx.close()
