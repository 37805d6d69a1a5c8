"""A hypothesis state machine over reserve, expire, cancel and retire keeps every invariant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.orm import sessionmaker

from backend.core import uow
from backend.core.clock import utcnow
from backend.credits import checks, inventory
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import GRAMS_PER_TONNE, Lot, Project, ProjectType, Standard
from tests import factories as f

T = GRAMS_PER_TONNE
TTL = timedelta(minutes=30)
SIZES = (2, 3, 1)  # tonnes per lot


class InventoryMachine(RuleBasedStateMachine):
    """The model keeps each reservation's mass, state and deadline; the database must agree."""

    app: Any = None
    engine: Any = None
    reservations = Bundle("reservations")

    def __init__(self) -> None:
        super().__init__()
        self.conn = self.engine.connect()
        self.outer = self.conn.begin()
        self.factory = sessionmaker(
            bind=self.conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        self.using = self.app.extensions["db"].sessions_from(self.factory)
        self.using.__enter__()
        self.s = self.factory()
        p = Project(
            standard=Standard.CDCER,
            registry_id="SM-1",
            name_zh="状态机",
            name_en="state machine",
            type=ProjectType.forestry,
            methodology="m",
            country="CN",
            province="CN-SC",
        )
        self.s.add(p)
        self.s.flush()
        self.lots = []
        for i, tonnes in enumerate(SIZES):
            lot = new_lot(
                p,
                LotFields(
                    vintage=2020 + i,
                    first_unit=100_000 * (i + 1),
                    last_unit=100_000 * (i + 1) + tonnes - 1,
                    serial_range="sm",
                    acquisition_cost_fen=0,
                    price_fen_per_t=1000 + i,
                ),
            )
            self.s.add(lot)
            self.lots.append(lot)
        self.s.commit()
        self.prefs = inventory.Preferences(project_ids=(p.id,))
        self.now = utcnow()
        self.model: dict[int, dict] = {}

    def _held(self) -> int:
        return sum(r["mass"] for r in self.model.values() if r["status"] == "active")

    def _expired_held(self) -> int:
        return sum(
            r["mass"]
            for r in self.model.values()
            if r["status"] == "active" and r["expires"] <= self.now
        )

    def _allocated(self) -> int:
        return sum(r["mass"] for r in self.model.values() if r["status"] == "retired")

    def _available(self) -> int:
        return sum(SIZES) * T - self._held() - self._allocated()

    def _expire_model(self) -> None:
        for r in self.model.values():
            if r["status"] == "active" and r["expires"] <= self.now:
                r["status"] = "expired"

    @rule(target=reservations, mass=st.integers(1, 4 * T))
    def reserve(self, mass):
        try:
            r = f.reserve(self.s, self.prefs, mass, now=self.now, ttl=TTL)
        except inventory.InsufficientInventory:
            # it swept the expired holds before giving up, but the sweep is rolled back with
            # the refused hold's transaction: they stay held until a sweep that commits
            assert self._available() + self._expired_held() < mass
            return multiple()
        if self._available() < mass:
            self._expire_model()
        assert self._available() >= mass
        self.model[r.id] = {"mass": mass, "status": "active", "expires": self.now + TTL}
        return r.id

    @rule(r=reservations)
    def cancel(self, r):
        state = self.model[r]
        try:
            f.cancel(self.s, r, now=self.now)
        except inventory.ReservationClosed:
            assert state["status"] != "active"
            return
        assert state["status"] == "active"
        state["status"] = "cancelled"

    @rule(r=reservations)
    def retire(self, r):
        state = self.model[r]
        try:
            allocations = f.retire(self.s, r, now=self.now)
        except inventory.ReservationClosed:
            # a hold past its expiry is refused and stays held until the sweep releases it
            assert state["status"] != "active" or state["expires"] <= self.now
            return
        assert state["status"] == "active"
        assert state["expires"] > self.now
        assert sum(a.mass_g for a in allocations) == state["mass"]
        state["status"] = "retired"

    @rule(minutes=st.integers(1, 45))
    def wait(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule()
    def sweep(self):
        with uow.transaction(self.s):
            inventory.expire_due(self.s, self.now)
        self._expire_model()

    @invariant()
    def database_agrees(self):
        assert checks.violations(self.s) == []
        self.s.expire_all()
        lots = [self.s.get_one(Lot, lot.id) for lot in self.lots]
        assert sum(x.reserved_g for x in lots) == self._held()
        assert sum(x.allocated_g for x in lots) == self._allocated()
        assert sum(x.available_g for x in lots) == self._available()

    def teardown(self):
        result = self.app.test_cli_runner().invoke(args=["credits", "check"])
        assert result.exit_code == 0, result.output
        self.s.close()
        self.using.__exit__(None, None, None)
        self.outer.rollback()
        self.conn.close()


def test_inventory_state_machine(app, engine):
    InventoryMachine.app, InventoryMachine.engine = app, engine
    run_state_machine_as_test(
        InventoryMachine, settings=settings(max_examples=40, stateful_step_count=30, deadline=None)
    )
