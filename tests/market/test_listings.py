"""挂牌 and 定价点选 through the API: units set aside, whole tonnes bought at the listed price
with fees, minimum lots, what is left, withdrawal, price bands and the database's guards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.market.models import Trade
from tests.market.conftest import buy, funds, held, list_tonnes, market_check


def test_a_listing_sets_its_tonnes_aside_and_hides_no_secret_but_names_no_person(
    client, seller, operator
):
    resp = list_tonnes(client, seller, 300, price=1290, min_lot=10)
    assert resp.status_code == 201, resp.get_json()
    listing = resp.get_json()
    assert (listing["listed_t"], listing["remaining_t"], listing["state"]) == (300, 300, "open")
    assert listing["seller_name"] == "龙泉山林业"
    assert [h["tonnes"] for h in held(client, seller)] == [700]
    public = client.get("/api/v1/market/listings").get_json()
    assert [x["id"] for x in public] == [listing["id"]]
    assert set(public[0]) >= {"project_name_zh", "standard", "project_type", "vintage"}
    assert not {"contact_phone", "contact_name", "legal_representative", "uscc"} & set(public[0])
    # the tonnes set aside can be neither listed again nor moved into the inventory
    assert list_tonnes(client, seller, 701).status_code == 409
    inventory = client.post(
        f"/api/v1/registry/holdings/{seller.holding_id}/offers",
        json={"tonnes": 701, "price_fen_per_t": 1290},
        headers=seller.headers,
    )
    assert (inventory.status_code, inventory.get_json()["errors"][0]["field"]) == (422, "tonnes")


def test_a_buyer_picks_whole_tonnes_at_the_listed_price_and_pays_the_fee(
    app, client, seller, buyer
):
    listing = list_tonnes(client, seller, 300, price=1290, min_lot=10).get_json()
    resp = buy(client, buyer, listing["id"], 100)
    assert resp.status_code == 201, resp.get_json()
    trade = resp.get_json()
    assert re.fullmatch(r"DD20261207\d{6}", trade["number"])
    assert (trade["mode"], trade["quantity_t"], trade["price_fen_per_t"]) == ("listing", 100, 1290)
    assert trade["amount_fen"] == 129_000
    assert (trade["buyer_fee_fen"], trade["seller_fee_fen"]) == (322, 322)  # 25 bps, down
    assert trade["serial_range"].startswith("CDCER-2025-")
    assert funds(client, buyer)["balance_fen"] == 100_000_000 - 129_000 - 322
    assert funds(client, seller)["balance_fen"] == 129_000 - 322
    assert [h["tonnes"] for h in held(client, buyer)] == [100]
    left = client.get("/api/v1/market/listings").get_json()[0]
    assert left["remaining_t"] == 200
    mine = client.get(
        f"/api/v1/market/participants/{buyer.participant_id}/trades", headers=buyer.headers
    ).get_json()
    assert [t["number"] for t in mine] == [trade["number"]]
    done = market_check(app)
    assert done.exit_code == 0, done.output


def test_minimum_lot_what_is_left_and_selling_out(client, seller, buyer):
    listing = list_tonnes(client, seller, 25, min_lot=10).get_json()
    small = buy(client, buyer, listing["id"], 9)
    assert small.status_code == 422
    assert small.get_json()["errors"][0]["field"] == "quantity_t"
    assert buy(client, buyer, listing["id"], 26).status_code == 409
    assert buy(client, buyer, listing["id"], 20).status_code == 201
    # 5 t are left, fewer than the minimum lot: they may be bought
    assert buy(client, buyer, listing["id"], 5).status_code == 201
    gone = buy(client, buyer, listing["id"], 1)
    assert gone.status_code == 409
    assert gone.get_json()["code"] == "market.listing_closed"
    assert client.get("/api/v1/market/listings").get_json() == []


def test_the_seller_cannot_buy_its_own_listing_and_funds_must_cover_amount_and_fee(
    client, seller, buyer
):
    listing = list_tonnes(client, seller, 100, price=1_000_000).get_json()
    assert buy(client, seller, listing["id"], 1).get_json()["code"] == "market.own_listing"
    short = buy(client, buyer, listing["id"], 100)  # 1,000,000 CNY + fee > 1,000,000 CNY
    assert short.status_code == 409
    assert short.get_json()["code"] == "market.insufficient_funds"
    assert funds(client, buyer)["balance_fen"] == 100_000_000
    assert client.get("/api/v1/market/listings").get_json()[0]["remaining_t"] == 100


def test_withdrawing_returns_what_is_left(app, client, seller, buyer):
    listing = list_tonnes(client, seller, 300).get_json()
    assert buy(client, buyer, listing["id"], 50).status_code == 201
    resp = client.post(
        f"/api/v1/market/listings/{listing['id']}/withdrawal", headers=seller.headers
    )
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["state"], resp.get_json()["remaining_t"]) == ("withdrawn", 0)
    assert sorted(h["tonnes"] for h in held(client, seller)) == [250, 700]
    again = client.post(
        f"/api/v1/market/listings/{listing['id']}/withdrawal", headers=seller.headers
    )
    assert again.status_code == 409
    assert buy(client, buyer, listing["id"], 1).status_code == 409
    done = market_check(app)
    assert done.exit_code == 0, done.output


def test_a_listing_of_block_size_is_refused(client, seller, app, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_BLOCK_MIN_T", 500)
    resp = list_tonnes(client, seller, 500)
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "tonnes"
    assert list_tonnes(client, seller, 499).status_code == 201
    low = list_tonnes(client, seller, 10, min_lot=11)
    assert low.get_json()["errors"][0]["field"] == "min_lot_t"


def test_the_price_band_is_around_the_previous_close(client, seller, buyer, clock):
    clock.at -= timedelta(days=3)  # Friday 4 December
    first = list_tonnes(client, seller, 100, price=1000).get_json()
    assert buy(client, buyer, first["id"], 10).status_code == 201
    clock.at += timedelta(days=3)  # Monday: Friday's 1000 fen/t is the previous close
    for price in (899, 1101):
        resp = list_tonnes(client, seller, 10, price=price)
        assert resp.status_code == 422, price
        error = resp.get_json()["errors"][0]
        assert error["field"] == "price_fen_per_t"
        assert (error["params"]["low"], error["params"]["high"]) == (900, 1100)
    for price in (900, 1100):
        assert list_tonnes(client, seller, 10, price=price).status_code == 201
    # today's trades do not move today's band
    cheap = list_tonnes(client, seller, 10, price=900).get_json()
    assert buy(client, buyer, cheap["id"], 10).status_code == 201
    assert list_tonnes(client, seller, 10, price=1100).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity_t": 10**12}, "quantity_t"),
        ({"quantity_t": -1}, "quantity_t"),
        ({"quantity_t": 1.5}, "quantity_t"),
        ({"quantity_t": "1"}, "quantity_t"),
        ({"quantity_t": 1, "price_fen_per_t": 1}, "price_fen_per_t"),
    ],
)
def test_bad_purchases_are_refused_naming_the_field(client, seller, buyer, body, field):
    listing = list_tonnes(client, seller, 10).get_json()
    resp = client.post(
        f"/api/v1/market/listings/{listing['id']}/purchases",
        json={"buyer_id": buyer.participant_id, **body},
        headers={
            **buyer.headers,
            "Idempotency-Key": "k-" + field + str(body)[:20].replace(" ", ""),
        },
    )
    assert resp.status_code == 422, resp.get_json()
    assert resp.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in resp.get_json()["errors"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tonnes": 10**10}, "tonnes"),
        ({"price_fen_per_t": 0}, "price_fen_per_t"),
        ({"price_fen_per_t": 10**20}, "price_fen_per_t"),
        ({"min_lot_t": -5}, "min_lot_t"),
        ({"holding_id": 2**40}, "holding_id"),
    ],
)
def test_bad_listings_are_refused_naming_the_field(client, seller, body, field):
    good = {
        "seller_id": seller.participant_id,
        "holding_id": seller.holding_id,
        "tonnes": 10,
        "price_fen_per_t": 1290,
        "min_lot_t": 1,
    }
    resp = client.post("/api/v1/market/listings", json={**good, **body}, headers=seller.headers)
    assert resp.status_code == 422, resp.get_json()
    assert field in {e["field"] for e in resp.get_json()["errors"]}


def test_a_purchase_replayed_with_its_key_buys_once(client, seller, buyer):
    listing = list_tonnes(client, seller, 10).get_json()
    headers = {**buyer.headers, "Idempotency-Key": "buy-once-1"}
    body = {"buyer_id": buyer.participant_id, "quantity_t": 3}
    first = client.post(
        f"/api/v1/market/listings/{listing['id']}/purchases", json=body, headers=headers
    )
    again = client.post(
        f"/api/v1/market/listings/{listing['id']}/purchases", json=body, headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["number"] == again.get_json()["number"]
    assert client.get("/api/v1/market/listings").get_json()[0]["remaining_t"] == 7


def test_trades_and_entries_are_never_changed(client, seller, buyer, db_session):
    listing = list_tonnes(client, seller, 10).get_json()
    assert buy(client, buyer, listing["id"], 1).status_code == 201
    for sql in (
        "UPDATE market_trades SET price_fen_per_t = 1",
        "DELETE FROM market_trades",
        "UPDATE market_funds_entries SET balance_delta_fen = 1",
        "DELETE FROM market_funds_entries",
    ):
        with pytest.raises(DBAPIError), db_session.begin_nested():
            db_session.execute(text(sql))
    assert db_session.query(Trade).count() == 1
