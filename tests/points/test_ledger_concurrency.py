"""On PostgreSQL: 20 parallel redemptions against one wallet never overspend it; 20 parallel
check-ins with one venue code count once."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from backend.accounts.models import User
from backend.core import uow
from backend.core.clock import utcnow
from backend.credits import checks, inventory
from backend.credits.models import Lot
from backend.points import earning, ledger, methodology, venues, wallet
from backend.points.ledger import InsufficientPoints
from backend.points.models import (
    ActionSource,
    GreenAction,
    TransferKind,
    VenueKind,
)
from tests import factories as f
from tests.concurrency import together

THREADS = 20


@pytest.fixture
def wallet_owner(committing) -> int:
    """A person with 10,000 confirmed points, really committed (removed by `committing`)."""
    with committing() as s:
        f.fund_points(s, 10_000)
        user_id = f.user(s).id
        ledger.transfer(s, TransferKind.earn, user_id, 10_000)
        ledger.transfer(s, TransferKind.confirm, user_id, 10_000)
        s.commit()
    return user_id


def test_twenty_parallel_redemptions_spend_exactly_what_is_there(committing, wallet_owner):
    def redeem(i: int) -> bool:
        with committing() as s, uow.transaction(s):
            ledger.transfer(s, TransferKind.redeem, wallet_owner, 700, reference=f"r{i}")
        return True

    results = together(THREADS, redeem)
    assert results.count(True) == 10_000 // 700  # 14: exactly the affordable ones
    assert all(r is True or isinstance(r, InsufficientPoints) for r in results)
    with committing() as s:
        assert ledger.balances(s, wallet_owner).wallet == 10_000 % 700
        assert ledger.violations(s) == []


def test_twenty_parallel_redemptions_through_the_service_retire_exactly_what_is_paid(
    app, committing, wallet_owner
):
    """The whole use case: hold credits, spend points, allocate, certify; 14 of 20 fit."""
    with committing() as s:
        project = f.project(s, standard="CDCER")
        lot = f.lot(s, project, 1, price=1290)
        ids = (project.id, lot.id)
    issuer = app.extensions["certificate_issuer"]

    request = wallet.RedemptionRequest(
        points=700,
        preferences=inventory.Preferences(project_ids=(ids[0],)),
        beneficiary="并发测试",
    )

    def redeem(_i: int) -> str:
        with committing() as s, uow.transaction(s):
            owner = s.get_one(User, wallet_owner)
            return wallet.redeem(s, owner, issuer, methodology.load(), request).certificate_number

    results = together(THREADS, redeem)
    numbers = [r for r in results if isinstance(r, str)]
    assert len(numbers) == 14, results
    assert len(set(numbers)) == 14
    with committing() as s:
        assert ledger.balances(s, wallet_owner).wallet == 200
        assert s.get_one(Lot, ids[1]).allocated_g == 14 * 700
        assert s.get_one(Lot, ids[1]).reserved_g == 0
        assert ledger.violations(s) == []
        assert checks.violations(s) == []


def test_batches_and_reversals_at_once_never_deadlock(committing):
    """Earning locks each person's pending account in user order; reversals follow the same
    order, and no system row is locked, so concurrent batches and reversals never deadlock."""
    with committing() as s:
        f.fund_points(s)
        partner = f.organisation(s, name="并发伙伴").id
        users = [f.user(s).id for _ in range(12)]
    m = methodology.load()
    errors: list[BaseException] = []
    stop = threading.Event()

    def earner(k: int) -> None:
        for n in range(15):
            now = utcnow()
            reports = [
                earning.Reported(
                    user_id=u,
                    type="walk",  # 0.8 km instead of a bus: 9 points, as 300 steps were
                    units=Decimal("0.8"),
                    started_at=now - timedelta(hours=1),
                    ended_at=now - timedelta(minutes=50),
                    replaces="bus",
                    external_id=f"dl-{k}-{n}-{u}",
                )
                for u in (users if k % 2 else list(reversed(users)))
            ]
            with committing() as s:
                try:
                    with uow.transaction(s):
                        earning.earn(s, reports, m, source=ActionSource.partner, partner_id=partner)
                except Exception as exc:
                    errors.append(exc)
        stop.set()

    def reverser() -> None:
        while not stop.is_set():
            with committing() as s:
                ext = list(
                    s.scalars(
                        select(GreenAction.external_id)
                        .where(GreenAction.partner_id == partner, GreenAction.status == "pending")
                        .limit(8)
                    )
                )
                s.rollback()
                try:
                    with uow.transaction(s):
                        earning.reverse(s, partner, [e for e in ext if e][::-1])
                except Exception as exc:
                    errors.append(exc)

    threads = [threading.Thread(target=earner, args=(k,)) for k in range(2)]
    threads += [threading.Thread(target=reverser) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with committing() as s:
        assert ledger.violations(s) == []


def test_twenty_parallel_check_ins_with_one_code_count_once(app, committing):
    """A venue-day counts once (the partial UNIQUE index on trip_key): 20 posts of one code at
    once earn 20 points once; the others are duplicates."""
    key, n = app.config["SECRET_KEY"], app.config["POINTS_VENUE_WINDOW_SECONDS"]
    with committing() as s:
        f.fund_points(s, 10_000)
        user_id = f.user(s).id
        org = f.organisation(s, name="锦城公园运营")
        venue = venues.create(
            s, key, org.id, name_zh="锦城公园", name_en="Jincheng Park", kind=VenueKind.park
        )
        url = venues.current_code(venue, key, "http://x", n).url
        s.commit()

    def check_in(_i: int) -> str:
        with committing() as s, uow.transaction(s):
            where = venues.verify(s, key, url, n)
            return earning.check_in(s, user_id, where.id, methodology.load()).results[0].status

    results = together(THREADS, check_in)
    assert sorted(results) == ["accepted"] + ["duplicate"] * (THREADS - 1), results
    with committing() as s:
        held = ledger.balances(s, user_id)
        assert (held.wallet, held.pending) == (20, 0)  # 2026.2 confirms a check-in at once
        assert ledger.violations(s) == []
