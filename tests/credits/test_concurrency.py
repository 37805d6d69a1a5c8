"""On PostgreSQL: many clients racing for the same grams never oversell or double-allocate."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.core import uow
from backend.core.db import IMMEDIATE
from backend.core.errors import DomainError
from backend.credits import checks, inventory, registry
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import (
    GRAMS_PER_TONNE,
    Allocation,
    Lot,
    Project,
    ProjectType,
    RegistryRetirement,
    Standard,
    Unit,
)
from tests import factories as f
from tests.concurrency import leaving_no_trace

T = GRAMS_PER_TONNE


def race(factory: sessionmaker[Session], jobs: list[Callable[[Session], Any]]) -> list[Any]:
    """Run every job in its own thread and session, released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        with factory() as s:
            barrier.wait()
            try:
                with uow.transaction(s):
                    results[i] = jobs[i](s)
            except Exception as exc:
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def writers(engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit, on either database (on SQLite they begin with BEGIN
    IMMEDIATE, as the app's writer sessions do); what they commit is deleted afterwards."""
    with leaving_no_trace(engine):
        yield sessionmaker(engine.execution_options(**{IMMEDIATE: True}), expire_on_commit=False)


@pytest.fixture
def fresh_project(writers) -> Callable[[int, int], tuple[Project, Lot]]:
    """Make committed projects with one lot each."""

    def make(tonnes: int, first_unit: int) -> tuple[Project, Lot]:
        with writers() as s:
            p = Project(
                standard=Standard.CCER,
                registry_id=f"RACE-{first_unit}",
                name_zh="竞争",
                name_en="race",
                type=ProjectType.hydro,
                methodology="CM-001",
                country="CN",
                province="CN-SC",
            )
            s.add(p)
            s.flush()
            lot = new_lot(
                p,
                LotFields(
                    vintage=2020,
                    first_unit=first_unit,
                    last_unit=first_unit + tonnes - 1,
                    serial_range="race",
                    acquisition_cost_fen=0,
                    price_fen_per_t=100,
                ),
            )
            s.add(lot)
            s.commit()
            return p, lot

    return make


def test_clients_race_on_either_database(writers, fresh_project):
    """On SQLite too (BEGIN IMMEDIATE): twelve clients, ten tonnes, nothing oversold."""
    project, lot = fresh_project(10, 950_000_000)
    prefs = inventory.Preferences(project_ids=(project.id,))
    sizes = [random.Random(7).randint(1, 3) * T for _ in range(12)]

    def buy(size: int) -> Callable[[Session], int]:
        def job(s: Session) -> int:
            return sum(a.mass_g for a in f.retire(s, f.reserve(s, prefs, size).id))

        return job

    results = race(writers, [buy(n) for n in sizes])
    assert all(isinstance(r, int | inventory.InsufficientInventory) for r in results), results
    with writers() as s:
        final = s.get(Lot, lot.id)
        assert final.allocated_g == sum(r for r in results if isinstance(r, int))
        assert final.allocated_g + final.available_g == 10 * T
        assert checks.violations(s) == []


@pytest.mark.parametrize("seed", range(20))
def test_fifty_clients_race_for_the_last_hundred_tonnes(committing, fresh_project, seed):
    rng = random.Random(seed)
    project, lot = fresh_project(100, 1_000_000 * (seed + 1))
    prefs = inventory.Preferences(project_ids=(project.id,))
    sizes = [rng.randint(1, 5) * T for _ in range(50)]

    def buy(size: int) -> Callable[[Session], int]:
        def job(s: Session) -> int:
            held = f.reserve(s, prefs, size)
            return sum(a.mass_g for a in f.retire(s, held.id))

        return job

    results = race(committing, [buy(n) for n in sizes])
    won = [r for r in results if isinstance(r, int)]
    lost = [(n, r) for n, r in zip(sizes, results, strict=True) if not isinstance(r, int)]
    assert all(isinstance(r, inventory.InsufficientInventory) for _, r in lost), lost
    with committing() as s:
        final = s.get(Lot, lot.id)
        assert final.reserved_g == 0
        assert final.allocated_g == sum(won)
        assert final.allocated_g + final.available_g == 100 * T
        if lost:  # nobody was refused while enough was left for them
            assert final.available_g < min(n for n, _ in lost)
        assert checks.violations(s) == []
        grams = s.execute(
            select(Allocation.unit_id, Allocation.gram_start, Allocation.gram_end)
            .join(Unit)
            .where(Unit.lot_id == lot.id)
        ).all()
    seen: set[tuple[int, int]] = set()
    for unit_id, start, end in grams:  # no gram of any unit twice, checked in Python too
        for chunk in range(start // 1000, (end - 1) // 1000 + 1):
            assert (unit_id, chunk) not in seen
            seen.add((unit_id, chunk))


def test_overlapping_registry_retirements_one_wins(committing, fresh_project):
    _, lot = fresh_project(10, 900_000_000)
    with committing() as s:
        held = f.reserve(s, inventory.Preferences(project_ids=(lot.project_id,)), 3 * T)
        f.retire(s, held.id)
    first, last = lot.first_unit, lot.first_unit + 2

    def claim(ref: str) -> Callable[[Session], Any]:
        def job(s: Session) -> Any:
            return registry.record(
                s,
                standard=Standard.CCER,
                registry_ref=ref,
                retired_on=datetime(2026, 11, 1, tzinfo=UTC),
                note="",
                ranges=[(lot.id, first, last)],
            )

        return job

    at_once = race(committing, [claim(f"REG-{i}") for i in range(8)])
    winners = [r for r in at_once if isinstance(r, RegistryRetirement)]
    assert len(winners) == 1
    assert all(isinstance(r, DomainError) and r.status == 409 for r in at_once if r not in winners)
    with committing() as s:
        later = claim("REG-later")
        with pytest.raises(registry.AlreadyRetired):
            later(s)
        units = s.scalars(select(Unit).where(Unit.lot_id == lot.id)).all()
        assert {u.retirement_id for u in units} == {winners[0].id}
