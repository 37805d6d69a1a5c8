"""One neutralisation per emission: a footprint is covered by at most one live order, ordered on
its own or as a part of an event at any depth; an order that stops being live frees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.core.clock import utcnow
from backend.footprint.models import FootprintClaim
from backend.orders import reasons, services, settlement
from backend.orders.models import Order, OrderStatus
from backend.payments.sandbox import SandboxProvider
from tests import factories as f

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}
FLIGHT = {"kind": "flight", "flight": {"from": "CTU", "to": "PEK", "round_trip": True}}


def make(client, token, body):
    resp = client.post("/api/v1/footprints", json=body, headers=f.bearer(token))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def event(*ids, name="2026 成都低碳发展论坛"):
    return {"kind": "event", "event": {"name": name, "footprints": list(ids)}}


def order(client, token, footprint_id, stock):
    return client.post(
        "/api/v1/orders",
        json={"footprint_id": footprint_id, "beneficiary": "张三", "preferences": stock.prefs},
        headers=f.order_headers(token),
    )


def refusal(resp, slug: str) -> dict:
    assert resp.status_code == 409, resp.get_json()
    problem = resp.get_json()
    assert problem["type"] == f"/problems/{slug}"
    assert [e["field"] for e in problem["errors"]] == ["footprint_id"]
    return problem


def claimed_by(s) -> dict[str, str]:
    return dict(s.execute(select(FootprintClaim.footprint_id, FootprintClaim.reference)).all())


@pytest.fixture
def forum(client, buyer):
    """A forum made of a first day (a meeting and a flight) and a dinner: ids by name."""
    meeting, flight = make(client, buyer.token, MEETING), make(client, buyer.token, FLIGHT)
    dinner = make(client, buyer.token, MEETING)
    day_one = make(client, buyer.token, event(meeting, flight, name="第一天"))
    forum = make(client, buyer.token, event(day_one, dinner))
    return {
        "meeting": meeting,
        "flight": flight,
        "dinner": dinner,
        "day_one": day_one,
        "forum": forum,
    }


def test_an_event_whose_part_is_ordered_is_refused_naming_the_part(
    client, db_session, stock, buyer, forum
):
    f.neutralise(client, buyer.token, footprint_id=forum["dinner"], preferences=stock.prefs)
    problem = refusal(
        order(client, buyer.token, forum["forum"], stock), "component-already-neutralised"
    )
    assert problem["component_id"] == forum["dinner"]
    assert forum["dinner"] in problem["detail"]


def test_an_event_whose_nested_part_is_ordered_is_refused_naming_it(
    client, db_session, stock, buyer, forum
):
    f.place_order(client, buyer.token, footprint_id=forum["flight"], preferences=stock.prefs)
    resp = order(client, buyer.token, forum["forum"], stock)
    assert refusal(resp, "component-already-neutralised")["component_id"] == forum["flight"]
    assert db_session.scalar(select(Order.id).where(Order.footprint_id == forum["forum"])) is None


@pytest.mark.parametrize("part", ["day_one", "meeting", "dinner"])
def test_a_part_of_an_ordered_event_is_refused_naming_the_event(
    client, db_session, stock, buyer, forum, part
):
    whole = f.place_order(client, buyer.token, footprint_id=forum["forum"], preferences=stock.prefs)
    problem = refusal(order(client, buyer.token, forum[part], stock), "in-neutralised-event")
    assert problem["event_id"] == forum["forum"]
    assert set(claimed_by(db_session).values()) == {whole["id"]}


def test_an_event_no_one_else_may_read_is_not_named(client, db_session, stock, buyer):
    shared = client.post("/api/v1/footprints", json=MEETING).get_json()["id"]  # by link
    other = f.sign_in(client, f.user(db_session, "会务").phone)
    theirs = make(client, other, event(shared))
    f.place_order(client, other, footprint_id=theirs, preferences=stock.prefs)
    problem = refusal(order(client, buyer.token, shared, stock), "in-neutralised-event")
    assert problem.get("event_id") is None
    assert theirs not in problem["detail"]


def test_a_key_that_may_not_read_footprints_is_told_no_more(client, db_session, stock):
    admin = f.user(db_session, "管理员")
    org = f.organisation(db_session, admin=admin)
    token = f.sign_in(client, admin.phone)
    shared = client.post("/api/v1/footprints", json=MEETING).get_json()["id"]  # by link
    ours = make(client, token, event(shared))
    f.place_order(client, token, footprint_id=ours, preferences=stock.prefs)
    key = f.api_key(client, token, org.id, ["orders:write"])
    problem = refusal(order(client, key, shared, stock), "in-neutralised-event")
    assert problem.get("event_id") is None


def test_an_ordered_footprint_is_refused_naming_its_order(client, stock, buyer, forum):
    first = f.place_order(client, buyer.token, footprint_id=forum["forum"], preferences=stock.prefs)
    problem = refusal(order(client, buyer.token, forum["forum"], stock), "already-neutralised")
    assert problem["order_id"] == first["id"]


def cancel(client, buyer, placed, _s):
    client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=f.bearer(buyer.token))


def expire(_client, _buyer, placed, s):
    assert services.expire_due(s, utcnow() + timedelta(minutes=31)) >= 1
    assert s.get_one(Order, placed["id"]).status == OrderStatus.expired


def refund(_client, _buyer, placed, s):
    settlement.capture(s, placed["id"])
    settlement.mark_refunded(s, placed["id"], "refunded at the provider", utcnow())


@pytest.mark.parametrize("end", [cancel, expire, refund])
def test_an_order_that_stops_being_live_frees_what_it_claimed(
    client, db_session, stock, buyer, forum, end
):
    placed = f.place_order(
        client, buyer.token, footprint_id=forum["forum"], preferences=stock.prefs
    )
    refusal(order(client, buyer.token, forum["meeting"], stock), "in-neutralised-event")
    end(client, buyer, placed, db_session)
    assert claimed_by(db_session) == {}
    again = f.place_order(
        client, buyer.token, footprint_id=forum["meeting"], preferences=stock.prefs
    )
    assert claimed_by(db_session) == {forum["meeting"]: again["id"]}


def test_a_late_payment_claims_again_when_nothing_was_taken_meanwhile(
    app, client, db_session, stock, buyer, forum
):
    placed = f.place_order(
        client, buyer.token, footprint_id=forum["day_one"], preferences=stock.prefs
    )
    expire(client, buyer, placed, db_session)
    settlement.capture(db_session, placed["id"])
    with app.app_context():
        settlement.settle(db_session, placed["id"], SandboxProvider())
    assert db_session.get_one(Order, placed["id"]).status == OrderStatus.retired
    refusal(order(client, buyer.token, forum["flight"], stock), "in-neutralised-event")
    assert claimed_by(db_session) == {
        forum[k]: placed["id"] for k in ("day_one", "meeting", "flight")
    }


def test_a_late_payment_for_emissions_ordered_meanwhile_is_refunded(
    app, client, db_session, stock, buyer, forum
):
    placed = f.place_order(
        client, buyer.token, footprint_id=forum["forum"], preferences=stock.prefs
    )
    expire(client, buyer, placed, db_session)
    meanwhile = f.neutralise(
        client, buyer.token, footprint_id=forum["flight"], preferences=stock.prefs
    )
    settlement.capture(db_session, placed["id"])
    with app.app_context():
        settlement.settle(db_session, placed["id"], SandboxProvider())
    db_session.expire_all()
    late = db_session.get_one(Order, placed["id"])
    assert late.status == OrderStatus.refunded
    assert late.refund_reason == reasons.FOOTPRINT_TAKEN
    assert claimed_by(db_session) == {forum["flight"]: meanwhile["id"]}
