"""Funds accounts: deposits credited once per bank reference, withdrawals of available funds,
the database refusing a negative balance, and `flask market check` finding a tampered account."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.market.conftest import deposit, funds, market_check


def test_a_deposit_is_credited_once_per_bank_reference(client, buyer, operator):
    ref = f"SBX-{buyer.participant_id}-5000-again"
    first = deposit(client, buyer, 5000, ref)
    assert first.status_code == 201
    assert first.get_json()["replayed"] is False
    again = client.post(
        f"/api/v1/market/participants/{buyer.participant_id}/funds/deposits",
        json={"bank_reference": ref},
        headers=operator,  # operators confirm bank transfers too
    )
    assert again.status_code == 200
    assert again.get_json()["replayed"] is True
    assert again.get_json()["entry"]["id"] == first.get_json()["entry"]["id"]
    account = funds(client, buyer)
    assert account["balance_fen"] == 100_000_000 + 5000
    assert [e["kind"] for e in account["entries"]] == ["deposit", "deposit"]


def test_a_reference_for_another_account_or_unknown_to_the_bank_is_refused(client, buyer, seller):
    for ref in (f"SBX-{seller.participant_id}-5000-x", "WIRE-123"):
        resp = client.post(
            f"/api/v1/market/participants/{buyer.participant_id}/funds/deposits",
            json={"bank_reference": ref},
            headers=buyer.headers,
        )
        assert resp.status_code == 404, ref
    assert funds(client, buyer)["balance_fen"] == 100_000_000


def test_withdrawals_take_available_funds_only(app, client, buyer):
    url = f"/api/v1/market/participants/{buyer.participant_id}/funds/withdrawals"
    too_much = client.post(url, json={"amount_fen": 100_000_001}, headers=buyer.headers)
    assert too_much.status_code == 409
    assert too_much.get_json()["params"]["available"] == 100_000_000
    done = client.post(url, json={"amount_fen": 40_000_000}, headers=buyer.headers)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["bank_reference"].startswith("WD")
    assert funds(client, buyer)["balance_fen"] == 60_000_000
    result = market_check(app)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount_fen": 10**16}, "amount_fen"),
        ({"amount_fen": -1}, "amount_fen"),
        ({"amount_fen": 0}, "amount_fen"),
        ({"amount_fen": "100"}, "amount_fen"),
        ({"amount_fen": 1, "iban": "x"}, "iban"),
    ],
)
def test_bad_withdrawals_are_refused_naming_the_field(client, buyer, body, field):
    resp = client.post(
        f"/api/v1/market/participants/{buyer.participant_id}/funds/withdrawals",
        json=body,
        headers=buyer.headers,
    )
    assert resp.status_code == 422, resp.get_json()
    assert field in {e["field"] for e in resp.get_json()["errors"]}


def test_the_database_refuses_a_negative_balance_or_more_frozen_than_held(buyer, db_session):
    for sql in (
        "UPDATE market_funds_accounts SET balance_fen = -1 WHERE participant_id = :p",
        "UPDATE market_funds_accounts SET frozen_fen = balance_fen + 1 WHERE participant_id = :p",
        "UPDATE market_funds_accounts SET frozen_fen = -1 WHERE participant_id = :p",
    ):
        with pytest.raises(IntegrityError), db_session.begin_nested():
            db_session.execute(text(sql), {"p": buyer.participant_id})


def test_the_check_finds_an_account_that_is_not_the_sum_of_its_entries(app, buyer, db_session):
    db_session.execute(
        text(
            "UPDATE market_funds_accounts SET balance_fen = balance_fen + 1"
            " WHERE participant_id = :p"
        ),
        {"p": buyer.participant_id},
    )
    result = market_check(app)
    assert result.exit_code == 1
    assert "entries sum to" in result.output
    assert "deposits less withdrawals" in result.output


def test_the_sandbox_bank_is_refused_in_live_mode(client, buyer, app, monkeypatch):
    monkeypatch.setitem(app.config, "SANDBOX", False)
    resp = client.post(
        f"/api/v1/market/participants/{buyer.participant_id}/funds/deposits",
        json={"bank_reference": f"SBX-{buyer.participant_id}-1-x"},
        headers=buyer.headers,
    )
    assert resp.status_code == 503


def test_the_check_finds_a_trade_whose_legs_do_not_balance(app, client, seller, buyer, db_session):
    from tests.market.conftest import buy, list_tonnes

    listing = list_tonnes(client, seller, 10).get_json()
    assert buy(client, buyer, listing["id"], 1).status_code == 201
    # an extra credit to the seller for the trade, made behind the services' back
    db_session.execute(
        text(
            "INSERT INTO market_funds_entries (account_id, kind, balance_delta_fen,"
            " frozen_delta_fen, trade_id, at)"
            " SELECT a.id, 'trade_credit', 1, 0, t.id, CURRENT_TIMESTAMP"
            " FROM market_funds_accounts a, market_trades t WHERE a.participant_id = :p"
        ),
        {"p": seller.participant_id},
    )
    result = market_check(app)
    assert result.exit_code == 1
    assert "legs" in result.output
