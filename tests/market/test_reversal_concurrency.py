"""On PostgreSQL, through the real API with real commits: eight operators reverse one trade at
once. Exactly one reversal is made; the others get a clean 409 saying it is reversed already;
the units and the money went back once, and `flask market check` is clean."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from backend.market import checks
from backend.market.models import FundsAccount, FundsEntry, TradeReversal
from tests import factories as f
from tests.concurrency import together
from tests.market.conftest import buy, deposit, issued, list_tonnes, party
from tests.registry.conftest import REAL_USCC

OPERATORS = 8


def test_eight_operators_at_once_reverse_a_trade_once(app, committing):
    with app.extensions["db"].sessions_from(committing):
        client = app.test_client()
        with committing() as s:
            operator = f.bearer(f.operator_token(client, s))
            seller = party(client, s, "龙泉山林业", REAL_USCC[0], ["project_owner"])
            buyer = party(client, s, "锦城环保科技", REAL_USCC[1], ["buyer"])
        seller.holding_id = issued(client, operator, seller, 1000)
        deposit(client, buyer, 1_000_000)
        listing = list_tonnes(client, seller, 100, price=1290).get_json()
        trade = buy(client, buyer, listing["id"], 40).get_json()
        url = f"/api/v1/market/trades/{trade['number']}/reversal"

        def go(_: int) -> tuple[int, dict]:
            resp = app.test_client().post(url, json={"reason": "重复成交"}, headers=operator)
            return resp.status_code, resp.get_json()

        results = together(OPERATORS, go)
    statuses = Counter(r[0] for r in results if isinstance(r, tuple))
    assert statuses == {201: 1, 409: OPERATORS - 1}, results
    assert {r[1]["code"] for r in results if r[0] == 409} == {"market.trade_reversed"}, results
    with committing() as s:
        assert s.scalar(select(func.count()).select_from(TradeReversal)) == 1
        refunds = s.scalar(
            select(func.count()).select_from(FundsEntry).where(FundsEntry.kind == "fee_refund")
        )
        assert refunds == 2  # the buyer's fee and the seller's, once each
        buyer_acct = s.scalar(
            select(FundsAccount).where(FundsAccount.participant_id == buyer.participant_id)
        )
        assert buyer_acct.balance_fen == 1_000_000
        assert checks.violations(s) == []
