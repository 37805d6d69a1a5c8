"""Money is never kept without credits retired, or else refunded: late payments, crashes
between payment and retirement, the outbox job and the reconciler."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.core.clock import utcnow
from backend.core.jobs import queue
from backend.core.jobs.models import Job
from backend.credits import checks, inventory
from backend.orders import reconcile, services, settlement
from backend.orders.models import Order, OrderStatus
from backend.payments.models import Payment, PaymentStatus
from backend.payments.sandbox import SandboxProvider
from backend.worker import handlers
from tests import factories as f
from tests.factories import grams

T = 1_000_000


@pytest.fixture
def ctx(app) -> SandboxProvider:
    return SandboxProvider()


def status(s, order_id: str) -> OrderStatus:
    s.expire_all()
    return s.get_one(Order, order_id).status


def payment(s, order_id: str) -> Payment:
    s.expire_all()
    return s.scalars(select(Payment).where(Payment.order_id == order_id)).one()


def expire(s, order_id: str) -> None:
    assert services.expire_due(s, utcnow() + timedelta(minutes=31)) >= 1
    assert status(s, order_id) == OrderStatus.expired


def test_a_late_payment_is_reserved_again_and_retired(app, ctx, client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    expire(db_session, order["id"])
    settlement.capture(db_session, order["id"])
    with app.app_context():
        settlement.settle(db_session, order["id"], ctx)
    assert status(db_session, order["id"]) == OrderStatus.retired
    assert grams(db_session, stock.lot) == (99 * T, 0, T)
    assert checks.violations(db_session) == []


def test_a_late_payment_with_no_credits_left_is_refunded(
    app, ctx, client, db_session, stock, buyer
):
    order = f.place_order(client, buyer.token, mass_g=60 * T, preferences=stock.prefs)
    expire(db_session, order["id"])
    f.place_order(client, buyer.token, mass_g=50 * T, preferences=stock.prefs)  # takes the rest
    settlement.capture(db_session, order["id"])
    with app.app_context():
        settlement.settle(db_session, order["id"], ctx)
    assert status(db_session, order["id"]) == OrderStatus.refunded
    paid = payment(db_session, order["id"])
    assert paid.status == PaymentStatus.refunded
    assert (paid.refund_reference or "").startswith("sbx_re_")
    assert grams(db_session, stock.lot) == (50 * T, 50 * T, 0)


def test_a_payment_for_a_cancelled_order_is_refunded(app, ctx, client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    client.post(f"/api/v1/orders/{order['id']}/cancel", headers=f.bearer(buyer.token))
    settlement.capture(db_session, order["id"])
    with app.app_context():
        settlement.settle(db_session, order["id"], ctx)
    assert status(db_session, order["id"]) == OrderStatus.refunded
    assert grams(db_session, stock.lot) == (100 * T, 0, 0)


def test_a_crash_while_confirming_writes_nothing_and_a_retry_retires(
    client, db_session, stock, buyer, monkeypatch
):
    """The sandbox payment is one unit of work: a crash between recording the payment and
    retiring the credits leaves the order unpaid with its hold, and confirming again retires."""
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)

    def crash(*_args, **_kw):
        raise RuntimeError("power cut between payment and retirement")

    monkeypatch.setattr(inventory, "allocate", crash)
    confirm = f"/api/v1/orders/{order['id']}/confirm"
    assert client.post(confirm, json={}, headers=f.bearer(buyer.token)).status_code == 500
    assert status(db_session, order["id"]) == OrderStatus.awaiting_payment
    assert payment(db_session, order["id"]).status == PaymentStatus.pending
    assert grams(db_session, stock.lot) == (99 * T, T, 0)
    monkeypatch.undo()
    again = client.post(confirm, json={}, headers=f.bearer(buyer.token))
    assert again.get_json()["status"] == "retired"
    assert grams(db_session, stock.lot) == (99 * T, 0, T)
    assert checks.violations(db_session) == []


def test_the_outbox_job_settles_a_payment_the_request_did_not(
    app, client, db_session, stock, buyer, monkeypatch
):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    settlement.capture(db_session, order["id"])  # the request stops here
    job = db_session.scalars(select(Job).where(Job.ref == order["id"])).one()
    assert job.kind == settlement.SETTLE_JOB
    assert job.done_at is None
    with app.app_context():
        ran = queue.run_due(db_session, handlers())
    assert ran >= 1
    assert status(db_session, order["id"]) == OrderStatus.retired
    db_session.expire_all()
    assert db_session.get_one(Job, job.id).done_at is not None


def test_a_failing_job_is_retried_with_backoff_then_left_for_operators(db_session):
    queue.enqueue(db_session, "nothing.handles.this", "x", max_attempts=2)
    db_session.commit()
    now = utcnow()
    assert queue.run_due(db_session, {}, now) == 1
    job = db_session.scalars(select(Job).where(Job.kind == "nothing.handles.this")).one()
    db_session.refresh(job)
    assert job.attempts == 1
    assert job.done_at is None
    assert "no handler" in job.last_error
    assert queue.run_due(db_session, {}, now) == 0  # not due yet: backing off
    assert queue.run_due(db_session, {}, job.run_at + timedelta(seconds=1)) == 1
    assert queue.run_due(db_session, {}, job.run_at + timedelta(days=1)) == 0
    assert [j.id for j in queue.stuck(db_session)] == [job.id]


def test_settling_is_idempotent_from_every_path(app, ctx, client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    settlement.capture(db_session, order["id"])
    for _ in range(3):
        settlement.capture(db_session, order["id"])
        with app.app_context():
            settlement.settle(db_session, order["id"], ctx)
    with app.app_context():
        reconcile.reconcile(db_session, {ctx.name: ctx})
    assert status(db_session, order["id"]) == OrderStatus.retired
    assert grams(db_session, stock.lot) == (99 * T, 0, T)


def test_an_order_whose_payment_never_started_is_cancelled(
    app, ctx, client, db_session, stock, buyer
):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    db_session.execute(
        update(Payment)
        .where(Payment.order_id == order["id"])
        .values(reference=None, created_at=utcnow() - timedelta(minutes=10))
    )
    db_session.commit()
    with app.app_context():
        assert reconcile.reconcile(db_session, {ctx.name: ctx}).abandoned == 1
    assert status(db_session, order["id"]) == OrderStatus.cancelled
    assert grams(db_session, stock.lot) == (100 * T, 0, 0)


@pytest.mark.parametrize("flow", ["refund", "retire"])
def test_a_refund_at_the_provider_is_recorded(app, ctx, client, db_session, stock, buyer, flow):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    settlement.capture(db_session, order["id"])
    if flow == "retire":
        with app.app_context():
            settlement.settle(db_session, order["id"], ctx)
    with app.app_context():
        settlement.mark_refunded(db_session, order["id"], "refunded at the provider", utcnow())
    assert status(db_session, order["id"]) == OrderStatus.refunded
    # retired credits stay retired; held ones go back
    expected = (99 * T, 0, T) if flow == "retire" else (100 * T, 0, 0)
    assert grams(db_session, stock.lot) == expected
