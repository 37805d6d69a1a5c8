"""Airports picked by Chinese name (the form sends the IATA code), also offline once the app has
loaded, and a venue's green power typed in per cent; what cannot be sent is said in Chinese."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.e2e.conftest import Live, shot
from tests.e2e.test_offline import controlled


def computed(request: Request, kind: str) -> dict[str, Any]:
    """What a footprint request of `kind` asked for, else nothing."""
    if request.method != "POST" or not request.url.endswith("/api/v1/footprints"):
        return {}
    body: dict[str, Any] = request.post_data_json or {}
    return body[kind] if body.get("kind") == kind else {}


def pick_chengdu_tianfu(page: Page, shots: str) -> None:
    origin = page.get_by_role("combobox", name="出发机场")
    origin.click()
    origin.press_sequentially("成都")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_text(["成都双流 CTU", "成都天府 TFU"])
    shot(page, f"{shots}-chengdu")
    options.filter(has_text="成都天府 TFU").click()
    expect(origin).to_have_value("成都天府 TFU")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_an_airport_is_picked_by_its_chinese_name_and_the_flight_computed(page: Page, live: Live):
    page.goto("/neutralise/flight")
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")

    with page.expect_request(lambda r: computed(r, "flight").get("from") == "TFU") as req:
        pick_chengdu_tianfu(page, "picker-1")
    response = req.value.response()
    assert response is not None
    assert response.status == 201
    expect(page.get_by_text("航班 TFU→PEK").first).to_be_visible()
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")
    shot(page, "picker-2-tianfu-computed")

    # The keyboard: pinyin initials, down twice, Enter.
    destination = page.get_by_role("combobox", name="到达机场")
    destination.click()
    destination.press_sequentially("bj")
    destination.press("ArrowDown")
    destination.press("ArrowDown")
    expect(destination).to_have_attribute("aria-activedescendant", "f-to-list-1")
    with page.expect_request(lambda r: computed(r, "flight").get("to") == "PKX"):
        destination.press("Enter")
    expect(destination).to_have_value("北京大兴 PKX")
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")

    # A city typed but not picked is not sent: the form says what to do, in Chinese.
    destination.fill("北京")
    destination.press("Tab")
    expect(page.get_by_text("请从列表中选择机场，或填写机场三字码（如 CTU）。")).to_be_visible()
    expect(destination).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("total")).to_have_count(0)
    shot(page, "picker-3-not-picked")


def test_the_airport_table_is_precached_and_works_offline(
    context: BrowserContext, page: Page, live: Live
):
    page.goto("/")
    controlled(page)

    context.set_offline(True)
    page.goto("/neutralise/flight")
    pick_chengdu_tianfu(page, "picker-4-offline")
    expect(page.get_by_role("alert")).to_contain_text("网络未连接")
    shot(page, "picker-4-offline-picked")

    context.set_offline(False)
    with page.expect_request(lambda r: computed(r, "flight").get("from") == "TFU"):
        page.get_by_label("乘客人数").fill("2")
    expect(page.get_by_text("航班 TFU→PEK").first).to_be_visible()
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")


def test_a_meetings_origins_suggest_cities_airports_and_stations(page: Page, live: Live):
    page.goto("/neutralise/meeting")
    origins = page.get_by_role("combobox", name="外地参会者：出发地与人数")
    origins.click()
    origins.press_sequentially("北京 20，成都东")
    option = page.get_by_role("option", name="成都东站 火车站（高铁）")
    expect(option).to_be_visible()
    shot(page, "picker-6-origins")
    option.click()
    expect(origins).to_have_value("北京 20，成都东站 ")
    station = {"from": "成都东站", "people": 3, "round_trip": True}
    with page.expect_request(lambda r: station in computed(r, "meeting").get("origins", [])):
        origins.press_sequentially("3")
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")


def test_green_power_is_typed_in_per_cent(page: Page, live: Live):
    page.goto("/neutralise/venue")
    share = page.get_by_label("绿电比例（%，0–100）")
    expect(share).to_have_value("0")
    with page.expect_request(lambda r: computed(r, "venue").get("green_share") == "0.333"):
        share.fill("33.3")
    expect(page.get_by_test_id("total")).to_contain_text("CO₂e")

    share.fill("150")
    expect(page.get_by_text("请填写 0 到 100 之间的数。")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="请先修改上面标出的内容")).to_be_visible()
    shot(page, "picker-5-percent-out-of-range")
