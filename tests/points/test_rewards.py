"""The rewards catalogue: redeeming points for an item, the code a merchant honours once, and
offsets retired from the sponsor's own credits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from backend.accounts.models import Role
from backend.core.clock import utcnow
from backend.points import ledger, rewards, sponsors
from backend.points.models import CodeRefusal, Honour, RewardKind, TransferKind
from tests import factories as f
from tests.core.test_messages import LATIN_WORD
from tests.points.conftest import Shop


def offer(client, shop: Shop, **over: Any) -> dict[str, Any]:
    body = {
        "kind": "coupon",
        "title_zh": "美式咖啡一杯",
        "title_en": "One americano",
        "price_points": 1500,
        "stock": 2,
        "valid_from": (utcnow() - timedelta(days=1)).isoformat(),
        "valid_until": (utcnow() + timedelta(days=30)).isoformat(),
    } | over
    resp = client.post(
        f"/api/v1/organisations/{shop.org.id}/rewards", json=body, headers=f.bearer(shop.admin)
    )
    assert resp.status_code == 201, resp.get_json()
    return dict(resp.get_json())


def give(db_session, user_id: int, points: int) -> None:
    ledger.transfer(db_session, TransferKind.earn, user_id, points)
    ledger.transfer(db_session, TransferKind.confirm, user_id, points)
    db_session.commit()


def redeem(client, token: str, reward_id: str, key: str | None = None, **headers: str):
    return client.post(
        f"/api/v1/rewards/{reward_id}/redemptions",
        headers={**f.order_headers(token, key), **headers},
    )


def honour(client, shop: Shop, code: str, token: str | None = None, path: str = "honour"):
    return client.post(
        f"/api/v1/organisations/{shop.org.id}/reward-codes/{path}",
        json={"code": code},
        headers=f.bearer(token or shop.cashier),
    )


def test_the_catalogue_is_public_with_prices_stock_and_the_sponsor(client, shop):
    coffee = offer(client, shop)
    offer(client, shop, title_zh="过期券", valid_until=(utcnow() - timedelta(hours=1)).isoformat())
    items = client.get("/api/v1/rewards").get_json()["items"]
    assert [(i["id"], i["price_points"], i["stock"], i["sponsor"]) for i in items] == [
        (coffee["id"], 1500, 2, "蓉城咖啡 (示例)")
    ]


def test_redeeming_spends_the_points_takes_one_from_stock_and_gives_a_code(
    client, db_session, shop, buyer
):
    coffee = offer(client, shop)
    give(db_session, buyer.user.id, 4000)
    first = redeem(client, buyer.token, coffee["id"], "k-1")
    assert first.status_code == 201, first.get_json()
    code = first.get_json()["code"]
    assert len(code) == 16
    assert set(code) <= set(rewards.ALPHABET)
    replay = redeem(client, buyer.token, coffee["id"], "k-1")
    assert replay.get_json()["code"] == code  # the same request, not a second coffee
    assert ledger.balances(db_session, buyer.user.id).wallet == 2500
    assert redeem(client, buyer.token, coffee["id"]).status_code == 201
    gone = redeem(client, buyer.token, coffee["id"])
    assert gone.status_code == 409
    assert gone.get_json()["type"].endswith("out-of-stock")
    assert ledger.balances(db_session, buyer.user.id).wallet == 1000  # the refusal spent nothing
    mine = client.get("/api/v1/wallet/rewards", headers=f.bearer(buyer.token)).get_json()
    assert len(mine["items"]) == 2
    assert ledger.violations(db_session) == []


def test_not_enough_points_leaves_the_stock_as_it_was(client, db_session, shop, buyer):
    coffee = offer(client, shop)
    give(db_session, buyer.user.id, 1000)
    short = redeem(client, buyer.token, coffee["id"])
    assert short.status_code == 409
    assert short.get_json()["type"].endswith("insufficient-points")
    assert client.get("/api/v1/rewards").get_json()["items"][0]["stock"] == 2


def test_out_of_stock_is_told_in_chinese(client, db_session, shop, buyer):
    coffee = offer(client, shop, stock=0)
    give(db_session, buyer.user.id, 2000)
    got = redeem(client, buyer.token, coffee["id"], **{"Accept-Language": "zh-CN"}).get_json()
    assert (got["title"], got["detail"]) == ("已兑完", "这个奖品已兑完。")
    assert not LATIN_WORD.search(got["detail"])


def test_a_merchant_looks_a_code_up_and_honours_it_once(client, db_session, shop, buyer):
    coffee = offer(client, shop)
    give(db_session, buyer.user.id, 1500)
    code = redeem(client, buyer.token, coffee["id"]).get_json()["code"]
    typed = "-".join(code[i : i + 4] for i in range(0, 16, 4)).lower()  # as read aloud
    seen = honour(client, shop, typed, path="lookup").get_json()
    assert (seen["title_zh"], seen["points"], seen["honoured_at"]) == ("美式咖啡一杯", 1500, None)
    done = honour(client, shop, typed)
    assert done.status_code == 201, done.get_json()
    at = done.get_json()["honoured_at"]
    again = honour(client, shop, code, token=shop.admin)
    assert again.status_code == 409
    assert again.get_json()["honoured_at"] == at
    assert honour(client, shop, code, path="lookup").get_json()["honoured_at"] == at


def test_only_the_sponsors_members_see_or_honour_its_codes(client, db_session, shop, buyer):
    coffee = offer(client, shop)
    give(db_session, buyer.user.id, 1500)
    code = redeem(client, buyer.token, coffee["id"]).get_json()["code"]
    assert honour(client, shop, code, token=buyer.token).status_code == 404
    other = f.sponsor(db_session, "别家")
    clerk = f.user(db_session)
    f.grant(db_session, clerk, other, Role.member)
    elsewhere = client.post(
        f"/api/v1/organisations/{other.id}/reward-codes/honour",
        json={"code": code},
        headers=f.bearer(f.sign_in(client, clerk.phone)),
    )
    assert elsewhere.status_code == 404  # another sponsor's code does not exist for it
    assert honour(client, shop, "0000000000000000").status_code == 404


def test_every_refused_honour_is_recorded_with_who_which_code_and_why(
    client, db_session, shop, buyer
):
    coffee = offer(client, shop)
    give(db_session, buyer.user.id, 1500)
    code = redeem(client, buyer.token, coffee["id"]).get_json()["code"]
    other = f.sponsor(db_session, "别家")
    clerk = f.user(db_session)
    f.grant(db_session, clerk, other, Role.member)
    elsewhere = client.post(
        f"/api/v1/organisations/{other.id}/reward-codes/honour",
        json={"code": code.lower()},
        headers=f.bearer(f.sign_in(client, clerk.phone)),
    )
    assert elsewhere.status_code == 404  # the wrong sponsor's merchant
    assert honour(client, shop, "0000-0000-0000-0000").status_code == 404  # unknown
    assert honour(client, shop, code).status_code == 201
    assert honour(client, shop, code).status_code == 409  # already honoured
    db_session.expire_all()
    rows = db_session.scalars(select(CodeRefusal).order_by(CodeRefusal.id)).all()
    assert [(r.sponsor_id, r.actor_id, r.code, r.reason, r.message) for r in rows] == [
        (other.id, clerk.id, code, "not-found", "points.unknown_code"),
        (shop.org.id, rows[1].actor_id, "0" * 16, "not-found", "points.unknown_code"),
        (shop.org.id, rows[1].actor_id, code, "already-honoured", "points.already_honoured"),
    ]
    assert db_session.scalar(select(func.count()).select_from(Honour)) == 1


def test_an_offset_retires_the_sponsors_credits_with_a_certificate(client, db_session, buyer):
    p = f.project(db_session, standard="CDCER", ptype="greenway")
    lot = f.lot(db_session, p, 1, price=1290)
    org = f.sponsor(db_session, "高新区 (示例)")
    by = f.user(db_session)
    sponsors.fund(
        db_session, org.id, sponsors.FundingRequest(mass_g=3000, project_id=p.id), by.id, 1
    )
    reward = rewards.create(
        db_session,
        org.id,
        rewards.NewReward(
            kind=RewardKind.offset,
            title_zh="天府绿道碳中和 1 kg",
            title_en="1 kg offset",
            price_points=1000,
            stock=10,
            valid_from=utcnow() - timedelta(days=1),
            valid_until=utcnow() + timedelta(days=1),
            project_id=p.id,
        ),
    )
    db_session.commit()
    f.fund_points(db_session, 500)  # money of another sponsor, beside the credits' 3,000
    give(db_session, buyer.user.id, 3500)
    got = [redeem(client, buyer.token, reward.id) for _ in range(4)]
    assert [r.status_code for r in got] == [201, 201, 201, 409]  # 3,000 g funded: three fit
    assert got[3].get_json()["type"].endswith("out-of-stock")
    number = got[0].get_json()["certificate_number"]
    assert got[0].get_json()["code"] is None
    cert = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(buyer.token)).get_json()
    assert cert["mass_g"] == 1000
    assert f.grams(db_session, lot) == (1_000_000 - 3000, 0, 3000)
    assert ledger.balances(db_session, buyer.user.id).wallet == 500
    assert client.get("/api/v1/stats/points").get_json()["sponsors"][0]["credits_left_g"] == 0


def test_an_offset_names_a_project_its_sponsor_funded(client, shop):
    resp = client.post(
        f"/api/v1/organisations/{shop.org.id}/rewards",
        json={
            "kind": "offset",
            "title_zh": "碳中和",
            "title_en": "Offset",
            "price_points": 10,
            "stock": 1,
            "project_id": 999_999,
            "valid_from": utcnow().isoformat(),
            "valid_until": (utcnow() + timedelta(days=1)).isoformat(),
        },
        headers=f.bearer(shop.admin),
    )
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "project_id"


def test_points_statistics_count_funding_issue_redemption_and_each_budget(
    client, db_session, shop, buyer
):
    coffee = offer(client, shop)
    give(db_session, buyer.user.id, 2000)
    redeem(client, buyer.token, coffee["id"])
    got = client.get("/api/v1/stats/points").get_json()
    assert (got["funded"], got["pool"], got["issued"]) == (100_000, 98_000, 2000)
    assert (got["circulating"], got["redeemed"], got["expired"]) == (500, 1500, 0)
    assert got["sponsors"] == [
        {
            "organisation_id": shop.org.id,
            "name": "蓉城咖啡 (示例)",
            "funded_points": 100_000,
            "funded_fen": 100_000,
            "funded_credits_g": 0,
            "credits_left_g": 0,
            "spent_points": 1500,
            "redemptions": 1,
            "bonus_points": 0,
            "bonus_left": 100_000,  # no bonus awarded: all it funded
        }
    ]
