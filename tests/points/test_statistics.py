"""Points statistics on `/stats/points` and in the yearly report: flows proven with real
actions (confirmed, pending, reversed), a reward redeemed and a wallet expired; reductions by
action type count only confirmed actions, by the China year they occurred in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from backend.accounts.models import Role
from backend.core.clock import china, utcnow
from backend.points import earning, ledger, methodology, wallet
from backend.points.models import GreenAction
from backend.stats import charts, services
from tests import factories as f
from tests.points.conftest import metro, new_venue
from tests.points.test_methodology import item
from tests.points.test_rewards import Shop, offer, redeem


@dataclass
class Economy:
    shop: Shop
    citizen: int  # user ids
    waiting: int


@pytest.fixture
def economy(client, db_session, partner, buyer) -> Economy:
    """A citizen's confirmed metro trip (552 g) and two cups (80 g), a trip reversed (552 g) and
    another citizen's pending trip (276 g); the citizen spends 500 on a coffee and the
    remaining 132 expire."""
    org = f.sponsor(db_session, "蓉城咖啡 (示例)", points=20_000)
    admin = f.user(db_session, "店长")
    f.grant(db_session, admin, org, Role.admin)
    shop = Shop(org, f.sign_in(client, admin.phone), "")
    phone = buyer.user.phone
    partner.report(
        metro(phone, "10", "kept"),
        metro(phone, "10", "withdrawn", ago=120),
        item(phone, "own_cup", "2", "cups"),
    )
    partner.post("/api/v1/points/actions/reversals", {"external_ids": ["withdrawn"]})
    assert earning.confirm_due(db_session, utcnow() + timedelta(hours=25)) == 2
    other = f.user(db_session, "另一位市民")
    partner.report(metro(other.phone, "5", "later"))
    coffee = offer(client, shop, price_points=500)
    assert redeem(client, buyer.token, coffee["id"]).status_code == 201
    assert wallet.expire_inactive(db_session, 30, utcnow() + timedelta(days=31)) == 1
    db_session.commit()
    return Economy(shop, buyer.user.id, other.id)


def by_type(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, int, int]]:
    return {
        r["type"]: (r["actions"], r["mass_g"], r["pending_actions"], r["pending_g"]) for r in rows
    }


def test_the_totals_follow_each_action_redemption_and_expiry(client, db_session, economy):
    got = client.get("/api/v1/stats/points").get_json()
    assert got["issued"] == 552 + 80 + 552 + 276 - 552  # earned, less the reversal
    assert (got["redeemed"], got["expired"]) == (500, 132)
    assert got["circulating"] == 276  # the other citizen's pending trip; the wallet is empty
    assert got["funded"] == 10**9 + 20_000
    assert got["pool"] == got["funded"] - got["issued"]
    assert (got["reduced_g"], got["pending_g"]) == (552 + 80, 276)
    rows = by_type(got["reductions"])
    assert rows["metro"] == (1, 552, 1, 276)  # the reversed trip counts nowhere
    assert rows["own_cup"] == (1, 80, 0, 0)
    assert rows["bus"] == (0, 0, 0, 0)
    assert [r["type"] for r in got["reductions"]] == list(methodology.current().types)
    metro_row = got["reductions"][0]
    assert (metro_row["label_zh"], metro_row["label_en"]) == ("地铁", "Metro")
    cafe = next(b for b in got["sponsors"] if b["organisation_id"] == economy.shop.org.id)
    assert (cafe["funded_points"], cafe["spent_points"], cafe["redemptions"]) == (20_000, 500, 1)
    assert ledger.violations(db_session) == []


def test_an_action_type_only_an_older_methodology_had_keeps_its_row(client, db_session, economy):
    db_session.execute(
        update(GreenAction).where(GreenAction.external_id == "cups").values(type="retired_kind")
    )
    db_session.commit()
    rows = client.get("/api/v1/stats/points").get_json()["reductions"]
    assert rows[-1] == {
        "type": "retired_kind",
        "label_zh": "retired_kind",
        "label_en": "retired_kind",
        "actions": 1,
        "mass_g": 80,
        "pending_actions": 0,
        "pending_g": 0,
    }


def test_the_report_counts_actions_in_the_china_year_they_occurred(client, db_session, economy):
    year = china(utcnow()).year
    # 23:59 on 31 December in Beijing: the year before; 00:00 on 1 January: this year
    moved = {"cups": datetime(year - 1, 12, 31, 15, 59, tzinfo=UTC)}
    moved["kept"] = datetime(year - 1, 12, 31, 16, 0, tzinfo=UTC)
    for ext, at in moved.items():
        db_session.execute(
            update(GreenAction).where(GreenAction.external_id == ext).values(occurred_at=at)
        )
    db_session.commit()
    now = client.get(f"/api/v1/stats/report?year={year}").get_json()["points"]
    assert by_type(now["reductions"])["metro"] == (1, 552, 1, 276)
    assert by_type(now["reductions"])["own_cup"] == (0, 0, 0, 0)
    assert (now["issued"], now["redeemed"], now["expired"]) == (908, 500, 132)
    assert now["funded"] == 10**9 + 20_000
    before = client.get(f"/api/v1/stats/report?year={year - 1}").get_json()["points"]
    assert by_type(before["reductions"])["own_cup"] == (1, 80, 0, 0)
    assert (before["reduced_g"], before["pending_g"]) == (80, 0)
    # the flows happened this year: the year before has none, and no sponsor spent anything
    assert (before["issued"], before["redeemed"], before["expired"], before["funded"]) == (
        0,
        0,
        0,
        0,
    )
    assert {b["spent_points"] for b in before["sponsors"]} == {0}
    drawn = charts.texts("by-action", services.report(db_session, year))
    assert "全年确认低碳行动 1 次，减排 552 g；待确认 1 次，276 g" in drawn
    assert {"地铁", "Metro", "自带杯", charts.POINTS_SOURCE} <= set(drawn)
    png = client.get(f"/api/v1/stats/report/charts/by-action.png?year={year}")
    assert (png.status_code, png.mimetype) == (200, "image/png")


def test_a_venue_check_in_is_counted_but_is_no_reduction(client, db_session, buyer):
    f.fund_points(db_session)
    venue = new_venue(client, db_session)
    h = f.bearer(buyer.token)
    checked = client.post("/api/v1/wallet/checkins", json={"venue": venue.code()}, headers=h)
    assert checked.get_json()["accepted"] == 1
    got = client.get("/api/v1/stats/points").get_json()
    assert by_type(got["reductions"])["checkin"] == (1, 0, 0, 0)  # 20 points, no grams
    assert got["issued"] == 20
    assert got["reduced_g"] == 0
