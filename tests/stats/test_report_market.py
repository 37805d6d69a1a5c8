"""The report's market section from our own trades: one year with trades in each mode across
months, summed by hand (the basis-point shares by largest remainder), a trade at a China month
boundary, an empty year, and the seed's figures beside ours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from backend.market import calendar
from backend.stats.market import average_fen_per_t, share_bp, shares_bp
from tests import factories as f
from tests.market.conftest import OPEN, Clock, Party, buy, deposit, issued, list_tonnes, party
from tests.registry.conftest import REAL_USCC


@pytest.fixture(autouse=True)
def small_blocks(app, monkeypatch):
    """Blocks from 100 t, and trading round the clock on trading days, so one test can trade at
    07:30 in China (23:30 UTC the day before)."""
    monkeypatch.setitem(app.config, "MARKET_BLOCK_MIN_T", 100)
    monkeypatch.setitem(app.config, "MARKET_HOURS", "00:00-23:59")


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock(OPEN)
    monkeypatch.setattr(calendar, "now", c)
    return c


@pytest.fixture
def seller(client, db_session) -> Party:
    """A project owner holding 1,000 t of CDCER (forestry, in Sichuan)."""
    operator = f.bearer(f.operator_token(client, db_session))
    p = party(client, db_session, "龙泉山林业", REAL_USCC[0], ["project_owner"])
    p.holding_id = issued(client, operator, p, 1000)
    return p


@pytest.fixture
def trader(client, db_session) -> Party:
    """A buyer with 1,000,000.00 CNY deposited."""
    p = party(client, db_session, "锦城环保科技", REAL_USCC[1], ["buyer"])
    deposit(client, p, 100_000_000)
    return p


def at(c: Clock, year: int, month: int, day: int, hour: int, minute: int) -> None:
    c.at = datetime(year, month, day, hour, minute, tzinfo=UTC)


def ok(resp: Any, status: int) -> Any:
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


def deal(client, proposer: Party, other: Party, kind: str, **body: Any) -> dict[str, Any]:
    """A block offer or an agreement proposed by the seller and settled by the buyer."""
    new = {
        "side": "seller",
        "participant_id": proposer.participant_id,
        "counterparty_id": other.participant_id,
        "holding_id": proposer.holding_id,
        **body,
    }
    made = ok(client.post(f"/api/v1/market/{kind}", json=new, headers=proposer.headers), 201)
    settled = client.post(
        f"/api/v1/market/{kind}/{made['id']}/transitions",
        json={"to": "settled"},
        headers=other.headers,
    )
    return ok(settled, 200)


def market(client, year: int) -> dict[str, Any]:
    out: dict[str, Any] = ok(client.get(f"/api/v1/stats/report?year={year}"), 200)["market"]
    return out


def test_a_year_of_trades_in_each_mode(client, clock, seller, trader):
    buyer = trader
    at(clock, 2025, 12, 31, 2, 0)  # 2025-12-31 10:00 in China: last year's
    listing = ok(list_tonnes(client, seller, 90, price=1290), 201)["id"]
    fees = []

    def pick(tonnes: int) -> None:
        trade = ok(buy(client, buyer, listing, tonnes), 201)
        fees.append(trade["buyer_fee_fen"] + trade["seller_fee_fen"])

    pick(3)
    fees.clear()  # 2025's
    at(clock, 2026, 1, 5, 2, 0)
    pick(10)
    at(clock, 2026, 3, 2, 2, 0)
    pick(20)
    at(clock, 2026, 3, 31, 23, 30)  # 1 April, 07:30 in China: April's, not March's
    pick(5)
    at(clock, 2026, 6, 15, 2, 0)
    deal(client, seller, buyer, "block-trades", quantity_t=150, price_fen_per_t=1200)
    at(clock, 2026, 8, 3, 2, 0)
    deal(
        client,
        seller,
        buyer,
        "agreements",
        quantity_t=7,
        price_fen_per_t=1500,
        contract_reference="HT-REPORT-1",
    )
    trades: list[dict[str, Any]] = ok(
        client.get(
            f"/api/v1/market/participants/{buyer.participant_id}/trades", headers=buyer.headers
        ),
        200,
    )
    fees += [t["buyer_fee_fen"] + t["seller_fee_fen"] for t in trades if t["mode"] != "listing"]

    m = market(client, 2026)
    assert (m["trades"], m["volume_t"], m["amount_fen"]) == (5, 192, 235_650)
    assert m["average_fen_per_t"] == 1227  # 235,650 / 192 = 1,227.34
    assert m["fees_fen"] == sum(fees) == 2 * (32 + 64 + 16 + 450 + 26)  # 25 bp a side, floored
    modes = {r["key"]: r for r in m["by_mode"]}
    assert [r["key"] for r in m["by_mode"]] == ["listing", "block", "agreement"]
    assert modes["listing"]["label_zh"] == "定价点选"
    assert [(r["trades"], r["volume_t"], r["amount_fen"]) for r in m["by_mode"]] == [
        (3, 35, 45_150),
        (1, 150, 180_000),
        (1, 7, 10_500),
    ]
    assert [r["share_by_count_bp"] for r in m["by_mode"]] == [6000, 2000, 2000]
    # 35, 150, 7 of 192: floors 1822, 7812, 364 (9,998); the two largest remainders (.92, .58)
    # get the two points left
    assert [r["share_by_volume_bp"] for r in m["by_mode"]] == [1823, 7812, 365]
    months = {r["key"]: r for r in m["by_month"]}
    assert list(months) == [f"2026-{n:02d}" for n in range(1, 13)]
    assert {k: r["volume_t"] for k, r in months.items() if r["trades"]} == {
        "2026-01": 10,
        "2026-03": 20,
        "2026-04": 5,
        "2026-06": 150,
        "2026-08": 7,
    }
    assert months["2026-04"]["amount_fen"] == 6450
    assert {k: r["share_by_volume_bp"] for k, r in months.items() if r["trades"]} == {
        "2026-01": 521,
        "2026-03": 1042,
        "2026-04": 260,
        "2026-06": 7812,
        "2026-08": 365,
    }
    assert sum(r["share_by_volume_bp"] for r in m["by_month"]) == 10_000
    assert m["concentration"] == [
        {"key": "jan_mar", "first": "2026-01", "last": "2026-03", "volume_t": 30,
         "share_by_volume_bp": 1563},  # 1,562.5, half up
        {"key": "jun_aug", "first": "2026-06", "last": "2026-08", "volume_t": 157,
         "share_by_volume_bp": 8177},
    ]  # fmt: skip
    assert m["by_project_type"] == [
        {"key": "forestry", "label_zh": "造林与林业经营", "label_en": "Forestry",
         "trades": 5, "volume_t": 192, "amount_fen": 235_650},
    ]  # fmt: skip
    assert m["by_province"] == [
        {"key": "CN-SC", "label_zh": "四川", "label_en": "Sichuan",
         "trades": 5, "volume_t": 192, "amount_fen": 235_650},
    ]  # fmt: skip
    ref = m["reference"]
    assert ref["yearly"] is None
    assert ref["modes"] is None
    assert ref["price"] is None
    assert ref["source"]["publisher_zh"] == "四川联合环境交易所"

    last = market(client, 2025)
    assert (last["trades"], last["volume_t"], last["amount_fen"]) == (1, 3, 3870)
    assert [r["share_by_count_bp"] for r in last["by_mode"]] == [10_000, 0, 0]
    # the rest of the report is unchanged by trades
    report = ok(client.get("/api/v1/stats/report?year=2026"), 200)
    assert report["neutralisations"] == 0
    assert report["by_month"][0]["key"] == "2026-01"


def test_an_empty_year_is_zeros_beside_the_seeds_figures(client):
    m = market(client, 2022)
    assert (m["trades"], m["volume_t"], m["amount_fen"], m["fees_fen"]) == (0, 0, 0, 0)
    assert m["average_fen_per_t"] is None
    assert [(r["key"], r["trades"], r["share_by_count_bp"], r["share_by_volume_bp"])
            for r in m["by_mode"]] == [
        ("listing", 0, 0, 0), ("block", 0, 0, 0), ("agreement", 0, 0, 0)
    ]  # fmt: skip
    assert len(m["by_month"]) == 12
    assert all(r["volume_t"] == 0 and r["share_by_volume_bp"] == 0 for r in m["by_month"])
    assert [w["share_by_volume_bp"] for w in m["concentration"]] == [0, 0]
    assert m["by_project_type"] == []
    assert m["by_province"] == []
    ref = m["reference"]
    assert (ref["yearly"]["volume_wan_t"], ref["yearly"]["rank"]) == ("197.17", 3)
    assert ref["national"]["share_pct"] == "22.91"
    assert (ref["modes"]["trades"], ref["modes"]["listing_pick"]) == (1441, 1378)
    assert (ref["modes"]["block"], ref["modes"]["agreement"]) == (32, 31)
    assert ref["months"] == {"jan_mar_pct": "27.76", "jun_aug_pct": "45.55"}
    assert ref["price"]["average_yuan_per_t"] == "49.26"
    partial = market(client, 2023)["reference"]
    assert partial["yearly"]["partial_to"] == "2023-04-30"
    assert partial["modes"] is None
    assert market(client, 2016)["reference"]["yearly"] is None


@pytest.mark.parametrize(
    ("values", "shares"),
    [
        ([1, 1, 1], [3334, 3333, 3333]),  # ties: the earlier one
        ([0, 0], [0, 0]),
        ([2, 0, 1], [6667, 0, 3333]),
        ([10**12, 1], [10_000, 0]),
    ],
)
def test_shares_add_up_by_the_largest_remainder(values, shares):
    assert shares_bp(values) == shares
    assert sum(shares) in (0, 10_000)


def test_rounding_half_up():
    assert share_bp(1, 20_000) == 1  # 0.5 bp
    assert share_bp(0, 0) == 0
    assert average_fen_per_t(3, 2) == 2
    assert average_fen_per_t(5, 0) is None
