"""A hypothesis state machine over earn, confirm, reverse, redeem and expire: every balance
matches a model, none goes negative, and the ledger's own check holds after each step."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy.orm import Session

from backend.core import uow
from backend.points import ledger
from backend.points.ledger import InsufficientPoints
from backend.points.models import TransferKind
from tests import factories as f

amounts = st.integers(1, 5_000)
people = st.integers(0, 1)


class LedgerMachine(RuleBasedStateMachine):
    """Two people's pending and wallet accounts against a model of what they should hold."""

    s: Session  # the test's session, given by a subclass

    def __init__(self) -> None:
        super().__init__()
        self.users = [f.user(self.s).id for _ in range(2)]
        self.model = {u: {"pending": 0, "wallet": 0} for u in self.users}

    def _move(
        self, kind: TransferKind, who: int, amount: int, source: str | None, target: str | None
    ) -> None:
        have = self.model[who][source] if source else None
        try:
            with uow.savepoint(self.s):  # a refused transfer leaves nothing behind
                ledger.transfer(self.s, kind, who, amount)
        except InsufficientPoints:
            assert have is not None
            assert have < amount
            return
        assert have is None or have >= amount
        if source:
            self.model[who][source] -= amount
        if target:
            self.model[who][target] += amount

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

    @invariant()
    def agrees(self) -> None:
        for user, expected in self.model.items():
            got = ledger.balances(self.s, user)
            assert (got.pending, got.wallet) == (expected["pending"], expected["wallet"])
        assert ledger.violations(self.s) == []


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
