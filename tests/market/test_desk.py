"""The 交易 tab's reads: a participant's deals (both sides, the counterparty's organisation, newest
first), its listings in every state, the rules in force, and its trades named by project without
a query per trade."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from tests.market.conftest import OPEN, Party, buy, list_tonnes, party
from tests.market.test_deals import BLOCK_MIN, issuance_of, move, propose
from tests.registry.conftest import REAL_USCC


@pytest.fixture(autouse=True)
def small_blocks(app, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_BLOCK_MIN_T", BLOCK_MIN)


def get(client, p: Party, what: str) -> Any:
    resp = client.get(f"/api/v1/market/participants/{p.participant_id}/{what}", headers=p.headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_deals_list_both_sides_newest_first_with_the_counterpartys_organisation(
    client, seller, buyer
):
    offer = propose(client, seller, buyer, "seller", holding_id=seller.holding_id).get_json()
    bid = propose(
        client,
        buyer,
        seller,
        "buyer",
        kind="agreements",
        issuance_id=issuance_of(client, seller),
        quantity_t=20,
        contract_reference="HT-2026-001",
    ).get_json()
    assert move(client, buyer, offer["id"], "settled").status_code == 200

    theirs = get(client, seller, "deals")
    assert [d["id"] for d in theirs] == [bid["id"], offer["id"]]
    agreement, block = theirs
    assert agreement["mode"] == "agreement"
    assert agreement["state"] == "proposed"
    assert agreement["side"] == "seller"
    assert agreement["proposed_by_us"] is False  # the seller answers the buyer's registration
    assert agreement["counterparty_id"] == buyer.participant_id
    assert agreement["counterparty_name"] == "锦城环保科技"
    assert agreement["contract_reference"] == "HT-2026-001"
    assert (agreement["quantity_t"], agreement["price_fen_per_t"]) == (20, 1000)
    assert agreement["trade_number"] is None
    assert block["state"] == "settled"
    assert block["proposed_by_us"] is True
    assert block["trade_number"].startswith("DD20261207")

    mine = get(client, buyer, "deals")
    assert [(d["id"], d["side"], d["counterparty_name"]) for d in mine] == [
        (bid["id"], "buyer", "龙泉山林业"),
        (offer["id"], "buyer", "龙泉山林业"),
    ]
    assert mine[0]["proposed_by_us"] is True


def test_a_third_party_sees_neither_the_deals_nor_the_listings(client, db_session, seller, buyer):
    propose(client, seller, buyer, "seller", holding_id=seller.holding_id)
    other = party(client, db_session, "第三方", REAL_USCC[2], ["buyer"])
    assert get(client, other, "deals") == []
    for what in ("deals", "listings"):
        resp = client.get(
            f"/api/v1/market/participants/{seller.participant_id}/{what}", headers=other.headers
        )
        assert resp.status_code == 404


def test_listings_in_every_state_newest_first(client, seller, buyer):
    sold = list_tonnes(client, seller, 10, min_lot=10).get_json()
    assert buy(client, buyer, sold["id"], 10).status_code == 201
    withdrawn = list_tonnes(client, seller, 20).get_json()
    resp = client.post(
        f"/api/v1/market/listings/{withdrawn['id']}/withdrawal", headers=seller.headers
    )
    assert resp.status_code == 200
    still = list_tonnes(client, seller, 30).get_json()

    got = get(client, seller, "listings")
    assert [(x["id"], x["state"]) for x in got] == [
        (still["id"], "open"),
        (withdrawn["id"], "withdrawn"),
        (sold["id"], "sold_out"),
    ]
    assert got[0]["seller_name"] == "龙泉山林业"
    assert get(client, buyer, "listings") == []


def test_the_rules_in_force_are_public(client, app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "MARKET_BUYER_FEE_BPS", 30)
    got = client.get("/api/v1/market/rules").get_json()
    assert got["buyer_fee_bps"] == 30
    assert got["seller_fee_bps"] == app.config["MARKET_SELLER_FEE_BPS"]
    assert (got["listing_band_bps"], got["block_band_bps"]) == (1000, 3000)
    assert got["agreement_band_bps"] == 0
    assert (got["block_min_t"], got["listing_max_t"]) == (BLOCK_MIN, BLOCK_MIN - 1)
    assert got["sessions"] == [
        {"start": "09:30", "end": "11:30"},
        {"start": "13:00", "end": "15:00"},
    ]
    assert got["timezone"] == "Asia/Shanghai"
    assert got["calendar_source"] == "chinesecalendar"
    assert got["open_now"] is True
    assert got["next_open"].startswith("2026-12-07T10:00")
    # Saturday 12 December 2026, 10:00 in Beijing: closed until Monday 9:30
    clock.at = OPEN.replace(day=12)
    closed = client.get("/api/v1/market/rules").get_json()
    assert closed["open_now"] is False
    assert closed["next_open"].startswith("2026-12-14T09:30")


def test_trades_name_their_projects_in_one_query_however_many(app, client, seller, buyer):
    engine = app.extensions["db"].engine
    counted: list[str] = []

    def count(conn, cursor, statement, *args):
        counted.append(statement)

    def statements() -> tuple[int, list[dict[str, Any]]]:
        counted.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            got = get(client, buyer, "trades")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(counted), got

    listing = list_tonnes(client, seller, 90).get_json()
    assert buy(client, buyer, listing["id"], 5).status_code == 201
    one, _ = statements()
    for _ in range(3):
        assert buy(client, buyer, listing["id"], 5).status_code == 201
    n, got = statements()
    assert n == one
    assert len(got) == 4
    assert {t["project_name_zh"] for t in got} == {listing["project_name_zh"]}
    assert {t["project_name_en"] for t in got} == {listing["project_name_en"]}
