"""The order's states: paid then retired, cancelled, expired, and the transitions refused."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import func, select

from backend.core.clock import utcnow
from backend.credits import checks
from backend.credits.models import Allocation
from backend.orders import services
from backend.orders.models import Order, OrderStatus
from backend.orders.states import TRANSITIONS, IllegalTransition, transition
from backend.payments.providers import Rails
from backend.payments.stripe_gateway import StripeProvider
from tests import factories as f
from tests.core.test_messages import LATIN_WORD
from tests.factories import grams

T = 1_000_000
STATUS, PAID = "orders.status.cancelled", "orders.status.paid"


def confirm(client, token, order_id, **body):
    return client.post(f"/api/v1/orders/{order_id}/confirm", json=body, headers=f.bearer(token))


def test_a_sandbox_payment_retires_the_credits_at_once(client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=2_500_000, preferences=stock.prefs)
    resp = confirm(client, buyer.token, order["id"])
    assert resp.status_code == 200
    done = resp.get_json()
    assert done["status"] == "retired"
    assert done["payment"]["status"] == "succeeded"
    assert done["payment"]["instructions"] == {}
    assert [e["to_status"] for e in done["events"]] == ["awaiting_payment", "paid", "retired"]
    allocated = db_session.scalar(
        select(func.sum(Allocation.gram_end - Allocation.gram_start)).where(
            Allocation.reservation_id == db_session.get(Order, order["id"]).reservation_id
        )
    )
    assert allocated == 2_500_000
    assert grams(db_session, stock.lot) == (100 * T - 2_500_000, 0, 2_500_000)
    assert checks.violations(db_session) == []


def test_confirming_twice_changes_nothing(client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    confirm(client, buyer.token, order["id"])
    again = confirm(client, buyer.token, order["id"])
    assert again.status_code == 200
    assert again.get_json()["status"] == "retired"
    assert grams(db_session, stock.lot) == (99 * T, 0, T)


def test_a_declined_sandbox_payment_leaves_the_order_payable(client, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    declined = confirm(client, buyer.token, order["id"], outcome="declined").get_json()
    assert declined["status"] == "awaiting_payment"
    assert "declined" in declined["payment"]["last_error"]
    assert confirm(client, buyer.token, order["id"]).get_json()["status"] == "retired"


def test_reasons_and_refusals_are_worded_in_chinese(client, stock, buyer):
    zh = {**f.bearer(buyer.token), "Accept-Language": "zh-CN"}
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    confirm(client, buyer.token, order["id"], outcome="declined")
    url = f"/api/v1/orders/{order['id']}"
    cancelled = client.post(f"{url}/cancel", headers=zh).get_json()
    assert cancelled["events"][-1]["reason"] == "客户取消了订单"
    assert cancelled["payment"]["last_error"] == "演示模式：付款被拒绝。"
    english = client.get(url, headers=f.bearer(buyer.token)).get_json()
    assert english["events"][-1]["reason"] == "cancelled by the customer"
    refused = client.post(f"{url}/confirm", json={}, headers=zh).get_json()
    assert refused["title"] == "订单当前不能这样操作"
    assert refused["detail"] == f"订单 {order['id']} 当前已取消，不能改为已付款。"
    assert refused["params"] == {"order_id": order["id"], "status": STATUS, "to": PAID}
    both = {"mass_g": T, "amount": 100, "beneficiary": "张三"}
    resp = client.post("/api/v1/orders", json=both, headers={**f.order_headers(buyer.token), **zh})
    (error,) = resp.get_json()["errors"]
    assert error["detail"] == "碳足迹、质量和金额三项中请只填写一项。"
    assert not LATIN_WORD.search(cancelled["events"][-1]["reason"] + error["detail"])


def test_cancelling_releases_the_credits_and_is_repeatable(client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    url = f"/api/v1/orders/{order['id']}/cancel"
    first = client.post(url, headers=f.bearer(buyer.token))
    assert first.get_json()["status"] == "cancelled"
    assert first.get_json()["payment"]["status"] == "cancelled"
    assert grams(db_session, stock.lot) == (100 * T, 0, 0)
    assert client.post(url, headers=f.bearer(buyer.token)).status_code == 200
    refused = confirm(client, buyer.token, order["id"])
    assert refused.status_code == 409
    assert refused.get_json()["status_now"] == "cancelled"


def test_a_retired_order_cannot_be_cancelled(client, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    confirm(client, buyer.token, order["id"])
    resp = client.post(f"/api/v1/orders/{order['id']}/cancel", headers=f.bearer(buyer.token))
    assert resp.status_code == 409
    assert resp.get_json()["type"].endswith("illegal-transition")


def test_unpaid_orders_expire_and_release_their_credits(client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    assert services.expire_due(db_session, utcnow()) == 0
    later = utcnow() + timedelta(minutes=31)
    assert services.expire_due(db_session, later) == 1
    assert db_session.get(Order, order["id"]).status == OrderStatus.expired
    assert grams(db_session, stock.lot) == (100 * T, 0, 0)
    assert confirm(client, buyer.token, order["id"]).status_code == 409


def test_the_sandbox_confirm_is_off_when_stripe_is_configured(app, client, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    sandbox = app.extensions["payments"]
    app.extensions["payments"] = Rails(
        [StripeProvider("sk_test_x", "pk_test_x", "whsec_x", minimum_amount=1)]
    )
    try:
        resp = confirm(client, buyer.token, order["id"])
    finally:
        app.extensions["payments"] = sandbox
    assert resp.status_code == 403
    assert resp.get_json()["type"].endswith("sandbox-disabled")


@pytest.mark.parametrize(("start", "to"), list(product(OrderStatus, OrderStatus)))
def test_every_transition_is_allowed_or_refused_in_one_place(db_session, start, to):
    now = utcnow()
    order = Order(
        id=f"ord_t_{start.value}_{to.value}",
        status=start,
        mass_g=1,
        credits_amount=1,
        fee_amount=0,
        amount=1,
        currency="CNY",
        lines="[]",
        preferences=json.dumps({}),
        beneficiary="x",
        provider="sandbox",
        expires_at=now,
    )
    db_session.add(order)
    db_session.commit()
    if to in TRANSITIONS[start]:
        assert transition(db_session, order.id, to, now, "test") == start
        db_session.commit()
        db_session.refresh(order)
        assert order.status == to
    else:
        with pytest.raises(IllegalTransition):
            transition(db_session, order.id, to, now, "test")
