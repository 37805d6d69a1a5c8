"""The trading calendar: mainland working days with their 调休 swaps, trading hours, the next
opening in the 409, and the fallback for years `chinesecalendar` does not cover."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

from backend.market import calendar
from backend.market.rules import parse_hours
from tests.market.conftest import buy, list_tonnes

SESSIONS = parse_hours("09:30-11:30,13:00-15:00")


def beijing(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=calendar.CHINA).astimezone(UTC)


def test_a_saturday_working_day_trades_and_a_public_holiday_does_not():
    assert calendar.is_open(beijing(2026, 2, 14, 10), SESSIONS)  # 调休: Saturday worked
    assert not calendar.is_open(beijing(2026, 10, 1, 10), SESSIONS)  # National Day
    assert not calendar.is_open(beijing(2026, 12, 5, 10), SESSIONS)  # a plain Saturday
    assert calendar.trading_day(date(2026, 2, 14)).source == "chinesecalendar"


def test_hours_and_the_next_opening():
    assert not calendar.is_open(beijing(2026, 12, 7, 9, 29), SESSIONS)
    assert calendar.is_open(beijing(2026, 12, 7, 9, 30), SESSIONS)
    assert not calendar.is_open(beijing(2026, 12, 7, 11, 30), SESSIONS)  # lunch
    assert calendar.next_open(beijing(2026, 12, 7, 12), SESSIONS) == beijing(2026, 12, 7, 13)
    # Friday after the close: Monday morning
    assert calendar.next_open(beijing(2026, 12, 4, 15), SESSIONS) == beijing(2026, 12, 7, 9, 30)
    # National Day 2026: the market opens again on the first working day after it
    reopens = calendar.next_open(beijing(2026, 9, 30, 16), SESSIONS)
    day = reopens.astimezone(calendar.CHINA).date()
    assert day > date(2026, 10, 7)
    assert reopens.astimezone(calendar.CHINA).time() == time(9, 30)


def test_a_year_without_data_falls_back_to_weekdays_and_says_so(caplog):
    calendar._warn.cache_clear()
    with caplog.at_level(logging.WARNING, logger="backend.market.calendar"):
        monday = calendar.trading_day(date(2027, 1, 4))
        saturday = calendar.trading_day(date(2027, 1, 9))
    assert (monday.trading, monday.source) == (True, "weekdays")
    assert (saturday.trading, saturday.source) == (False, "weekdays")
    assert "no holidays for 2027" in caplog.text


def test_an_order_on_a_holiday_is_a_409_saying_when_the_market_opens(client, seller, buyer, clock):
    clock.at = beijing(2026, 2, 14, 10)  # the 调休 Saturday: open
    listing = list_tonnes(client, seller, 10)
    assert listing.status_code == 201, listing.get_json()
    clock.at = beijing(2026, 10, 1, 10)
    resp = buy(client, buyer, listing.get_json()["id"], 1)
    assert resp.status_code == 409
    problem = resp.get_json()
    assert problem["code"] == "market.closed"
    assert problem["opens_at"].startswith("2026-10-")
    assert problem["calendar_source"] == "chinesecalendar"
    assert "opens at 2026-10-" in problem["detail"]
    zh = client.post(
        f"/api/v1/market/listings/{listing.get_json()['id']}/purchases",
        json={"buyer_id": buyer.participant_id, "quantity_t": 1},
        headers={**buyer.headers, "Idempotency-Key": "zh-closed", "Accept-Language": "zh-CN"},
    )
    assert "开市" in zh.get_json()["detail"]


def test_what_only_returns_units_or_funds_may_be_done_while_closed(client, seller, buyer, clock):
    listing = list_tonnes(client, seller, 10).get_json()
    clock.at = beijing(2026, 12, 7, 20)  # the evening
    assert list_tonnes(client, seller, 10).get_json()["code"] == "market.closed"
    withdrawn = client.post(
        f"/api/v1/market/listings/{listing['id']}/withdrawal", headers=seller.headers
    )
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["state"] == "withdrawn"
