"""On PostgreSQL, through the real API with real commits: a pledge, a listing (a sale) and the
acceptance of an inventory offer (the move towards retirement) race for the same units of one
holding. The holding's row lock decides: exactly one wins, the others get a clean 409, and the
registry's, market's and finance's checks hold afterwards. And the pledge's own steps race:
registering and withdrawing at once, exactly one wins."""

from __future__ import annotations

from collections import Counter

from backend.finance import pledge_checks
from backend.market import calendar
from backend.market import checks as market_checks
from tests import factories as f
from tests.concurrency import together
from tests.finance.pledge_fixtures import LOAN, make_bank, make_holder
from tests.market.conftest import OPEN, Clock, held

EACH_T = 6  # of 10 t: any one of them leaves too few for the others


def test_a_pledge_a_sale_and_a_retirement_race_for_the_same_units(app, committing, monkeypatch):
    monkeypatch.setattr(calendar, "now", Clock(OPEN))
    with app.extensions["db"].sessions_from(committing):
        client = app.test_client()
        with committing() as s:
            operator = f.bearer(f.operator_token(client, s))
            holder = make_holder(client, s, operator, 10)
            bank = make_bank(client, s)
            s.commit()
        offer = client.post(
            f"/api/v1/registry/holdings/{holder.holding_id}/offers",
            json={"tonnes": EACH_T, "price_fen_per_t": 1000},
            headers=holder.headers,
        )
        assert offer.status_code == 201, offer.get_json()
        offer_id = offer.get_json()["id"]

        def go(i: int) -> tuple[str, int, dict]:
            c = app.test_client()
            if i == 0:
                resp = c.post(
                    f"/api/v1/finance/holdings/{holder.holding_id}/pledges",
                    json={"pledgee_id": bank.participant_id, "tonnes": EACH_T, **LOAN},
                    headers={**holder.headers, "Idempotency-Key": "race-pledge"},
                )
                return "pledge", resp.status_code, resp.get_json()
            if i == 1:
                resp = c.post(
                    "/api/v1/market/listings",
                    json={
                        "seller_id": holder.participant_id,
                        "holding_id": holder.holding_id,
                        "tonnes": EACH_T,
                        "price_fen_per_t": 1290,
                        "min_lot_t": 1,
                    },
                    headers=holder.headers,
                )
                return "listing", resp.status_code, resp.get_json()
            resp = c.post(
                f"/api/v1/registry/offers/{offer_id}/acceptance",
                json={"price_fen_per_t": 1500},
                headers=operator,
            )
            return "inventory", resp.status_code, resp.get_json()

        results = together(3, go)
        assert all(isinstance(r, tuple) for r in results), results
        won = [r for r in results if r[1] in (200, 201)]
        lost = [r for r in results if r[1] == 409]
        assert len(won) == 1, results
        assert len(lost) == 2, results
        assert Counter(r[2]["code"] for r in lost) == {"registry.holding_too_small": 2}, results
        assert sum(h["tonnes"] for h in held(client, holder)) == 10 - EACH_T
        with committing() as s:
            assert pledge_checks.violations(s) == []
            assert market_checks.violations(s) == []  # the registry's included


def test_the_pledgee_registering_and_the_pledgor_withdrawing_at_once_one_wins(app, committing):
    """The pledge row is locked by each step: the other finds it moved (409), and the units are
    either still frozen (registered) or back (withdrawn), never both."""
    with app.extensions["db"].sessions_from(committing):
        client = app.test_client()
        with committing() as s:
            operator = f.bearer(f.operator_token(client, s))
            holder = make_holder(client, s, operator, 10)
            bank = make_bank(client, s)
            s.commit()
        made = client.post(
            f"/api/v1/finance/holdings/{holder.holding_id}/pledges",
            json={"pledgee_id": bank.participant_id, "tonnes": EACH_T, **LOAN},
            headers={**holder.headers, "Idempotency-Key": "made-pledge"},
        )
        assert made.status_code == 201, made.get_json()
        pid = made.get_json()["id"]
        moves = [(bank, "registered"), (holder, "withdrawn")]

        def go(i: int) -> tuple[int, dict]:
            who, to = moves[i]
            resp = app.test_client().post(
                f"/api/v1/finance/pledges/{pid}/transitions", json={"to": to}, headers=who.headers
            )
            return resp.status_code, resp.get_json()

        results = together(2, go)
        statuses = sorted(r[0] for r in results)
        assert statuses == [200, 409], results
        state = next(r[1]["state"] for r in results if r[0] == 200)
        back = 10 if state == "withdrawn" else 10 - EACH_T
        assert sum(h["tonnes"] for h in held(client, holder)) == back
        with committing() as s:
            assert pledge_checks.violations(s) == []
            assert market_checks.violations(s) == []
