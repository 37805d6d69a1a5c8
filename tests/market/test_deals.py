"""大宗交易 and 协议转让: the threshold, what each side sets aside, accept/decline/withdraw,
confirmation of an agreement, and who may do what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.market.conftest import (
    Party,
    buy,
    deposit,
    funds,
    held,
    list_tonnes,
    market_check,
    party,
)
from tests.registry.conftest import REAL_USCC

BLOCK_MIN = 100


@pytest.fixture(autouse=True)
def small_blocks(app, monkeypatch):
    """Blocks from 100 t here (the default, 100,000 t, is tested on its own)."""
    monkeypatch.setitem(app.config, "MARKET_BLOCK_MIN_T", BLOCK_MIN)


def propose(
    client, p: Party, counterparty: Party, side: str, kind: str = "block-trades", **body: Any
) -> Any:
    return client.post(
        f"/api/v1/market/{kind}",
        json={
            "side": side,
            "participant_id": p.participant_id,
            "counterparty_id": counterparty.participant_id,
            "quantity_t": 150,
            "price_fen_per_t": 1000,
            **body,
        },
        headers=p.headers,
    )


def move(client, p: Party, deal_id: int, to: str, kind: str = "block-trades") -> Any:
    return client.post(
        f"/api/v1/market/{kind}/{deal_id}/transitions", json={"to": to}, headers=p.headers
    )


def issuance_of(client, p: Party) -> int:
    return int(held(client, p)[0]["issuance_id"])


def test_the_block_threshold(client, seller, buyer, app, monkeypatch):
    small = propose(client, seller, buyer, "seller", holding_id=seller.holding_id, quantity_t=99)
    assert small.status_code == 422
    assert small.get_json()["errors"][0]["field"] == "quantity_t"
    monkeypatch.setitem(app.config, "MARKET_BLOCK_MIN_T", 100_000)  # the default
    big = propose(client, seller, buyer, "seller", holding_id=seller.holding_id, quantity_t=99_999)
    assert big.status_code == 422
    assert big.get_json()["errors"][0]["params"]["block_min_t"] == 100_000


def test_a_sellers_block_offer_is_escrowed_and_settles_when_the_buyer_accepts(
    app, client, seller, buyer
):
    resp = propose(client, seller, buyer, "seller", holding_id=seller.holding_id)
    assert resp.status_code == 201, resp.get_json()
    deal = resp.get_json()
    assert deal["state"] == "proposed"
    assert [h["tonnes"] for h in held(client, seller)] == [850]
    # the seller cannot accept its own offer; an outsider's admin sees nothing
    assert move(client, seller, deal["id"], "settled").status_code in (403, 404)
    done = move(client, buyer, deal["id"], "settled")
    assert done.status_code == 200, done.get_json()
    trade = done.get_json()["trade"]
    assert (trade["mode"], trade["quantity_t"], trade["amount_fen"]) == ("block", 150, 150_000)
    assert [h["tonnes"] for h in held(client, buyer)] == [150]
    assert funds(client, buyer)["balance_fen"] == 100_000_000 - 150_000 - 375
    assert move(client, buyer, deal["id"], "declined").status_code == 409
    result = market_check(app)
    assert result.exit_code == 0, result.output


def test_declining_or_withdrawing_a_block_offer_releases_the_units(app, client, seller, buyer):
    first = propose(client, seller, buyer, "seller", holding_id=seller.holding_id).get_json()
    assert move(client, buyer, first["id"], "declined").get_json()["state"] == "declined"
    second = propose(client, seller, buyer, "seller", holding_id=seller.holding_id).get_json()
    assert move(client, buyer, second["id"], "withdrawn").status_code in (403, 404)
    assert move(client, seller, second["id"], "withdrawn").get_json()["state"] == "withdrawn"
    assert sum(h["tonnes"] for h in held(client, seller)) == 1000
    assert held(client, buyer) == []
    result = market_check(app)
    assert result.exit_code == 0, result.output


def test_a_buyers_block_bid_freezes_its_funds_until_settled_or_withdrawn(
    app, client, seller, buyer
):
    issuance = issuance_of(client, seller)
    bid = propose(client, buyer, seller, "buyer", issuance_id=issuance)
    assert bid.status_code == 201, bid.get_json()
    account = funds(client, buyer)
    assert (account["frozen_fen"], account["available_fen"]) == (150_375, 100_000_000 - 150_375)
    # frozen funds cannot be withdrawn
    out = client.post(
        f"/api/v1/market/participants/{buyer.participant_id}/funds/withdrawals",
        json={"amount_fen": 100_000_000},
        headers=buyer.headers,
    )
    assert out.status_code == 409
    settled = move(client, seller, bid.get_json()["id"], "settled")
    assert settled.status_code == 200, settled.get_json()
    account = funds(client, buyer)
    assert (account["balance_fen"], account["frozen_fen"]) == (100_000_000 - 150_375, 0)
    withdrawn = propose(client, buyer, seller, "buyer", issuance_id=issuance).get_json()
    assert move(client, buyer, withdrawn["id"], "withdrawn").status_code == 200
    assert funds(client, buyer)["frozen_fen"] == 0
    result = market_check(app)
    assert result.exit_code == 0, result.output


def test_a_bid_the_buyer_cannot_fund_is_refused(client, seller, db_session):
    poor = party(client, db_session, "小微企业", REAL_USCC[2], ["buyer"])
    deposit(client, poor, 1000)
    bid = propose(client, poor, seller, "buyer", issuance_id=issuance_of(client, seller))
    assert bid.status_code == 409
    assert bid.get_json()["code"] == "market.insufficient_funds"


def test_the_block_band_is_wider_than_the_listing_band(client, seller, buyer, clock):
    clock.at -= timedelta(days=3)
    listing = list_tonnes(client, seller, 10, price=1000).get_json()
    assert buy(client, buyer, listing["id"], 10).status_code == 201
    clock.at += timedelta(days=3)
    assert list_tonnes(client, seller, 10, price=1200).status_code == 422
    for price, status in ((1300, 201), (1301, 422), (700, 201), (699, 422)):
        resp = propose(
            client, seller, buyer, "seller", holding_id=seller.holding_id, price_fen_per_t=price
        )
        assert resp.status_code == status, (price, resp.get_json())


def test_an_agreement_is_registered_by_one_party_and_settled_by_the_others_confirmation(
    app, client, seller, buyer
):
    resp = propose(
        client,
        buyer,
        seller,
        "buyer",
        "agreements",
        issuance_id=issuance_of(client, seller),
        quantity_t=40,  # no threshold for agreements
        price_fen_per_t=5000,
        contract_reference="HT-2026-118",
    )
    assert resp.status_code == 201, resp.get_json()
    agreement = resp.get_json()
    assert agreement["contract_reference"] == "HT-2026-118"
    assert funds(client, buyer)["frozen_fen"] == 0  # nothing set aside for an agreement
    assert move(client, buyer, agreement["id"], "settled", "agreements").status_code in (403, 404)
    # an agreement is not a block trade
    assert move(client, seller, agreement["id"], "settled").status_code == 404
    done = move(client, seller, agreement["id"], "settled", "agreements")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["trade"]["mode"] == "agreement"
    assert [h["tonnes"] for h in held(client, buyer)] == [40]
    result = market_check(app)
    assert result.exit_code == 0, result.output


def test_confirming_an_agreement_the_buyer_cannot_pay_changes_nothing(client, seller, db_session):
    poor = party(client, db_session, "小微企业", REAL_USCC[2], ["buyer"])
    deposit(client, poor, 1000)
    resp = propose(
        client,
        seller,
        poor,
        "seller",
        "agreements",
        holding_id=seller.holding_id,
        quantity_t=40,
        price_fen_per_t=5000,
        contract_reference="HT-2026-119",
    )
    assert resp.status_code == 201, resp.get_json()
    refused = move(client, poor, resp.get_json()["id"], "settled", "agreements")
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "market.insufficient_funds"
    assert sum(h["tonnes"] for h in held(client, seller)) == 1000
    assert funds(client, poor)["balance_fen"] == 1000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"side": "both"}, "side"),
        ({"counterparty_id": 2**31 - 1}, "counterparty_id"),
        ({"holding_id": None}, "holding_id"),
        ({"quantity_t": 10**10}, "quantity_t"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_proposals_are_refused_naming_the_field(client, seller, buyer, body, field):
    good = {
        "side": "seller",
        "participant_id": seller.participant_id,
        "counterparty_id": buyer.participant_id,
        "holding_id": seller.holding_id,
        "quantity_t": 150,
        "price_fen_per_t": 1000,
    }
    resp = client.post("/api/v1/market/block-trades", json={**good, **body}, headers=seller.headers)
    assert resp.status_code == 422, resp.get_json()
    assert field in {e["field"] for e in resp.get_json()["errors"]}


def test_an_agreement_needs_its_contract_reference(client, seller, buyer):
    resp = propose(client, seller, buyer, "seller", "agreements", holding_id=seller.holding_id)
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "contract_reference"
