"""点点 restocks its retirement inventory on the market: the operator buys from a listing for 点点's
own exchange account, and the tonnes become a credits lot that records the trade; replayed with
its key; refused, writing nothing, without an account or funds; both checks clean after."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from backend import demo
from backend.accounts.models import OrgKind
from backend.credits.models import Lot
from backend.market.models import Trade
from backend.registry.models import Participant
from tests import factories as f
from tests.market.conftest import Party, funds, held, list_tonnes
from tests.registry.conftest import REAL_USCC, open_account

SALE_PRICE = 1800


@pytest.fixture
def diandian(client, db_session) -> Party:
    """点点's operator organisation, its admin signed in, with an exchange account (no funds)."""
    admin = f.user(db_session, "点点运营")
    org = f.organisation(db_session, OrgKind.operator, name="点点", admin=admin)
    token = f.sign_in(client, admin.phone)
    resp = open_account(client, token, org.id, REAL_USCC[2], ["buyer"])
    assert resp.status_code == 201, resp.get_json()
    return Party(token, org.id, resp.get_json()["id"])


def fund(client, p: Party, fen: int) -> None:
    resp = client.post(
        f"/api/v1/market/participants/{p.participant_id}/funds/deposits",
        json={"bank_reference": f"SBX-{p.participant_id}-{fen}-{uuid.uuid4().hex[:12]}"},
        headers=p.headers,
    )
    assert resp.status_code == 201, resp.get_json()


def restock(client, who: dict[str, str], listing_id: int, tonnes: int, key: str | None = None):
    return client.post(
        "/api/v1/market/restock",
        json={"listing_id": listing_id, "quantity_t": tonnes, "sale_price_fen_per_t": SALE_PRICE},
        headers={**who, "Idempotency-Key": key or str(uuid.uuid4())},
    )


def listing(client, seller: Party, tonnes: int = 50) -> int:
    resp = list_tonnes(client, seller, tonnes, price=1290)
    assert resp.status_code == 201, resp.get_json()
    return int(resp.get_json()["id"])


def checks_clean(app: Any) -> None:
    for group in ("market", "registry"):
        result = app.test_cli_runner().invoke(args=[group, "check"])
        assert result.exit_code == 0, result.output


def written(db_session) -> tuple[int, int]:
    trades = db_session.scalar(select(func.count()).select_from(Trade))
    lots = db_session.scalar(select(func.count()).where(Lot.market_trade_id.is_not(None)))
    return int(trades or 0), int(lots or 0)


def test_restocking_buys_and_makes_a_lot_that_records_the_trade(
    app, client, db_session, seller, diandian
):
    fund(client, diandian, 1_000_000)
    lid = listing(client, seller)
    resp = restock(client, diandian.headers, lid, 20)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    trade = body["trade"]
    assert body["trade_number"] == trade["number"]
    assert trade["number"].startswith("DD20261207")
    assert (trade["mode"], trade["buyer_id"], trade["quantity_t"]) == (
        "listing",
        diandian.participant_id,
        20,
    )
    assert trade["amount_fen"] == 25_800
    assert trade["buyer_fee_fen"] == 64  # 25 bp, floored
    assert body["acquisition_cost_fen"] == 25_800 + 64
    assert (body["tonnes"], body["sale_price_fen_per_t"]) == (20, SALE_PRICE)
    assert body["serial_range"] == trade["serial_range"]

    lot = db_session.get(Lot, body["lot_id"])
    assert lot is not None
    row = db_session.scalars(select(Trade).where(Trade.number == trade["number"])).one()
    assert lot.market_trade_id == row.id
    assert (lot.tonnes, lot.available_g, lot.acquisition_cost_fen) == (20, 20_000_000, 25_864)
    assert (lot.first_unit, lot.last_unit, lot.serial_range) == (
        row.first_unit,
        row.last_unit,
        row.serial_range,
    )
    assert lot.registry_issuance_id is not None
    # the units went on into the inventory: 点点's account holds none of them
    assert held(client, diandian) == []
    money = funds(client, diandian)
    assert money["balance_fen"] == 1_000_000 - 25_864
    left = client.get("/api/v1/market/listings").get_json()
    assert [r["remaining_t"] for r in left if r["id"] == lid] == [30]
    checks_clean(app)


