"""A hypothesis state machine over sponsors' funding (in money or credits), earn, confirm,
reverse, redeem, expire, redeeming a catalogue item, a merchant honouring its code, a sponsor's
bonus and an order holding credits: every balance matches a model, none goes negative, nothing
is earned beyond the funding, no sponsor awards beyond its budget nor a citizen gets more
bonus than the daily cap, every code is honoured at most once, the credits a sponsor funded stay
out of orders' reach, and the ledger's and the inventory's own checks hold after each step."""

from __future__ import annotations

import uuid
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import uow
from backend.core.clock import utcnow
from backend.credits import checks, inventory
from backend.credits.models import Lot, Project
from backend.points import bonuses, honour, ledger, methodology, rewards, sponsors
from backend.points.honour import AlreadyHonoured
from backend.points.ledger import BudgetExhausted, InsufficientPoints
from backend.points.models import Honour, Reward, RewardKind, SponsorBudget, TransferKind
from tests import factories as f

PRICE, STOCK = 700, 4
BONUS_CAP = methodology.current().types["bonus"].daily_cap_g

amounts = st.integers(1, 5_000)
people = st.integers(0, 1)


class LedgerMachine(RuleBasedStateMachine):
    """Two people's pending and wallet accounts against a model of what they should hold."""

    s: Session  # the test's session, given by a subclass

    def __init__(self) -> None:
        super().__init__()
        self.sponsor = f.sponsor(self.s, "模型赞助方").id
        self.by = f.user(self.s).id
        self.users = [f.user(self.s).id for _ in range(2)]
        self.phones = [self.s.get_one(User, u).phone for u in self.users]
        self.budget, self.bonus_today = 0, dict.fromkeys(self.users, 0)
        self.bonus_ids: dict[int, int] = {}  # the sponsor's external id -> points awarded
        self.run = uuid.uuid4().hex[:8]  # external ids are unique per example
        self.project = f.project(self.s, standard="CDCER", ptype="greenway").id
        self.lot = f.lot(self.s, self.s.get_one(Project, self.project), 1).id
        self.free, self.held = 1_000_000, 0  # the lot's grams: available, held for the sponsor
        self.model = {u: {"pending": 0, "wallet": 0} for u in self.users}
        # the test's session outlives an example: the pool and the honours are counted from here
        self.pool, self.stock = ledger.pool_balance(self.s), STOCK
        self.honours_before = self._honours()
        self.codes: list[str] = []
        self.honoured: set[str] = set()
        now = utcnow()
        self.reward = rewards.create(
            self.s,
            self.sponsor,
            rewards.NewReward(
                RewardKind.coupon,
                "券",
                "Coupon",
                PRICE,
                STOCK,
                now - timedelta(days=1),
                now + timedelta(days=1),
            ),
        ).id

    def _move(
        self, kind: TransferKind, who: int, amount: int, source: str | None, target: str | None
    ) -> None:
        have = self.model[who][source] if source else self.pool
        try:
            with uow.savepoint(self.s):  # a refused transfer leaves nothing behind
                ledger.transfer(self.s, kind, who, amount)
        except (InsufficientPoints, BudgetExhausted):
            assert have < amount
            return
        assert have >= amount
        if source:
            self.model[who][source] -= amount
        else:
            self.pool -= amount
        if target:
            self.model[who][target] += amount
        elif kind == TransferKind.reverse:
            self.pool += amount

    @rule(amount=amounts)
    def fund(self, amount: int) -> None:
        request = sponsors.FundingRequest(amount_fen=amount)
        sponsors.fund(self.s, self.sponsor, request, self.by, 1)
        self.pool += amount
        self.budget += amount

    @rule(grams=st.integers(1, 400_000))
    def fund_credits(self, grams: int) -> None:
        request = sponsors.FundingRequest(mass_g=grams, project_id=self.project)
        try:
            with uow.savepoint(self.s):
                sponsors.fund(self.s, self.sponsor, request, self.by, 1)
        except sponsors.CreditsNotThere:
            assert self.free < grams
            return
        assert self.free >= grams
        self.free, self.held = self.free - grams, self.held + grams
        self.pool += grams
        self.budget += grams

    @rule(grams=st.integers(1, 400_000))
    def order_holds_credits(self, grams: int) -> None:
        prefs = inventory.Preferences(project_ids=(self.project,))
        try:
            with uow.savepoint(self.s):
                inventory.hold(self.s, prefs, grams, reference="order")
        except inventory.InsufficientInventory:
            assert self.free < grams  # the sponsor's grams are never offered
            return
        assert self.free >= grams
        self.free -= grams

    @rule(who=people, amount=st.integers(1, 600), ext=st.integers(0, 5))
    def award_bonus(self, who: int, amount: int, ext: int) -> None:
        user = self.users[who]
        req = bonuses.BonusRequest(self.phones[who], amount, "模型奖励", f"{self.run}-{ext}")
        try:
            with uow.savepoint(self.s):
                got = bonuses.award(self.s, self.sponsor, req, self.by, methodology.current())
        except bonuses.BonusCapReached:
            assert self.bonus_today[user] + amount > BONUS_CAP
            return
        except BudgetExhausted:
            assert self.pool < amount
            return
        except bonuses.BonusBudgetSpent:
            assert self.budget < amount
            return
        if ext in self.bonus_ids:
            assert got.duplicate
            assert got.points == self.bonus_ids[ext]
            return
        assert not got.duplicate
        assert self.bonus_today[user] + amount <= BONUS_CAP
        assert amount <= min(self.pool, self.budget)
        self.bonus_ids[ext] = amount
        self.bonus_today[user] += amount
        self.pool -= amount
        self.budget -= amount
        self.model[user]["wallet"] += amount

    @rule(who=people, amount=amounts)
    def earn(self, who: int, amount: int) -> None:
        self._move(TransferKind.earn, self.users[who], amount, None, "pending")

    @rule(who=people, amount=amounts)
    def confirm(self, who: int, amount: int) -> None:
        self._move(TransferKind.confirm, self.users[who], amount, "pending", "wallet")

    @rule(who=people, amount=amounts)
    def reverse(self, who: int, amount: int) -> None:
        self._move(TransferKind.reverse, self.users[who], amount, "pending", None)

    @rule(who=people, amount=amounts)
    def redeem(self, who: int, amount: int) -> None:
        self._move(TransferKind.redeem, self.users[who], amount, "wallet", None)

    @rule(who=people)
    def expire_all(self, who: int) -> None:
        user = self.users[who]
        left = self.model[user]["wallet"]
        if left:
            self._move(TransferKind.expire, user, left, "wallet", None)

    @rule(who=people)
    def redeem_reward(self, who: int) -> None:
        user = self.s.get_one(User, self.users[who])
        wallet = self.model[user.id]["wallet"]
        try:
            with uow.savepoint(self.s):
                got = rewards.redeem(self.s, user, self.reward, None, methodology.load())  # type: ignore[arg-type]
        except (InsufficientPoints, rewards.OutOfStock):
            assert wallet < PRICE or self.stock == 0
            return
        assert got.code is not None
        assert wallet >= PRICE
        assert self.stock > 0
        self.model[user.id]["wallet"] -= PRICE
        self.stock -= 1
        self.codes.append(got.code)

    @rule(pick=st.integers(0, STOCK - 1))
    def honour_code(self, pick: int) -> None:
        if pick >= len(self.codes):
            return
        code = self.codes[pick]
        try:
            with uow.savepoint(self.s):
                honour.honour(self.s, self.sponsor, code, self.by)
        except AlreadyHonoured:
            assert code in self.honoured
            return
        assert code not in self.honoured
        self.honoured.add(code)

    @invariant()
    def agrees(self) -> None:
        for user, expected in self.model.items():
            got = ledger.balances(self.s, user)
            assert (got.pending, got.wallet) == (expected["pending"], expected["wallet"])
        assert ledger.pool_balance(self.s) == self.pool >= 0
        assert ledger.violations(self.s) == []  # among them: funded == pool + issued

    @invariant()
    def no_sponsor_awards_beyond_its_budget(self) -> None:
        self.s.expire_all()
        assert self.s.get_one(SponsorBudget, self.sponsor).bonus_left == self.budget >= 0

    @invariant()
    def the_sponsors_credits_stay_held(self) -> None:
        lot = self.s.get_one(Lot, self.lot)
        assert (lot.available_g, lot.held_g) == (self.free, self.held)
        assert checks.violations(self.s) == []

    @invariant()
    def each_code_is_honoured_at_most_once(self) -> None:
        assert self.s.get_one(Reward, self.reward).stock == self.stock >= 0
        assert self._honours() - self.honours_before == len(self.honoured) <= len(self.codes)

    def _honours(self) -> int:
        return int(self.s.scalar(select(func.count()).select_from(Honour)) or 0)


def test_ledger_state_machine(db_session):
    class OnTheTestSession(LedgerMachine):
        s = db_session

    run_state_machine_as_test(
        OnTheTestSession,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
