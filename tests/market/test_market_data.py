"""Market data (行情): products with last price, previous close and today's figures; daily OHLC
grouped by China day in SQL (a trade just after 16:00 UTC falls on the next China day); public
trade records that name no party and page without overlap; bad query parameters named."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.market.conftest import buy, list_tonnes

# Monday 7 December 2026 in Beijing: 10:00, 10:30, 14:30; then 00:00:30 on Tuesday 8 December.
MORNING = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
AFTERNOON = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
NEXT_CHINA_DAY = datetime(2026, 12, 7, 16, 0, 30, tzinfo=UTC)


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


@pytest.fixture
def traded(client, app, clock, seller, buyer, monkeypatch) -> dict[str, Any]:
    """Three listings (1000, 1100 and 950 fen/t) and five trades: four on Monday 7 December
    (two of them at the same instant), one at 16:00:30 UTC, Tuesday in China."""
    ids = {p: ok(list_tonnes(client, seller, 100, price=p), 201)["id"] for p in (1000, 1100, 950)}
    trades = []
    for at, price, qty in (
        (MORNING, 1000, 10),
        (LATER, 1100, 5),
        (AFTERNOON, 1000, 1),
        (AFTERNOON, 950, 2),  # same instant: the close by id
    ):
        clock.at = at
        trades.append(ok(buy(client, buyer, ids[price], qty), 201))
    # The exchange's hours reach past midnight in China for this one trade (the calendar is
    # tested in test_calendar.py); it settles through the same purchase path.
    monkeypatch.setitem(app.config, "MARKET_HOURS", "00:00-23:59")
    clock.at = NEXT_CHINA_DAY
    trades.append(ok(buy(client, buyer, ids[1100], 3), 201))
    return {"trades": trades, "listings": ids}


def test_daily_ohlc_is_grouped_by_china_day(client, traded) -> None:
    t = traded["trades"][0]
    q = {"standard": t["standard"], "project_type": t["project_type"], "days": 2}
    body = ok(client.get("/api/v1/market/daily", query_string=q))
    assert body["standard"] == t["standard"]
    assert body["project_type"] == t["project_type"]
    assert body["days"] == [
        {
            "day": "2026-12-07",
            "open_fen_per_t": 1000,
            "high_fen_per_t": 1100,
            "low_fen_per_t": 950,
            "close_fen_per_t": 950,
            "volume_t": 18,
            "amount_fen": 10 * 1000 + 5 * 1100 + 1 * 1000 + 2 * 950,
            "trades": 4,
        },
        {
            "day": "2026-12-08",
            "open_fen_per_t": 1100,
            "high_fen_per_t": 1100,
            "low_fen_per_t": 1100,
            "close_fen_per_t": 1100,
            "volume_t": 3,
            "amount_fen": 3300,
            "trades": 1,
        },
    ]
    assert traded["trades"][-1]["trading_day"] == "2026-12-08"


def test_daily_reaches_back_days_and_omits_the_type_for_all_of_a_standard(client, traded) -> None:
    t = traded["trades"][0]
    today = ok(client.get(f"/api/v1/market/daily?standard={t['standard']}&days=1"))
    assert today["project_type"] is None
    assert [d["day"] for d in today["days"]] == ["2026-12-08"]
    default = ok(client.get(f"/api/v1/market/daily?standard={t['standard']}"))
    assert [d["volume_t"] for d in default["days"]] == [18, 3]
    other = "CCER" if t["standard"] != "CCER" else "CDCER"
    assert ok(client.get(f"/api/v1/market/daily?standard={other}"))["days"] == []


def test_products_show_last_previous_close_change_today_and_best_ask(client, traded) -> None:
    t = traded["trades"][0]
    rows = ok(client.get("/api/v1/market/products"))
    assert len(rows) == 1
    p = rows[0]
    assert (p["standard"], p["project_type"]) == (t["standard"], t["project_type"])
    assert p["label_zh"].startswith(t["standard"])
    assert p["label_en"].startswith(t["standard"])
    assert p["last_fen_per_t"] == 1100
    assert p["previous_close_fen_per_t"] == 950  # Monday's last trade, by time then id
    assert p["change_bp"] == 1579  # (1100 - 950) / 950 = 15.789%
    assert (p["today_volume_t"], p["today_amount_fen"]) == (3, 3300)
    assert p["open_listings"] == 3
    assert p["best_ask_fen_per_t"] == 950
    assert p["last_trade_at"].startswith("2026-12-07T16:00:30")


def test_a_product_only_listed_has_no_prices_yet(client, seller) -> None:
    ok(list_tonnes(client, seller, 10, price=1290), 201)
    [p] = ok(client.get("/api/v1/market/products"))
    assert p["last_fen_per_t"] is None
    assert p["previous_close_fen_per_t"] is None
    assert p["change_bp"] is None
    assert p["last_trade_at"] is None
    assert (p["open_listings"], p["best_ask_fen_per_t"], p["today_volume_t"]) == (1, 1290, 0)
    assert ok(client.get("/api/v1/market/products")) == [p]


def test_public_trades_hide_the_parties_and_page_without_overlap(client, traded) -> None:
    numbers, before, pages = [], None, 0
    while True:
        q: dict[str, Any] = {"limit": 2} | ({"before": before} if before else {})
        body = ok(client.get("/api/v1/market/trades/public", query_string=q))
        numbers += [i["number"] for i in body["items"]]
        pages += 1
        for item in body["items"]:
            assert set(item) == {
                "number",
                "at",
                "mode",
                "standard",
                "project_type",
                "project_name_zh",
                "project_name_en",
                "vintage",
                "quantity_t",
                "price_fen_per_t",
                "amount_fen",
            }
        before = body["next_before"]
        if before is None:
            break
    made = [t["number"] for t in traded["trades"]]
    assert numbers == made[::-1]  # newest first, each once
    assert pages == 3
    raw = client.get("/api/v1/market/trades/public").get_data(as_text=True)
    for name in ("龙泉山林业", "锦城环保科技", "管理员", "participant", "seller", "buyer"):
        assert name not in raw


def test_public_trades_filter_by_product(client, traded) -> None:
    t = traded["trades"][0]
    q = {"standard": t["standard"], "project_type": t["project_type"], "limit": 100}
    body = ok(client.get("/api/v1/market/trades/public", query_string=q))
    assert len(body["items"]) == 5
    assert body["next_before"] is None
    assert body["items"][0]["amount_fen"] == 3300
    other = "hydro" if t["project_type"] != "hydro" else "wind"
    q["project_type"] = other
    assert ok(client.get("/api/v1/market/trades/public", query_string=q))["items"] == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/market/daily", "standard"),
        ("/api/v1/market/daily?standard=XYZ", "standard"),
        ("/api/v1/market/daily?standard=CDCER&project_type=volcano", "project_type"),
        ("/api/v1/market/daily?standard=CDCER&days=0", "days"),
        ("/api/v1/market/daily?standard=CDCER&days=367", "days"),
        ("/api/v1/market/daily?standard=CDCER&days=x", "days"),
        ("/api/v1/market/daily?standard=CDCER&colour=red", "colour"),
        ("/api/v1/market/trades/public?limit=0", "limit"),
        ("/api/v1/market/trades/public?limit=101", "limit"),
        ("/api/v1/market/trades/public?before=abc", "before"),
        ("/api/v1/market/trades/public?before=0", "before"),
        ("/api/v1/market/trades/public?sort=price", "sort"),
        ("/api/v1/market/products?standard=CDCER", "standard"),
        ("/api/v1/market/announcements?page=2", "page"),
    ],
)
def test_bad_query_parameters_are_422_naming_the_field(client, path: str, field: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    named = {e.get("parameter") or e.get("field") for e in resp.get_json()["errors"]}
    assert named == {field}
