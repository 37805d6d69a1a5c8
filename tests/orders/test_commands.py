"""`flask worker --once` and `flask orders reconcile|expire` do the background work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from backend.core.clock import utcnow
from backend.orders import settlement
from backend.orders.models import Order, OrderStatus
from tests import factories as f


def status(s, order_id: str) -> OrderStatus:
    s.expire_all()
    return s.get_one(Order, order_id).status


def test_the_worker_settles_captured_payments_and_expires_unpaid_orders(
    app, client, db_session, stock, buyer
):
    paid = f.place_order(client, buyer.token, mass_g=1000, preferences=stock.prefs)
    unpaid = f.place_order(client, buyer.token, mass_g=1000, preferences=stock.prefs)
    settlement.capture(db_session, paid["id"])  # the request died before retiring
    db_session.execute(
        update(Order)
        .where(Order.id == unpaid["id"])
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert status(db_session, paid["id"]) == OrderStatus.retired
    assert status(db_session, unpaid["id"]) == OrderStatus.expired


def test_reconcile_reports_what_it_repaired(app, client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=1000, preferences=stock.prefs)
    settlement.capture(db_session, order["id"])
    result = app.test_cli_runner().invoke(args=["orders", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "1 captured payments settled" in result.output
    assert status(db_session, order["id"]) == OrderStatus.retired


def test_expire_command_expires_due_orders(app, client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=1000, preferences=stock.prefs)
    db_session.execute(
        update(Order).where(Order.id == order["id"]).values(expires_at=utcnow() - timedelta(1))
    )
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert "Expired 1 unpaid orders" in result.output
    assert status(db_session, order["id"]) == OrderStatus.expired
