"""What a case still needs is a bound the database keeps (issue 16, hole 11), and a judicial
purchase is never starved by unpaid consumer holds (hole 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from backend.core.clock import utcnow
from backend.courts.models import CourtCase, Defendant
from backend.orders import reasons, services, settlement
from backend.orders.models import Order, OrderEvent, OrderStatus
from backend.payments.sandbox import SandboxProvider
from tests import factories as f

T = 1_000_000


def buy(client, token, link, **body):
    return client.post(
        f"/api/v1/court-purchases/{link}/orders", json=body, headers=f.order_headers(token)
    )


def link_of(defendant) -> str:
    return defendant["purchase_url"].rsplit("/", 1)[1]


def ordered(s, model, ident) -> int:
    s.expire_all()
    return s.get_one(model, ident).ordered_g


def test_the_database_refuses_ordering_past_a_defendants_limit(db_session, client, courts, staff):
    case = f.open_case(client, staff.clerk, courts.basic.id, mass_basis="per_defendant", mass_g=T)
    d = case["defendants"][0]["id"]
    with pytest.raises(IntegrityError):
        db_session.execute(update(Defendant).where(Defendant.id == d).values(ordered_g=T + 1))
    db_session.rollback()


def test_the_database_refuses_ordering_past_a_cases_total(db_session, client, courts, staff):
    case = f.open_case(client, staff.clerk, courts.basic.id, mass_g=T)  # total, six defendants
    past = update(CourtCase).where(CourtCase.id == case["id"]).values(ordered_g=T + 1)
    with pytest.raises(IntegrityError):
        db_session.execute(past)
    db_session.rollback()


def test_orders_count_while_live_and_stop_counting_when_cancelled(
    client, db_session, courts, staff, forestry, buyer
):
    case = f.open_case(client, staff.clerk, courts.basic.id, mass_g=2 * T)
    link = link_of(case["defendants"][0])
    first = buy(client, buyer.token, link, mass_g=2 * T).get_json()
    assert ordered(db_session, CourtCase, case["id"]) == 2 * T
    assert buy(client, buyer.token, link, mass_g=T).status_code == 409  # nothing left
    client.post(f"/api/v1/orders/{first['id']}/cancel", headers=f.bearer(buyer.token))
    assert ordered(db_session, CourtCase, case["id"]) == 0
    again = buy(client, buyer.token, link, mass_g=2 * T)
    assert again.status_code == 201, again.get_json()


def test_a_judicial_purchase_expires_unpaid_consumer_holds_it_needs(
    app, client, db_session, courts, staff, forestry, buyer, monkeypatch
):
    monkeypatch.setitem(app.config, "ORDER_UNPAID_MAX_MASS_G", 1000 * T)
    hoarder = f.place_order(client, buyer.token, mass_g=100 * T, preferences=forestry.prefs)
    assert f.grams(db_session, forestry.lot) == (0, 100 * T, 0)
    case = f.open_case(client, staff.clerk, courts.basic.id, mass_g=3 * T)
    family = f.sign_in(client, f.user(db_session, "家属").phone)
    resp = buy(client, family, link_of(case["defendants"][0]))
    assert resp.status_code == 201, resp.get_json()
    db_session.expire_all()
    assert db_session.get_one(Order, hoarder["id"]).status.value == "expired"
    reasons = [e.reason for e in db_session.query(OrderEvent).filter_by(order_id=hoarder["id"])]
    assert "orders.reason.for_a_court" in reasons
    assert f.grams(db_session, forestry.lot) == (97 * T, 3 * T, 0)


def test_a_consumer_purchase_never_takes_another_consumers_hold(
    app, client, db_session, forestry, buyer, monkeypatch
):
    monkeypatch.setitem(app.config, "ORDER_UNPAID_MAX_MASS_G", 1000 * T)
    f.place_order(client, buyer.token, mass_g=100 * T, preferences=forestry.prefs)
    other = f.sign_in(client, f.user(db_session).phone)
    resp = client.post(
        "/api/v1/orders",
        json={"mass_g": T, "beneficiary": "李四", "preferences": forestry.prefs},
        headers=f.order_headers(other),
    )
    assert resp.status_code == 409
    assert resp.get_json()["type"] == "/problems/insufficient-inventory"


def test_a_late_payment_the_case_no_longer_needs_is_refunded(
    app, client, db_session, courts, staff, forestry, buyer
):
    """An expired order stops counting, someone else buys what the case needed, then the first
    payment arrives: courts refuse the retirement, the money goes back, no certificate."""
    case = f.open_case(client, staff.clerk, courts.basic.id, mass_g=2 * T)
    link = link_of(case["defendants"][0])
    first = buy(client, buyer.token, link, mass_g=2 * T).get_json()
    assert services.expire_due(db_session, utcnow() + timedelta(minutes=31)) == 1
    db_session.commit()
    f.run_event_jobs(app, db_session)
    assert ordered(db_session, CourtCase, case["id"]) == 0
    other = f.sign_in(client, f.user(db_session, "家属乙").phone)
    second = buy(client, other, link, mass_g=2 * T).get_json()
    client.post(f"/api/v1/orders/{second['id']}/confirm", json={}, headers=f.bearer(other))

    settlement.capture(db_session, first["id"])
    with app.app_context():
        settlement.settle(db_session, first["id"], SandboxProvider())
    db_session.commit()
    db_session.expire_all()
    late = db_session.get_one(Order, first["id"])
    assert late.status == OrderStatus.refunded
    assert late.refund_reason == "courts.no_longer_needed"  # worded when shown
    assert reasons.words(late.refund_reason, "zh").startswith("案件已不再需要")
    assert late.certificate_number is None
    assert db_session.get_one(Order, second["id"]).status == OrderStatus.retired
    assert ordered(db_session, CourtCase, case["id"]) == 2 * T  # the second order alone
