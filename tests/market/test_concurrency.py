"""On PostgreSQL, through the real API with real commits: 50 buyers, each with a client and
sessions of its own, pick one listing at once for more than it holds. Nothing is oversold, no
funds go negative, the losers get a clean 409, and `flask market check` is clean afterwards."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from backend.accounts.models import OrgKind
from backend.accounts.services import AuthSettings, issue_token
from backend.market import checks
from backend.market.models import FundsAccount, Listing, Trade
from backend.registry.models import Participant, ParticipantRole, ParticipantRoleRow
from tests import factories as f
from tests.concurrency import together
from tests.market.conftest import Party, buy, deposit, issued, list_tonnes, party
from tests.registry.conftest import REAL_USCC

BUYERS = 50
LISTED_T = 100
EACH_T = 5  # 250 t asked for 100 t listed: 20 buyers win
AUTH = AuthSettings(secret_key="test-secret", sandbox=True)


def _buyers(s, n: int) -> list[Party]:
    out = []
    for i in range(n):
        admin = f.user(s, f"买方{i}")
        org = f.organisation(s, OrgKind.company, name=f"买方公司{i}", admin=admin)
        p = Participant(
            organisation_id=org.id,
            uscc=f"91510100TEST{i:06d}",  # unchecked here: the API checks codes, not the table
            legal_representative="法人",
            contact_name="联系人",
            contact_phone="+8613912345678",
        )
        s.add(p)
        s.flush()
        s.add(ParticipantRoleRow(participant_id=p.id, role=ParticipantRole.buyer))
        # a token as sign-in issues it (50 sign-ins from one address would be rate-limited)
        token = issue_token(s, AUTH, admin).access_token
        s.commit()
        out.append(Party(token, org.id, p.id))
    return out


def test_fifty_buyers_at_once_never_oversell_one_listing(app, committing):
    with app.extensions["db"].sessions_from(committing):
        client = app.test_client()
        with committing() as s:
            operator = f.bearer(f.operator_token(client, s))
            seller = party(client, s, "龙泉山林业", REAL_USCC[0], ["project_owner"])
            buyers = _buyers(s, BUYERS)
        seller.holding_id = issued(client, operator, seller, 1000)
        listing = list_tonnes(client, seller, LISTED_T, price=1290, min_lot=1)
        assert listing.status_code == 201, listing.get_json()
        listing_id = listing.get_json()["id"]
        for b in buyers:
            deposit(client, b, EACH_T * 1290 + 100)  # enough for one purchase and its fee

        def go(i: int) -> tuple[int, dict]:
            resp = buy(app.test_client(), buyers[i], listing_id, EACH_T)
            return resp.status_code, resp.get_json()

        results = together(BUYERS, go)
    statuses = Counter(r[0] for r in results if isinstance(r, tuple))
    assert sum(statuses.values()) == BUYERS, results
    assert statuses == {201: LISTED_T // EACH_T, 409: BUYERS - LISTED_T // EACH_T}, results
    losers = {r[1]["code"] for r in results if r[0] == 409}
    assert losers <= {"market.listing_too_small", "market.listing_closed"}, losers
    with committing() as s:
        sold = s.get_one(Listing, listing_id)
        assert (sold.remaining_t, sold.state.value) == (0, "sold_out")
        traded = s.scalar(select(func.sum(Trade.quantity_t)).where(Trade.listing_id == listing_id))
        assert traded == LISTED_T
        assert s.scalar(select(func.min(FundsAccount.balance_fen))) >= 0
        assert s.scalar(select(func.min(FundsAccount.frozen_fen))) >= 0
        assert checks.violations(s) == []
