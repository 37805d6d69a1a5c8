"""Sponsor-issued bonuses: a sponsor's admin awards a citizen points for a reason, from its own
budget, confirmed at once, once per external id, capped per day, and never a reduction."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.core.clock import utcnow
from backend.points import ledger, methodology
from backend.points.models import ActionSource, ActionStatus, Bonus, GreenAction, SponsorBudget
from tests import factories as f
from tests.points.conftest import Shop, metro

URL = "/api/v1/organisations/{}/sponsor/bonuses"


def award(client, shop: Shop, phone: str, token: str | None = None, **over: Any):
    body = {"phone": phone, "points": 300, "reason": "志愿植树活动", "external_id": "tree-1"} | over
    return client.post(
        URL.format(shop.org.id),
        json=body,
        headers=f.order_headers(token or shop.admin, str(uuid.uuid4())),
    )


def left(db_session, shop: Shop) -> int:
    db_session.expire_all()
    return db_session.get_one(SponsorBudget, shop.org.id).bonus_left


def test_a_bonus_reaches_the_wallet_at_once_with_the_sponsor_and_reason(client, db_session, shop):
    citizen = f.user(db_session, "市民")
    pool = ledger.pool_balance(db_session)
    got = award(client, shop, citizen.phone)
    assert got.status_code == 201, got.get_json()
    body = got.get_json()
    assert (body["points"], body["reason"], body["duplicate"]) == (300, "志愿植树活动", False)
    assert body["sponsor"] == "蓉城咖啡 (示例)"
    token = f.sign_in(client, citizen.phone)
    wallet = client.get("/api/v1/wallet", headers=f.bearer(token)).get_json()
    assert (wallet["balance"], wallet["pending"]) == (300, 0)
    (action,) = client.get("/api/v1/wallet/actions", headers=f.bearer(token)).get_json()["items"]
    assert (action["type"], action["status"], action["points"]) == ("bonus", "confirmed", 300)
    assert (action["sponsor"], action["reason"]) == ("蓉城咖啡 (示例)", "志愿植树活动")
    assert left(db_session, shop) == 100_000 - 300
    assert ledger.pool_balance(db_session) == pool - 300
    assert ledger.violations(db_session) == []
    stats = client.get("/api/v1/stats/points").get_json()
    (row,) = [r for r in stats["reductions"] if r["type"] == "bonus"]
    assert (row["label_zh"], row["actions"], row["mass_g"]) == ("赞助方奖励", 1, 0)
    assert stats["reduced_g"] == 0  # 300 points issued, no gram of CO2e claimed
    (budget,) = [b for b in stats["sponsors"] if b["organisation_id"] == shop.org.id]
    assert (budget["bonus_points"], budget["bonus_left"]) == (300, 100_000 - 300)


def test_the_same_external_id_awards_once(client, db_session, shop):
    citizen = f.user(db_session)
    first = award(client, shop, citizen.phone)
    again = award(client, shop, citizen.phone, points=999)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["duplicate"] is True
    assert again.get_json()["action_id"] == first.get_json()["action_id"]
    assert again.get_json()["points"] == 300
    assert ledger.balances(db_session, citizen.id).wallet == 300


def test_a_sponsor_cannot_award_beyond_its_own_budget(client, db_session):
    poor = f.sponsor(db_session, "小店", points=500)
    f.fund_points(db_session, 10_000)  # another sponsor's money fills the pool, not this budget
    admin = f.user(db_session)
    f.grant(db_session, admin, poor, f.Role.admin)
    shop = Shop(poor, f.sign_in(client, admin.phone), "")
    citizen, other = f.user(db_session), f.user(db_session)
    assert award(client, shop, citizen.phone, points=400).status_code == 201
    refused = award(client, shop, other.phone, points=200, external_id="tree-2")
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["code"] == "points.bonus_budget_spent"
    assert "there are 100" in problem["detail"]
    assert ledger.balances(db_session, other.id).wallet == 0


def test_the_database_refuses_a_bonus_beyond_the_budget(db_session, shop):
    """The trigger and CHECK hold even for a writer that skips the service's check."""
    citizen = f.user(db_session)
    db_session.add(
        Bonus(
            action_id=_action(db_session, citizen.id),
            sponsor_id=shop.org.id,
            points=100_001,
            reason="越权",
            awarded_by_id=citizen.id,
            awarded_at=utcnow(),
        )
    )
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def _action(db_session, user_id: int) -> str:
    now = utcnow()
    row = GreenAction(
        id="act_direct",
        user_id=user_id,
        type="bonus",
        source=ActionSource.partner,
        units_milli=1000,
        occurred_at=now,
        occurred_on=now.date().isoformat(),
        points=1,
        status=ActionStatus.confirmed,
        confirm_after=now,
        methodology="2026.2",
    )
    db_session.add(row)
    db_session.flush()
    return row.id


def test_a_citizens_bonuses_are_capped_per_day(client, db_session, shop):
    cap = methodology.current().types["bonus"].daily_cap_g
    citizen = f.user(db_session)
    assert award(client, shop, citizen.phone, points=cap - 100).status_code == 201
    refused = award(client, shop, citizen.phone, points=101, external_id="tree-2")
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "points.bonus_daily_cap"
    assert award(client, shop, citizen.phone, points=100, external_id="tree-3").status_code == 201
    assert ledger.balances(db_session, citizen.id).wallet == cap


def test_only_the_sponsors_admins_award_and_bad_input_names_the_field(client, db_session, shop):
    citizen = f.user(db_session)
    assert award(client, shop, citizen.phone, token=shop.cashier).status_code == 403
    outsider = f.sign_in(client, f.user(db_session).phone)
    assert award(client, shop, citizen.phone, token=outsider).status_code == 404
    assert award(client, shop, "+8613900000000").get_json()["code"] == "points.bonus_unknown_phone"
    bad_input: list[tuple[str, Any]] = [
        ("points", 0),
        ("points", "5"),
        ("reason", "x"),
        ("reason", "a\u200bb"),
    ]
    for field, value in bad_input:
        bad = award(client, shop, citizen.phone, **{field: value})
        assert bad.status_code == 422, (field, value)
        assert bad.get_json()["errors"][0]["field"] == field
    no_key = client.post(
        URL.format(shop.org.id),
        json={"phone": citizen.phone, "points": 1, "reason": "活动", "external_id": "x"},
        headers=f.bearer(shop.admin),
    )
    assert no_key.status_code == 400


def test_a_bonus_is_no_reduction_and_partners_cannot_report_one(partner, db_session):
    kind = methodology.current().types["bonus"]
    assert (kind.reduction_g, kind.confirm_hours) == (0, 0)
    assert "not an emission reduction" in kind.note
    citizen = f.user(db_session)
    gift = metro(citizen.phone) | {"type": "bonus", "units": "500"}
    gift.pop("ended_at")
    (result,) = partner.report(gift).get_json()["results"]
    assert (result["status"], result["points"]) == ("rejected", 0)
    assert db_session.scalars(select(Bonus)).all() == []
