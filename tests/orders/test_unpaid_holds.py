"""Hoarding unpaid orders (issue 16, hole 10): one unpaid order held all 43,999 t of Sichuan
forestry credits, and every defendant's purchase then failed. Now what one person or
organisation may hold unpaid is capped, by count and by mass, and a judicial purchase short of
stock expires the newest unpaid consumer holds instead of failing."""

from __future__ import annotations

import pytest

from tests import factories as f

T = 1_000_000


def order(client, token, **body):
    body.setdefault("beneficiary", "张三")
    return client.post("/api/v1/orders", json=body, headers=f.order_headers(token))


@pytest.fixture
def caps(app, monkeypatch):
    monkeypatch.setitem(app.config, "ORDER_UNPAID_MAX_COUNT", 2)
    monkeypatch.setitem(app.config, "ORDER_UNPAID_MAX_MASS_G", 10 * T)


def test_one_unpaid_order_cannot_hold_a_whole_project(client, db_session, buyer, caps):
    p = f.project(db_session, standard="CDCER", ptype="forestry", province="CN-SC")
    lot = f.lot(db_session, p, 43_999, price=1290)
    resp = order(client, buyer.token, mass_g=43_999 * T, preferences={"project_ids": [p.id]})
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["type"] == "/problems/too-many-unpaid-orders"
    assert (body["max_orders"], body["max_mass_g"]) == (2, 10 * T)
    assert f.grams(db_session, lot) == (43_999 * T, 0, 0)


def test_the_count_is_capped_and_paying_frees_a_place(client, buyer, stock, caps):
    first = order(client, buyer.token, mass_g=T, preferences=stock.prefs).get_json()
    assert order(client, buyer.token, mass_g=T, preferences=stock.prefs).status_code == 201
    third = order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    assert third.get_json()["unpaid_orders"] == 2
    assert third.status_code == 409
    paid = client.post(
        f"/api/v1/orders/{first['id']}/confirm", json={}, headers=f.bearer(buyer.token)
    )
    assert paid.get_json()["status"] == "retired"
    assert order(client, buyer.token, mass_g=T, preferences=stock.prefs).status_code == 201


def test_the_mass_is_capped_across_orders(client, buyer, stock, caps):
    assert order(client, buyer.token, mass_g=6 * T, preferences=stock.prefs).status_code == 201
    second = order(client, buyer.token, mass_g=5 * T, preferences=stock.prefs)
    assert second.status_code == 409
    assert second.get_json()["unpaid_mass_g"] == 6 * T


def test_an_organisation_is_one_owner_whoever_orders(client, db_session, caps, stock):
    admin = f.user(db_session)
    org = f.organisation(db_session, admin=admin)
    member = f.user(db_session)
    f.grant(db_session, member, org, f.Role.member)
    tokens = [f.sign_in(client, u.phone) for u in (admin, member, admin)]
    codes = [
        order(client, t, mass_g=T, preferences=stock.prefs, organisation_id=org.id).status_code
        for t in tokens
    ]
    assert codes == [201, 201, 409]
    # the member's own unpaid orders are theirs, not the organisation's
    assert order(client, tokens[1], mass_g=T, preferences=stock.prefs).status_code == 201
