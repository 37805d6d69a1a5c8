"""Creating an order: what it holds, what it costs, and what it refuses."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.orders.models import Order
from tests import factories as f
from tests.factories import grams

T = 1_000_000
MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}


def orders(s) -> int:
    return s.scalar(select(func.count()).select_from(Order))


def test_a_footprint_order_holds_its_mass_and_prices_it_in_fen(client, db_session, stock, buyer):
    fp = client.post("/api/v1/footprints", json=MEETING, headers=f.bearer(buyer.token)).get_json()
    resp = client.post(
        "/api/v1/orders",
        json={"footprint_id": fp["id"], "beneficiary": " 成都环交所 ", "preferences": stock.prefs},
        headers=f.order_headers(buyer.token),
    )
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()
    assert resp.headers["Location"] == f"/api/v1/orders/{order['id']}"
    assert order["status"] == "awaiting_payment"
    assert order["mass_g"] == fp["mass_g"]
    assert order["beneficiary"] == "成都环交所"
    assert order["purpose"] == "会议"  # an unnamed meeting: its kind, in Chinese
    (line,) = order["lines"]
    assert line["lot_id"] == stock.lot.id
    assert line["mass_g"] == fp["mass_g"]
    assert line["amount"] == fp["mass_g"] * 5000 // T  # rounded down
    assert order["credits_amount"] == line["amount"]
    assert order["amount"] == order["credits_amount"] + order["fee_amount"]
    assert order["currency"] == "CNY"
    assert order["payment"]["sandbox"] is True
    assert order["payment"]["instructions"]["confirm"].endswith(f"/orders/{order['id']}/confirm")
    assert grams(db_session, stock.lot) == (100 * T - fp["mass_g"], fp["mass_g"], 0)


def test_a_spend_capped_order_buys_the_most_mass_the_amount_allows(client, stock, buyer):
    order = f.place_order(client, buyer.token, amount=12_345, preferences=stock.prefs)
    assert order["amount"] <= 12_345
    # one more gram would cost more than the cap
    assert (order["mass_g"] + 1) * 5000 // T > 12_345
    assert order["amount_cap"] == 12_345


def test_the_fee_is_added_and_rounded_down(app, client, stock, buyer, monkeypatch):
    monkeypatch.setitem(app.config, "ORDER_FEE_BPS", 250)  # 2.5 %
    order = f.place_order(client, buyer.token, mass_g=3 * T + 7, preferences=stock.prefs)
    assert order["credits_amount"] == (3 * T + 7) * 5000 // T
    assert order["fee_amount"] == order["credits_amount"] * 250 // 10_000
    assert order["amount"] == order["credits_amount"] + order["fee_amount"]


def test_a_spend_cap_covers_the_fee_too(app, client, stock, buyer, monkeypatch):
    monkeypatch.setitem(app.config, "ORDER_FEE_BPS", 1000)
    order = f.place_order(client, buyer.token, amount=10_000, preferences=stock.prefs)
    assert order["amount"] <= 10_000
    assert order["fee_amount"] == order["credits_amount"] // 10


def test_an_order_spans_lots_cheapest_first(client, db_session, buyer):
    p = f.project(db_session)
    dear = f.lot(db_session, p, 5, price=9000, vintage=2019)
    cheap = f.lot(db_session, p, 2, price=3000, vintage=2021)
    order = f.place_order(client, buyer.token, mass_g=3 * T, preferences={"project_ids": [p.id]})
    assert [(x["lot_id"], x["mass_g"]) for x in order["lines"]] == [(dear.id, T), (cheap.id, 2 * T)]
    assert order["credits_amount"] == 9000 + 6000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"beneficiary": "张三"}, "footprint_id"),
        ({"mass_g": T, "amount": 100, "beneficiary": "张三"}, "amount"),
        ({"mass_g": 0, "beneficiary": "张三"}, "mass_g"),
        ({"mass_g": -5, "beneficiary": "张三"}, "mass_g"),
        ({"mass_g": 1.5, "beneficiary": "张三"}, "mass_g"),
        ({"mass_g": "1000", "beneficiary": "张三"}, "mass_g"),
        ({"amount": 0, "beneficiary": "张三"}, "amount"),
        ({"mass_g": T}, "beneficiary"),
        ({"mass_g": T, "beneficiary": "   "}, "beneficiary"),
        ({"mass_g": T, "beneficiary": "张\u0000三"}, "beneficiary"),
        ({"mass_g": T, "beneficiary": "x" * 101}, "beneficiary"),
        ({"mass_g": T, "beneficiary": "张三", "note": "n" * 501}, "note"),
        ({"mass_g": T, "beneficiary": "张三", "status": "retired"}, "status"),
        ({"mass_g": T, "beneficiary": "张三", "amount_cap": 1}, "amount_cap"),
        (
            {"mass_g": T, "beneficiary": "张三", "preferences": {"standards": ["XYZ"]}},
            "preferences.standards.0",
        ),
        ({"footprint_id": "fp_nope", "beneficiary": "张三"}, "footprint_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    client, db_session, stock, buyer, body, field
):
    before = orders(db_session)
    resp = client.post("/api/v1/orders", json=body, headers=f.order_headers(buyer.token))
    assert resp.status_code == 422, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert field in {e["field"] for e in resp.get_json()["errors"]}
    assert orders(db_session) == before
    assert grams(db_session, stock.lot) == (100 * T, 0, 0)


def test_not_enough_credits_is_a_409_and_holds_nothing(client, db_session, stock, buyer):
    resp = client.post(
        "/api/v1/orders",
        json={"mass_g": 101 * T, "beneficiary": "张三", "preferences": stock.prefs},
        headers=f.order_headers(buyer.token),
    )
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "credits.insufficient_inventory"
    assert resp.get_json()["available_g"] == 100 * T
    assert grams(db_session, stock.lot) == (100 * T, 0, 0)


def test_an_order_below_the_smallest_payment_is_refused(client, db_session, buyer):
    p = f.project(db_session)
    f.lot(db_session, p, 1, price=100)  # 1 CNY per tonne: 1 g costs nothing
    resp = client.post(
        "/api/v1/orders",
        json={"mass_g": 5, "beneficiary": "张三", "preferences": {"project_ids": [p.id]}},
        headers=f.order_headers(buyer.token),
    )
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "mass_g"


def test_a_footprint_is_neutralised_by_one_live_order(client, stock, buyer):
    fp = client.post("/api/v1/footprints", json=MEETING, headers=f.bearer(buyer.token)).get_json()
    first = f.place_order(client, buyer.token, footprint_id=fp["id"], preferences=stock.prefs)
    again = client.post(
        "/api/v1/orders",
        json={"footprint_id": fp["id"], "beneficiary": "张三", "preferences": stock.prefs},
        headers=f.order_headers(buyer.token),
    )
    assert again.status_code == 409
    assert again.get_json()["order_id"] == first["id"]
    # once cancelled, the footprint can be ordered again
    client.post(f"/api/v1/orders/{first['id']}/cancel", headers=f.bearer(buyer.token))
    f.place_order(client, buyer.token, footprint_id=fp["id"], preferences=stock.prefs)


def test_someone_elses_footprint_cannot_be_ordered(client, db_session, stock, buyer):
    other = f.user(db_session)
    token = f.sign_in(client, other.phone)
    fp = client.post("/api/v1/footprints", json=MEETING, headers=f.bearer(token)).get_json()
    resp = client.post(
        "/api/v1/orders",
        json={"footprint_id": fp["id"], "beneficiary": "张三"},
        headers=f.order_headers(buyer.token),
    )
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "footprint_id"


def test_an_anonymous_footprint_can_be_ordered_after_signing_in(client, stock, buyer):
    fp = client.post("/api/v1/footprints", json=MEETING).get_json()
    order = f.place_order(client, buyer.token, footprint_id=fp["id"], preferences=stock.prefs)
    assert order["footprint_id"] == fp["id"]


def test_ordering_needs_a_sign_in(client, stock):
    resp = client.post(
        "/api/v1/orders",
        json={"mass_g": T, "beneficiary": "张三"},
        headers={"Idempotency-Key": "k1"},
    )
    assert resp.status_code == 401


def test_an_api_key_orders_for_its_organisation_with_the_write_scope(client, db_session, stock):
    admin = f.user(db_session)
    org = f.organisation(db_session, admin=admin)
    token = f.sign_in(client, admin.phone)
    reader = f.api_key(client, token, org.id, ["orders:read"])
    writer = f.api_key(client, token, org.id, ["orders:write", "orders:read"])
    body = {"mass_g": T, "beneficiary": "员工 李四", "preferences": stock.prefs}
    refused = client.post("/api/v1/orders", json=body, headers=f.order_headers(reader))
    assert refused.status_code == 403
    made = client.post("/api/v1/orders", json=body, headers=f.order_headers(writer))
    assert made.status_code == 201
    assert made.get_json()["organisation_id"] == org.id
