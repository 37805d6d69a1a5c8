"""What the operator's and a sponsor admin's screens need: every sponsor's budget, a sponsor's
whole catalogue (ended items too), and withdrawing an item."""

from __future__ import annotations

from datetime import timedelta

from backend.core.clock import utcnow
from tests import factories as f
from tests.core.test_messages import LATIN_WORD
from tests.points.test_rewards import give, offer, redeem


def test_operators_list_every_sponsors_budget_and_the_rate(client, db_session, shop):
    op = f.bearer(f.operator_token(client, db_session))
    listed = client.get("/api/v1/sponsors", headers=op)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["points_per_fen"] == 775
    [budget] = [b for b in body["items"] if b["organisation_id"] == shop.org.id]
    assert (budget["name"], budget["funded_points"], budget["spent_points"]) == (
        "蓉城咖啡 (示例)",
        100_000,
        0,
    )


def test_only_operators_list_sponsors(client, shop, buyer):
    assert client.get("/api/v1/sponsors", headers=f.bearer(shop.admin)).status_code == 403
    assert client.get("/api/v1/sponsors", headers=f.bearer(buyer.token)).status_code == 403
    assert client.get("/api/v1/sponsors").status_code == 401


def test_a_sponsors_members_see_its_whole_catalogue_with_each_items_status(client, shop, buyer):
    now = utcnow()
    coffee = offer(client, shop)
    later = offer(
        client,
        shop,
        title_zh="夏季券",
        valid_from=(now + timedelta(days=60)).isoformat(),
        valid_until=(now + timedelta(days=90)).isoformat(),
    )
    over = offer(
        client, shop, title_zh="过期券", valid_until=(now - timedelta(hours=1)).isoformat()
    )
    url = f"/api/v1/organisations/{shop.org.id}/rewards"
    got = client.get(url, headers=f.bearer(shop.cashier))
    assert got.status_code == 200
    status = {i["id"]: i["status"] for i in got.get_json()["items"]}
    assert status == {coffee["id"]: "on_offer", later["id"]: "upcoming", over["id"]: "ended"}
    assert client.get(url, headers=f.bearer(buyer.token)).status_code == 404  # not its member


def test_an_admin_withdraws_an_item_for_good_and_its_codes_stay_good(
    client, db_session, shop, buyer
):
    coffee = offer(client, shop)
    give(db_session, buyer.user.id, 3000)
    code = redeem(client, buyer.token, coffee["id"]).get_json()["code"]
    url = f"/api/v1/rewards/{coffee['id']}/withdrawal"
    gone = client.post(url, headers=f.bearer(shop.admin))
    assert gone.status_code == 200, gone.get_json()
    assert gone.get_json()["status"] == "ended"
    assert client.get("/api/v1/rewards").get_json()["items"] == []
    refused = redeem(client, buyer.token, coffee["id"])
    assert refused.status_code == 409
    assert refused.get_json()["type"].endswith("not-on-offer")
    assert client.post(url, headers=f.bearer(shop.admin)).get_json()["status"] == "ended"
    honoured = client.post(
        f"/api/v1/organisations/{shop.org.id}/reward-codes/honour",
        json={"code": code},
        headers=f.bearer(shop.cashier),
    )
    assert honoured.status_code == 201


def test_an_upcoming_item_withdrawn_never_comes_on_offer(client, shop):
    now = utcnow()
    later = offer(client, shop, valid_from=(now + timedelta(days=1)).isoformat())
    got = client.post(f"/api/v1/rewards/{later['id']}/withdrawal", headers=f.bearer(shop.admin))
    assert got.get_json()["status"] == "ended"


def test_only_the_sponsors_admins_and_operators_withdraw(client, db_session, shop, buyer):
    coffee = offer(client, shop)
    url = f"/api/v1/rewards/{coffee['id']}/withdrawal"
    member = client.post(url, headers=f.bearer(shop.cashier) | {"Accept-Language": "zh-CN"})
    assert member.status_code == 403
    assert not LATIN_WORD.search(member.get_json()["detail"])
    assert client.post(url, headers=f.bearer(buyer.token)).status_code == 404
    op = f.bearer(f.operator_token(client, db_session))
    assert client.post(url, headers=op).status_code == 200
    missing = client.post("/api/v1/rewards/rwd_nothing/withdrawal", headers=op)
    assert missing.status_code == 404


def test_a_bad_item_names_its_field(client, shop):
    url = f"/api/v1/organisations/{shop.org.id}/rewards"
    now = utcnow()
    body = {
        "kind": "coupon",
        "title_zh": "券",
        "title_en": "Coupon",
        "price_points": 0,
        "stock": 1,
        "valid_from": now.isoformat(),
        "valid_until": (now + timedelta(days=1)).isoformat(),
    }
    bad = client.post(url, json=body, headers=f.bearer(shop.admin))
    assert bad.status_code == 422
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in bad.get_json()["errors"]] == ["price_points"]
    member = client.post(url, json=body | {"price_points": 10}, headers=f.bearer(shop.cashier))
    assert member.status_code == 403
