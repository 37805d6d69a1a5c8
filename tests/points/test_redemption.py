"""Redeeming points retires real credits (CDCER by default) with a personal certificate."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from backend.core import uow
from backend.core.clock import utcnow
from backend.points import earning, ledger, methodology, wallet
from backend.points.models import ActionSource, TransferKind
from tests import factories as f
from tests.core.test_messages import LATIN_WORD


def give_points(db_session, user_id: int, points: int) -> None:
    f.fund_points(db_session, points)
    ledger.transfer(db_session, TransferKind.earn, user_id, points)
    ledger.transfer(db_session, TransferKind.confirm, user_id, points)
    db_session.commit()


def earning_action(db_session, user_id: int) -> int:
    """One 2 km walk instead of a car trip, pending until its window closes; its points."""
    f.fund_points(db_session)
    start = utcnow() - timedelta(hours=1)
    walk = earning.Reported(
        user_id, "walk", Decimal(2), start, start + timedelta(minutes=25), replaces="car"
    )
    earning.earn(db_session, [walk], methodology.current(), source=ActionSource.partner)
    return ledger.balances(db_session, user_id).pending


def redeem(client, token, key: str | None = None, headers: dict[str, str] | None = None, **body):
    headers = {**f.order_headers(token, key), **(headers or {})}
    return client.post("/api/v1/wallet/redemptions", json=body, headers=headers)


def test_redeeming_retires_cdcer_and_issues_a_personal_certificate(client, db_session, buyer):
    p = f.project(db_session, standard="CDCER", ptype="greenway")
    lot = f.lot(db_session, p, 5, price=1290)
    give_points(db_session, buyer.user.id, 5000)
    resp = redeem(client, buyer.token, points=3000)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["points"], body["mass_g"]) == (3000, 3000)
    cert = client.get(
        f"/api/v1/certificates/{body['certificate_number']}", headers=f.bearer(buyer.token)
    ).get_json()
    assert cert["beneficiary"] == "买家"
    assert cert["mass_g"] == 3000
    assert cert["credits"][0]["standard"] == "CDCER"
    assert "积分" in cert["purpose"]
    assert client.get("/api/v1/wallet", headers=f.bearer(buyer.token)).get_json()["balance"] == 2000
    assert f.grams(db_session, lot) == (5_000_000 - 3000, 0, 3000)
    assert ledger.violations(db_session) == []


def test_redemption_is_idempotent_and_refuses_overspending(client, db_session, buyer):
    p = f.project(db_session, standard="CDCER")
    lot = f.lot(db_session, p, 1, price=1290)
    give_points(db_session, buyer.user.id, 1000)
    first = redeem(client, buyer.token, "r-1", mass_g=600)
    again = redeem(client, buyer.token, "r-1", mass_g=600)
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    short = redeem(client, buyer.token, mass_g=600)
    assert short.status_code == 409
    assert short.get_json()["type"].endswith("insufficient-points")
    assert client.get("/api/v1/wallet", headers=f.bearer(buyer.token)).get_json()["balance"] == 400
    assert f.grams(db_session, lot) == (1_000_000 - 600, 0, 600)  # the refused hold went back
    assert redeem(client, buyer.token, points=1, mass_g=1).status_code == 422


def test_overspending_and_a_bad_request_are_told_in_chinese(client, db_session, buyer):
    f.lot(db_session, f.project(db_session, standard="CDCER"), 1, price=1290)
    give_points(db_session, buyer.user.id, 100)
    zh = {"Accept-Language": "zh-CN"}
    short = redeem(client, buyer.token, mass_g=600, headers=zh).get_json()
    assert short["title"] == "积分不足"
    assert short["detail"] == "钱包积分不足，需要 600 积分。"
    assert short["params"] == {"amount": 600, "account": "points.account.wallet"}
    assert short["account"] == "wallet"
    (error,) = redeem(client, buyer.token, points=1, mass_g=1, headers=zh).get_json()["errors"]
    assert error["detail"] == "积分和质量两项中请只填写一项。"
    assert not LATIN_WORD.search(short["detail"] + error["detail"])


def test_the_history_says_which_account_each_movement_left_and_reached(client, db_session, buyer):
    give_points(db_session, buyer.user.id, 300)
    history = client.get("/api/v1/wallet", headers=f.bearer(buyer.token)).get_json()["history"]
    assert [(h["kind"], h["from"], h["to"]) for h in history] == [
        ("confirm", "pending", "wallet"),
        ("earn", "system", "pending"),
    ]


def test_the_sweeps_only_flush_so_the_worker_s_transaction_decides(db_session, buyer):
    """Confirmation and expiry write in the transaction the worker wraps each sweep in: rolled
    back with it, they leave nothing behind."""
    earned = earning_action(db_session, buyer.user.id)
    db_session.commit()
    later = utcnow() + timedelta(days=400)
    swept: list[int] = []

    def sweeps_then_fail() -> None:
        with uow.transaction(db_session):
            swept.append(earning.confirm_due(db_session, later))
            swept.append(wallet.expire_inactive(db_session, 365, later))
            raise RuntimeError("the worker's transaction fails after the sweeps")

    with pytest.raises(RuntimeError):
        sweeps_then_fail()
    assert swept == [1, 1]
    assert ledger.balances(db_session, buyer.user.id) == ledger.Balances(wallet=0, pending=earned)


def test_inactive_wallets_expire_through_the_ledger(db_session, buyer):
    give_points(db_session, buyer.user.id, 250)
    assert wallet.expire_inactive(db_session, 365) == 0
    assert wallet.expire_inactive(db_session, 365, utcnow() + timedelta(days=366)) == 1
    assert ledger.balances(db_session, buyer.user.id).wallet == 0
    assert ledger.violations(db_session) == []
    assert earning.confirm_due(db_session) == 0
