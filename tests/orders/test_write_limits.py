"""Writes that hold credits or spend points share one rate budget per credential."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.orders.models import Order
from tests import factories as f


def test_orders_and_redemptions_share_a_budget_per_credential(
    app, client, db_session, stock, buyer, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_WRITES", "2 per minute")
    body = {"mass_g": 1_000_000, "beneficiary": "张三", "preferences": stock.prefs}
    for _ in range(2):
        made = client.post("/api/v1/orders", json=body, headers=f.order_headers(buyer.token))
        assert made.status_code == 201
    redeem = client.post(
        "/api/v1/wallet/redemptions", json={"points": 100}, headers=f.order_headers(buyer.token)
    )
    assert redeem.status_code == 429
    assert redeem.content_type == "application/problem+json"
    assert "Retry-After" in redeem.headers
    again = client.post("/api/v1/orders", json=body, headers=f.order_headers(buyer.token))
    assert again.status_code == 429
    assert db_session.scalar(select(func.count()).select_from(Order)) == 2
    someone_else = f.sign_in(client, f.user(db_session).phone)
    other = client.post("/api/v1/orders", json=body, headers=f.order_headers(someone_else))
    assert other.status_code == 201


SPELLINGS = ["Bearer {}", "bEaReR {}", "Bearer  {}", "BEARER {} "]


def test_every_spelling_of_one_credential_shares_one_budget(
    app, client, db_session, stock, buyer, monkeypatch
):
    """The budget follows the signed-in person, not the bytes of the Authorization header."""
    monkeypatch.setitem(app.config, "RATELIMIT_WRITES", "3 per minute")
    body = {"mass_g": 1_000_000, "beneficiary": "张三", "preferences": stock.prefs}
    second_token = f.sign_in(client, buyer.user.phone)  # the same person, another token
    statuses = []
    for spelling in SPELLINGS:
        for token in (buyer.token, second_token):
            headers = {**f.order_headers(buyer.token), "Authorization": spelling.format(token)}
            statuses.append(client.post("/api/v1/orders", json=body, headers=headers).status_code)
    assert statuses.count(201) == 3
    assert set(statuses[3:]) == {429}
    assert db_session.scalar(select(func.count()).select_from(Order)) == 3
    someone_else = f.sign_in(client, f.user(db_session).phone)
    other = client.post("/api/v1/orders", json=body, headers=f.order_headers(someone_else))
    assert other.status_code == 201


def test_a_bad_credential_is_a_401_not_a_budget_of_its_own(client, stock):
    body = {"mass_g": 1_000_000, "beneficiary": "张三", "preferences": stock.prefs}
    resp = client.post("/api/v1/orders", json=body, headers=f.order_headers("ddt_nonsense"))
    assert resp.status_code == 401
    assert resp.content_type == "application/problem+json"
