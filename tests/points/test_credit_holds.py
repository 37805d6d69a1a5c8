"""Credits a sponsor funds are held back from every other buyer until its offsets retire them,
and the database keeps an order and a funding racing for the last grams from overselling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.certificates import issuers
from backend.core import uow
from backend.core.clock import utcnow
from backend.credits import checks, inventory
from backend.credits.models import CreditHold, Lot
from backend.points import ledger, methodology, rewards, sponsors
from backend.points.models import RewardKind, TransferKind
from backend.points.sponsors import CreditsNotThere
from tests import factories as f
from tests.concurrency import together

TONNE = 1_000_000


def _fund(s, org_id: int, project_id: int, grams: int) -> None:
    by = f.user(s)
    sponsors.fund(s, org_id, sponsors.FundingRequest(mass_g=grams, project_id=project_id), by.id, 1)


def test_funded_credits_are_out_of_every_orders_reach_until_an_offset_draws_them(app, db_session):
    s = db_session
    p = f.project(s, standard="CDCER", ptype="greenway")
    lot = f.lot(s, p, 1)
    org = f.sponsor(s, "持有方")
    _fund(s, org.id, p.id, 3000)
    prefs = inventory.Preferences(project_ids=(p.id,))
    assert inventory.available(s, prefs) == TONNE - 3000
    with pytest.raises(inventory.InsufficientInventory):
        inventory.hold(s, prefs, TONNE - 2999)  # an order cannot reach the held grams
    s.refresh(lot)
    assert (lot.available_g, lot.reserved_g, lot.held_g) == (TONNE - 3000, 3000, 3000)

    reward = rewards.create(s, org.id, _offset(p.id))
    buyer = f.user(s)
    f.fund_points(s, 1000)
    ledger.transfer(s, TransferKind.earn, buyer.id, 1000)
    ledger.transfer(s, TransferKind.confirm, buyer.id, 1000)
    with app.app_context():
        rewards.redeem(s, buyer, reward.id, issuers.current(), methodology.current())
    s.refresh(lot)
    assert (lot.reserved_g, lot.held_g, lot.allocated_g) == (2000, 2000, 1000)
    assert s.scalar(select(CreditHold.held_g)) == 2000
    assert checks.violations(s) == []


def test_a_funding_beyond_what_is_available_is_refused(db_session):
    s = db_session
    p = f.project(s, standard="CDCER", ptype="greenway")
    f.lot(s, p, 1)
    org = f.sponsor(s, "贪心方")
    _fund(s, org.id, p.id, TONNE - 10)
    with pytest.raises(CreditsNotThere) as refused:
        _fund(s, org.id, p.id, 11)
    assert refused.value.params == {"mass_g": 11, "available_g": 10}


def _offset(project_id: int) -> rewards.NewReward:
    return rewards.NewReward(
        kind=RewardKind.offset,
        title_zh="碳中和 1 kg",
        title_en="1 kg offset",
        price_points=1000,
        stock=5,
        valid_from=utcnow() - timedelta(days=1),
        valid_until=utcnow() + timedelta(days=1),
        project_id=project_id,
    )


def test_orders_and_fundings_racing_for_the_last_grams_never_oversell(committing):
    """Ten orders' holds and ten fundings of 100 kg each on a one-tonne lot: ten succeed."""
    with committing() as s:
        p = f.project(s, standard="CDCER", ptype="greenway")
        lot_id = f.lot(s, p, 1).id
        org_id = f.sponsor(s, "抢购方").id
        by = f.user(s).id
        project_id = p.id
    prefs = inventory.Preferences(project_ids=(project_id,))
    grams = TONNE // 10

    def take(i: int) -> bool:
        with committing() as s, uow.transaction(s):
            if i % 2:
                inventory.hold(s, prefs, grams, reference=f"order-{i}")
            else:
                req = sponsors.FundingRequest(mass_g=grams, project_id=project_id)
                sponsors.fund(s, org_id, req, by, 1)
        return True

    results = together(20, take)
    assert results.count(True) == 10
    assert all(
        r is True or isinstance(r, inventory.InsufficientInventory | CreditsNotThere)
        for r in results
    )
    with committing() as s:
        lot = s.get_one(Lot, lot_id)
        assert lot.available_g == 0
        assert lot.reserved_g == TONNE
        assert lot.held_g == grams * results[::2].count(True)
        assert checks.violations(s) == []