def test_the_same_key_replays_the_restock(app, client, db_session, seller, diandian):
    fund(client, diandian, 1_000_000)
    lid = listing(client, seller)
    key = str(uuid.uuid4())
    first = restock(client, diandian.headers, lid, 5, key)
    assert first.status_code == 201, first.get_json()
    again = restock(client, diandian.headers, lid, 5, key)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert written(db_session) == (1, 1)
    assert restock(client, diandian.headers, lid, 5).status_code == 201  # a new key: a new buy
    assert written(db_session) == (2, 2)
    checks_clean(app)


def test_too_little_funds_is_a_409_that_writes_nothing(app, client, db_session, seller, diandian):
    fund(client, diandian, 25_863)  # one fen short of 20 t at 12.90 and the fee
    lid = listing(client, seller)
    resp = restock(client, diandian.headers, lid, 20)
    assert resp.status_code == 409
    problem = resp.get_json()
    assert problem["code"] == "market.restock_funds_short"
    assert "25864" in problem["detail"]
    assert "25863" in problem["detail"]
    assert written(db_session) == (0, 0)
    assert funds(client, diandian)["balance_fen"] == 25_863
    left = client.get("/api/v1/market/listings").get_json()
    assert [r["remaining_t"] for r in left if r["id"] == lid] == [50]
    checks_clean(app)


def test_without_an_exchange_account_is_a_409(client, db_session, seller, operator):
    lid = listing(client, seller)
    resp = restock(client, operator, lid, 1)
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "market.restock_no_account"
    assert written(db_session) == (0, 0)


def test_a_participant_cannot_restock_and_bad_input_names_its_field(client, seller, diandian):
    lid = listing(client, seller)
    assert restock(client, seller.headers, lid, 1).status_code == 403
    bad = client.post(
        "/api/v1/market/restock",
        json={"listing_id": lid, "quantity_t": 1, "sale_price_fen_per_t": 0},
        headers={**diandian.headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert bad.status_code == 422
    assert "sale_price_fen_per_t" in bad.get_data(as_text=True)
    keyless = client.post(
        "/api/v1/market/restock",
        json={"listing_id": lid, "quantity_t": 1, "sale_price_fen_per_t": 1},
        headers=diandian.headers,
    )
    assert keyless.status_code == 400


def test_one_trade_makes_at_most_one_lot(client, db_session, seller, diandian):
    fund(client, diandian, 1_000_000)
    lid = listing(client, seller)
    body = restock(client, diandian.headers, lid, 2).get_json()
    trade_id = db_session.get_one(Lot, body["lot_id"]).market_trade_id
    other = f.lot(db_session, f.project(db_session), 1)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(
            text("UPDATE lots SET market_trade_id = :t WHERE id = :id"),
            {"t": trade_id, "id": other.id},
        )


def test_the_demo_operator_can_restock_at_once(app, client, db_session):
    """The demo opens 点点's exchange account with sandbox funds: the company lists some of its
    issued CDCER and an operator restocks from the listing."""
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    company = f.bearer(f.sign_in(client, "+8613800138002"))
    op = f.bearer(f.sign_in(client, demo.OPERATOR_PHONE))
    seller = db_session.scalars(
        select(Participant.id).where(Participant.uscc == demo.DEMO_USCC)
    ).one()
    [holding] = client.get(
        f"/api/v1/registry/participants/{seller}/holdings", headers=company
    ).get_json()
    new = {
        "seller_id": seller,
        "holding_id": holding["id"],
        "tonnes": 50,
        "price_fen_per_t": 4500,
        "min_lot_t": 1,
    }
    listed = client.post("/api/v1/market/listings", json=new, headers=company)
    assert listed.status_code == 201, listed.get_json()
    resp = restock(client, op, listed.get_json()["id"], 10)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["acquisition_cost_fen"] == 45_000 + 112  # and the 25 bp fee
    checks_clean(app)
