"""On PostgreSQL: the pool bounds concurrent earning, stock bounds concurrent redemptions, and
a code is honoured once however many merchants try at once, and a sponsor's budget bounds
concurrent bonuses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from backend.accounts.models import User
from backend.core import uow
from backend.core.clock import utcnow
from backend.points import bonuses, earning, honour, ledger, methodology, rewards
from backend.points.honour import AlreadyHonoured
from backend.points.ledger import BudgetExhausted
from backend.points.models import (
    ActionSource,
    GreenAction,
    Honour,
    RewardKind,
    SponsorBudget,
    TransferKind,
)
from backend.points.rewards import OutOfStock
from tests import factories as f
from tests.concurrency import together

THREADS = 20


def test_twenty_people_earning_at_once_never_exceed_the_funding(committing):
    with committing() as s:
        f.fund_points(s, 1000)
        people = [f.user(s).id for _ in range(THREADS)]

    def earn(i: int) -> bool:
        with committing() as s, uow.transaction(s):
            ledger.transfer(s, TransferKind.earn, people[i], 100)
        return True

    results = together(THREADS, earn)
    assert results.count(True) == 10
    assert all(r is True or isinstance(r, BudgetExhausted) for r in results)
    with committing() as s:
        assert ledger.pool_balance(s) == 0
        assert ledger.violations(s) == []


def test_twenty_partner_batches_at_once_earn_exactly_the_funding(committing):
    """Each batch reads the pool without a lock and writes its earn transfers last; those the
    others outran are refused by the pool's CHECK and cut under its lock: 1,000 points, no
    more, no error."""
    with committing() as s:
        f.fund_points(s, 1000)
        people = [f.user(s).id for _ in range(THREADS)]
        s.commit()
    m = methodology.load("2026.1")  # walks by steps: 151 points for 5,000

    def report(i: int) -> earning.Batch:
        walk = earning.Reported(
            people[i], "walk", Decimal(5000), utcnow() - timedelta(hours=1), external_id=f"c{i}"
        )
        with committing() as s, uow.transaction(s):
            return earning.earn(s, [walk], m, source=ActionSource.partner)

    results = together(THREADS, report)
    assert all(isinstance(r, earning.Batch) for r in results), results
    outcomes = [r.results[0] for r in results]
    assert sum(o.points for o in outcomes if o.status == "accepted") == 1000
    assert sorted(o.points for o in outcomes if o.capped) == [1000 - 6 * 151]
    assert sum(o.reason == earning.Reason.budget_exhausted for o in outcomes) == THREADS - 7
    with committing() as s:
        earned = select(func.sum(GreenAction.points)).where(GreenAction.user_id.in_(people))
        assert s.scalar(earned) == 1000
        assert ledger.pool_balance(s) == 0
        assert ledger.violations(s) == []


def _coffee(s, stock: int) -> tuple[int, str]:
    shop = f.sponsor(s, "并发咖啡", points=THREADS * 1000)
    reward = rewards.create(
        s,
        shop.id,
        rewards.NewReward(
            kind=RewardKind.coupon,
            title_zh="咖啡",
            title_en="Coffee",
            price_points=1000,
            stock=stock,
            valid_from=utcnow() - timedelta(days=1),
            valid_until=utcnow() + timedelta(days=1),
        ),
    )
    s.commit()
    return shop.id, reward.id


def _citizens(s, n: int) -> list[int]:
    people = [f.user(s).id for _ in range(n)]
    for u in people:
        ledger.transfer(s, TransferKind.earn, u, 1000)
        ledger.transfer(s, TransferKind.confirm, u, 1000)
    s.commit()
    return people


def test_twenty_redemptions_of_five_in_stock_give_exactly_five_codes(app, committing):
    with committing() as s:
        _, reward_id = _coffee(s, stock=5)
        people = _citizens(s, THREADS)
    issuer = app.extensions["certificate_issuer"]

    def redeem(i: int) -> str | None:
        with committing() as s, uow.transaction(s):
            user = s.get_one(User, people[i])
            return rewards.redeem(s, user, reward_id, issuer, methodology.load()).code

    results = together(THREADS, redeem)
    codes = [r for r in results if isinstance(r, str)]
    assert len(set(codes)) == 5, results
    assert all(isinstance(r, str | OutOfStock) for r in results)
    with committing() as s:
        spent = sum(1000 - ledger.balances(s, u).wallet for u in people)
        assert spent == 5 * 1000
        assert ledger.violations(s) == []


def test_twenty_merchants_honouring_one_code_succeed_once(app, committing):
    issuer = app.extensions["certificate_issuer"]
    with committing() as s:
        shop_id, reward_id = _coffee(s, stock=1)
        owner = s.get_one(User, _citizens(s, 1)[0])
        code = rewards.redeem(s, owner, reward_id, issuer, methodology.load()).code
        s.commit()
        cashiers = [f.user(s).id for _ in range(THREADS)]
    assert code is not None

    def honour_it(i: int) -> str:
        with committing() as s, uow.transaction(s):
            return honour.honour(s, shop_id, code, cashiers[i]).code

    results = together(THREADS, honour_it)
    assert results.count(code) == 1, results
    refused = [r for r in results if isinstance(r, AlreadyHonoured)]
    assert len(refused) == THREADS - 1
    with committing() as s:
        first = s.scalar(select(Honour.honoured_at))
        assert {r.extra["honoured_at"] for r in refused} == {first.isoformat()}
        assert s.scalar(select(func.count()).select_from(Honour)) == 1


def test_twenty_bonuses_at_once_never_exceed_the_sponsors_budget(committing):
    """A sponsor that funded 1,000 points awards 20 bonuses of 100 at once (the pool holds
    plenty from another sponsor): exactly 10 are paid."""
    with committing() as s:
        f.fund_points(s, 100_000)
        shop = f.sponsor(s, "并发奖励", points=1000).id
        by = f.user(s).id
        phones = [f.user(s).phone for _ in range(THREADS)]

    def award(i: int) -> bool:
        req = bonuses.BonusRequest(phones[i], 100, "并发", f"b-{i}")
        with committing() as s, uow.transaction(s):
            bonuses.award(s, shop, req, by, methodology.current())
        return True

    results = together(THREADS, award)
    assert results.count(True) == 10
    assert all(r is True or isinstance(r, bonuses.BonusBudgetSpent) for r in results)
    with committing() as s:
        assert s.get_one(SponsorBudget, shop).bonus_left == 0
        assert ledger.violations(s) == []
