"""冲正: an operator reverses a trade with new, linked entries. The units go back to the seller
and every funds posting is posted again with the opposite sign (fees refunded), all or nothing;
market data, public trades and the report then count only trades that stand. Reversed at most
once (the database's UNIQUE refuses a second), never when the buyer no longer holds the units or
the seller cannot pay back, and only by operators."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from backend.market.models import EntryKind, FundsEntry, Trade, TradeReversal
from backend.registry.models import Transfer
from tests.market.conftest import buy, funds, held, list_tonnes, market_check

REASON = {"reason": "买方录入数量错误 The buyer entered the wrong quantity"}


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


def reverse(client, operator, number: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(
        f"/api/v1/market/trades/{number}/reversal",
        json=REASON if body is None else body,
        headers=operator,
    )


@pytest.fixture
def trade(client, seller, buyer) -> dict[str, Any]:
    """The buyer picks 40 t at 12.90 from a 100 t listing: 516.00, fees 1.29 a side."""
    listing = ok(list_tonnes(client, seller, 100, price=1290), 201)
    out: dict[str, Any] = ok(buy(client, buyer, listing["id"], 40), 201)
    return out


def tonnes(client, party) -> int:
    return sum(h["tonnes"] for h in held(client, party))


def counts(db_session) -> tuple[int, int, int]:
    db_session.expire_all()
    return (
        db_session.scalar(select(func.count()).select_from(TradeReversal)) or 0,
        db_session.scalar(select(func.count()).select_from(FundsEntry)) or 0,
        db_session.scalar(select(func.count()).select_from(Transfer)) or 0,
    )


def test_a_reversal_returns_units_and_funds_and_market_data_stops_counting_it(
    app, client, operator, seller, buyer, trade
) -> None:
    before = {"seller": funds(client, seller), "buyer": funds(client, buyer)}
    assert before["buyer"]["balance_fen"] == 100_000_000 - 51_600 - 129
    assert before["seller"]["balance_fen"] == 51_600 - 129
    assert tonnes(client, buyer) == 40
    daily = "/api/v1/market/daily?standard=CDCER"
    assert ok(client.get(daily))["days"][0]["volume_t"] == 40

    done = ok(reverse(client, operator, trade["number"]), 201)
    assert done["number"] == trade["number"]
    assert done["reversed"] is True
    assert done["reversal"]["reason"] == REASON["reason"]
    assert done["reversal"]["at"].startswith("2026-12-07T02:00")

    assert funds(client, buyer)["balance_fen"] == 100_000_000  # amount and fee back
    assert funds(client, buyer)["frozen_fen"] == 0
    assert funds(client, seller)["balance_fen"] == 0  # paid back amount less its fee
    assert tonnes(client, buyer) == 0
    assert tonnes(client, seller) == 1000 - 100 + 40  # 60 t still listed, in escrow
    kinds = sorted(e["kind"] for e in funds(client, buyer)["entries"][:2])
    assert kinds == ["fee_refund", "reversal_credit"]

    result = market_check(app)
    assert result.exit_code == 0, result.output

    # market data, public trades and the participants' lists
    assert ok(client.get(daily))["days"] == []
    assert ok(client.get("/api/v1/market/trades/public"))["items"] == []
    products = ok(client.get("/api/v1/market/products"))
    assert all(p["last_fen_per_t"] is None for p in products)
    mine = ok(
        client.get(
            f"/api/v1/market/participants/{buyer.participant_id}/trades", headers=buyer.headers
        )
    )
    assert [(t["number"], t["reversed"]) for t in mine] == [(trade["number"], True)]
    market = ok(client.get("/api/v1/stats/report?year=2026"))["market"]
    assert (market["trades"], market["volume_t"], market["amount_fen"]) == (0, 0, 0)


def test_a_trade_that_stands_says_so(client, buyer, trade) -> None:
    assert trade["reversed"] is False
    assert trade["reversal"] is None


def test_the_confirmation_of_a_reversed_trade_says_so(client, operator, buyer, trade) -> None:
    ok(reverse(client, operator, trade["number"]), 201)
    resp = client.get(
        f"/api/v1/market/trades/{trade['number']}/confirmation.pdf", headers=buyer.headers
    )
    assert resp.status_code == 200
    body = pypdf.PdfReader(io.BytesIO(resp.get_data())).pages[0].extract_text()
    flat = body.replace("\n", "")
    assert "已冲正" in flat
    assert "买方录入数量错误" in flat
    assert "2026-12-07 10:00" in flat


def test_a_trade_is_reversed_once_and_the_database_refuses_a_second(
    app, client, operator, db_session, trade
) -> None:
    ok(reverse(client, operator, trade["number"]), 201)
    before = counts(db_session)
    again = reverse(client, operator, trade["number"])
    assert again.status_code == 409
    assert again.get_json()["code"] == "market.trade_reversed"
    assert trade["number"] in again.get_json()["detail"]
    assert counts(db_session) == before
    first = db_session.scalars(select(TradeReversal)).one()
    db_session.add(
        TradeReversal(
            trade_id=first.trade_id, reason="x", transfer_id=first.transfer_id, at=first.at
        )
    )
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()
    assert market_check(app).exit_code == 0


def test_units_the_buyer_resold_cannot_come_back_and_nothing_is_written(
    app, client, operator, db_session, buyer, trade
) -> None:
    buyer.holding_id = held(client, buyer)[0]["id"]
    ok(list_tonnes(client, buyer, 10, price=1290), 201)  # 10 of the 40 t now in escrow
    before, money = counts(db_session), funds(client, buyer)["balance_fen"]
    resp = reverse(client, operator, trade["number"])
    assert resp.status_code == 409
    problem = resp.get_json()
    assert problem["code"] == "market.reversal_units_not_held"
    assert trade["serial_range"] in problem["detail"]
    assert counts(db_session) == before
    assert funds(client, buyer)["balance_fen"] == money
    assert tonnes(client, buyer) == 30
    assert market_check(app).exit_code == 0


def test_a_seller_short_of_funds_cannot_pay_back(
    app, client, operator, db_session, seller, trade
) -> None:
    url = f"/api/v1/market/participants/{seller.participant_id}/funds/withdrawals"
    ok(client.post(url, json={"amount_fen": 50_000}, headers=seller.headers), 201)
    before = counts(db_session)
    resp = reverse(client, operator, trade["number"])
    assert resp.status_code == 409
    problem = resp.get_json()
    assert problem["code"] == "market.reversal_seller_short"
    assert problem["params"] == {
        "number": trade["number"],
        "needed": 51_600 - 129,
        "available": 51_600 - 129 - 50_000,
    }
    assert counts(db_session) == before
    assert market_check(app).exit_code == 0


def test_only_operators_reverse(client, seller, buyer, trade) -> None:
    assert reverse(client, {}, trade["number"]).status_code == 401
    for party in (seller, buyer):
        assert reverse(client, party.headers, trade["number"]).status_code == 403
    assert trade["reversed"] is False


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 501}, {"reason": 5}])
def test_a_reason_is_required_422_naming_it(client, operator, trade, body) -> None:
    resp = reverse(client, operator, trade["number"], body)
    assert resp.status_code == 422, resp.get_json()
    assert "reason" in str(resp.get_json())


def test_an_unknown_trade_is_404(client, operator) -> None:
    assert reverse(client, operator, "DD20261207999999").status_code == 404


def test_the_check_finds_reversal_entries_without_a_reversal(
    app, client, db_session, buyer, trade
) -> None:
    t = db_session.scalars(select(Trade).where(Trade.number == trade["number"])).one()
    account = db_session.scalars(
        select(FundsEntry.account_id).where(
            FundsEntry.trade_id == t.id, FundsEntry.kind == EntryKind.trade_debit
        )
    ).one()
    db_session.add(
        FundsEntry(
            account_id=account, kind=EntryKind.fee_refund, balance_delta_fen=129, trade_id=t.id
        )
    )
    db_session.commit()
    result = market_check(app)
    assert result.exit_code == 1
    assert f"trade {trade['number']}: reversal entries" in result.output
