"""A hypothesis state machine over earn, confirm, reverse, redeem and expire: every balance
matches a model, none goes negative, and the ledger's own check holds after each step."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from backend.points import ledger
from backend.points.ledger import InsufficientPoints
from backend.points.models import TransferKind
from tests import factories as f

amounts = st.integers(1, 5_000)


def test_ledger_state_machine(db_session):  # noqa: C901 - a Hypothesis state machine class
    class Ledger(RuleBasedStateMachine):
        @initialize()
        def open(self):
            self.s = db_session
            self.users = [f.user(self.s).id for _ in range(2)]
            self.model = {u: {"pending": 0, "wallet": 0} for u in self.users}

        def _move(self, kind, who, amount, source, target):
            have = self.model[who][source] if source else None
            try:
                ledger.transfer(self.s, kind, who, amount)
                self.s.commit()
            except InsufficientPoints:
                self.s.rollback()
                assert have is not None
                assert have < amount
                return
            assert have is None or have >= amount
            if source:
                self.model[who][source] -= amount
            if target:
                self.model[who][target] += amount

        @rule(who=st.integers(0, 1), amount=amounts)
        def earn(self, who, amount):
            self._move(TransferKind.earn, self.users[who], amount, None, "pending")

        @rule(who=st.integers(0, 1), amount=amounts)
        def confirm(self, who, amount):
            self._move(TransferKind.confirm, self.users[who], amount, "pending", "wallet")

        @rule(who=st.integers(0, 1), amount=amounts)
        def reverse(self, who, amount):
            self._move(TransferKind.reverse, self.users[who], amount, "pending", None)

        @rule(who=st.integers(0, 1), amount=amounts)
        def redeem(self, who, amount):
            self._move(TransferKind.redeem, self.users[who], amount, "wallet", None)

        @rule(who=st.integers(0, 1))
        def expire_all(self, who):
            user = self.users[who]
            left = self.model[user]["wallet"]
            if left:
                self._move(TransferKind.expire, user, left, "wallet", None)

        @invariant()
        def agrees(self):
            if not hasattr(self, "s"):
                return
            for user, expected in self.model.items():
                got = ledger.balances(self.s, user)
                assert (got.pending, got.wallet) == (expected["pending"], expected["wallet"])
            assert ledger.violations(self.s) == []

    Ledger.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Ledger.TestCase().runTest()
