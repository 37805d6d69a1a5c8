"""On PostgreSQL, through the real API with real commits: identical requests at once make one
order, one footprint gets one live order (on its own or as a part of an event), and settlement
from every path at once retires once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.core.jobs import queue
from backend.core.jobs.models import Job
from backend.credits import checks
from backend.credits.models import Allocation, Lot, Unit
from backend.footprint.models import FootprintClaim
from backend.orders import reconcile
from backend.orders.models import Order, OrderStatus
from backend.payments.sandbox import SandboxProvider
from tests import factories as f
from tests.concurrency import together

T = 1_000_000
THREADS = 8


@dataclass
class Live:
    app: Flask
    sessions: sessionmaker[Session]
    token: str
    user_id: int
    project_id: int
    lot_id: int
    jobs: list[int] = field(default_factory=list)

    @property
    def prefs(self) -> dict[str, list[int]]:
        return {"project_ids": [self.project_id]}


@pytest.fixture
def live(app, engine, committing) -> Iterator[Live]:
    """The app on real, committing sessions (everything made is deleted by `committing`)."""
    using = app.extensions["db"].sessions_from(committing)
    using.__enter__()
    with committing() as s:
        p = f.project(s)
        lot = f.lot(s, p, 100, price=5000)
        u = f.user(s)
        ids = (p.id, lot.id, u.id, u.phone)
    token = f.sign_in(app.test_client(), ids[3])
    state = Live(app, committing, token, ids[2], ids[0], ids[1])
    try:
        yield state
    finally:
        using.__exit__(None, None, None)


def post_order(live: Live, body: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
    resp = live.app.test_client().post(
        "/api/v1/orders", json=body, headers=f.order_headers(live.token, key)
    )
    return resp.status_code, resp.get_json()


def lot_grams(live: Live) -> tuple[int, int, int]:
    with live.sessions() as s:
        lot = s.get_one(Lot, live.lot_id)
        return lot.available_g, lot.reserved_g, lot.allocated_g


def test_identical_requests_at_once_create_one_order(live):
    key = str(uuid.uuid4())
    body = {"mass_g": T, "beneficiary": "张三", "preferences": live.prefs}
    results = together(THREADS, lambda _i: post_order(live, body, key))
    statuses = sorted(code for code, _ in results)
    assert set(statuses) <= {201, 409}, results
    assert 201 in statuses
    created = {out["id"] for code, out in results if code == 201}
    assert len(created) == 1
    with live.sessions() as s:
        assert s.scalar(select(func.count()).where(Order.user_id == live.user_id)) == 1
    assert lot_grams(live) == (99 * T, T, 0)


def test_one_footprint_gets_one_live_order_however_many_race(live):
    client = live.app.test_client()
    fp = client.post(
        "/api/v1/footprints",
        json={"kind": "meeting", "meeting": {"attendees": 20}},
        headers=f.bearer(live.token),
    ).get_json()
    body = {"footprint_id": fp["id"], "beneficiary": "张三", "preferences": live.prefs}
    results = together(THREADS, lambda _i: post_order(live, body, str(uuid.uuid4())))
    codes = [code for code, _ in results]
    assert codes.count(201) == 1, results
    assert all(code == 409 for code in codes if code != 201)
    assert lot_grams(live) == (100 * T - fp["mass_g"], fp["mass_g"], 0)


def make_footprint(live: Live, body: dict[str, Any]) -> dict[str, Any]:
    resp = live.app.test_client().post(
        "/api/v1/footprints", json=body, headers=f.bearer(live.token)
    )
    assert resp.status_code == 201, resp.get_json()
    out: dict[str, Any] = resp.get_json()
    return out


@pytest.mark.parametrize("depth", [1, 2])
def test_an_event_and_its_part_ordered_at_once_make_one_order(live, depth):
    part = make_footprint(live, {"kind": "meeting", "meeting": {"attendees": 20}})["id"]
    flight = make_footprint(live, {"kind": "flight", "flight": {"from": "CTU", "to": "PEK"}})["id"]
    within, top = {part, flight}, [part, flight]
    for level in range(depth):  # the part sits `depth` events down
        event = {"kind": "event", "event": {"name": f"第{level}层", "footprints": top}}
        top = [make_footprint(live, event)["id"]]
        within.add(top[0])
    wanted = [top[0], part]

    def order(i: int) -> tuple[int, dict[str, Any]]:
        body = {"footprint_id": wanted[i % 2], "beneficiary": "张三", "preferences": live.prefs}
        return post_order(live, body, str(uuid.uuid4()))

    results = together(THREADS, order)
    won = [out for code, out in results if code == 201]
    assert len(won) == 1, results
    assert {code for code, _ in results} == {201, 409}
    assert {out["type"] for code, out in results if code == 409} <= {
        "/problems/already-neutralised",
        "/problems/component-already-neutralised",
        "/problems/in-neutralised-event",
    }
    with live.sessions() as s:
        claims = dict(
            s.execute(select(FootprintClaim.footprint_id, FootprintClaim.reference)).all()
        )
    covered = within if won[0]["footprint_id"] == top[0] else {part}
    assert claims == dict.fromkeys(covered, won[0]["id"])
    assert lot_grams(live) == (100 * T - won[0]["mass_g"], won[0]["mass_g"], 0)


def test_settling_from_every_path_at_once_retires_once(live):
    code, order = post_order(
        live, {"mass_g": 3 * T, "beneficiary": "张三", "preferences": live.prefs}, "settle"
    )
    assert code == 201
    ctx = SandboxProvider()

    def path(i: int) -> Any:
        if i % 2:
            return (
                live.app.test_client()
                .post(
                    f"/api/v1/orders/{order['id']}/confirm", json={}, headers=f.bearer(live.token)
                )
                .status_code
            )
        with live.sessions() as s:
            return reconcile.reconcile(s, {ctx.name: ctx}).failed

    results = together(THREADS, path)
    assert not [r for r in results if isinstance(r, Exception)], results
    with live.sessions() as s:
        assert s.get_one(Order, order["id"]).status == OrderStatus.retired
        allocated = s.scalar(
            select(func.sum(Allocation.gram_end - Allocation.gram_start))
            .join(Unit, Unit.id == Allocation.unit_id)
            .where(Unit.lot_id == live.lot_id)
        )
        assert allocated == 3 * T
        assert checks.violations(s) == []
    assert lot_grams(live) == (97 * T, 0, 3 * T)


def test_workers_never_lease_the_same_job(live):
    with live.sessions() as s:
        for i in range(60):
            queue.enqueue(s, "test.noop", f"lease-{i}")
        s.commit()
        live.jobs += list(s.scalars(select(Job.id).where(Job.kind == "test.noop")))

    def lease(_i: int) -> list[int]:
        with live.sessions() as s:
            return [job.id for job in queue.lease(s, limit=10) if job.kind == "test.noop"]

    results = together(THREADS, lease)
    taken = [job for batch in results for job in batch]
    assert len(taken) == len(set(taken)) == min(60, THREADS * 10)


def test_one_persons_orders_at_once_stay_within_the_unpaid_cap(live, monkeypatch):
    monkeypatch.setitem(live.app.config, "ORDER_UNPAID_MAX_COUNT", 2)
    body = {"mass_g": T, "beneficiary": "张三", "preferences": live.prefs}
    results = together(THREADS, lambda _i: post_order(live, body, str(uuid.uuid4())))
    codes = sorted(code for code, _ in results)
    assert codes == [201, 201] + [409] * (THREADS - 2), results
    assert {out["type"] for code, out in results if code == 409} == {
        "/problems/too-many-unpaid-orders"
    }
    assert lot_grams(live) == (98 * T, 2 * T, 0)
