"""Methodology versions (2026.2 for new actions, 2026.1 kept for the actions it earned), the
Chengdu arithmetic, the bike and walk by the trip they replaced, low-carbon consumption types,
and zero confirmation windows."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import pytest
from sqlalchemy import select

from backend.core.clock import utcnow
from backend.points import earning, ledger, methodology
from backend.points.models import ActionSource, ActionStatus, GreenAction
from tests import factories as f
from tests.core.test_messages import LATIN_WORD


def item(phone: str, kind: str, units: str, ext: str, minutes: int | None = None, **extra: Any):
    """A partner's report; `minutes` gives a trip its end."""
    start = utcnow() - timedelta(hours=2)
    body = {"external_id": ext, "phone": phone, "type": kind, "units": units}
    body["started_at"] = start.isoformat()
    if minutes is not None:
        body["ended_at"] = (start + timedelta(minutes=minutes)).isoformat()
    return {**body, **extra}


def results(partner, *items):
    resp = partner.report(*items)
    assert resp.status_code == 200, resp.get_json()
    return [(r["status"], r["reason"], r["points"]) for r in resp.get_json()["results"]]


def test_both_versions_load_by_name_and_new_actions_use_the_current_one():
    assert {"2026.1", "2026.2"} <= set(methodology.versions())
    assert methodology.current().version == methodology.CURRENT == "2026.2"
    old = methodology.load("2026.1")
    assert (old.types["walk"].unit, old.types["walk"].reduction_g) == ("step", Decimal("0.0303"))
    assert methodology.current().types["walk"].replaces_required
    for name in ("2027.9", "../green-travel-2026.1", ""):
        with pytest.raises(methodology.UnknownVersion):
            methodology.load(name)


def test_the_api_serves_the_current_version_or_an_earlier_one(client):
    now = client.get("/api/v1/points/methodology").get_json()
    assert now["version"] == "2026.2"
    old = client.get("/api/v1/points/methodology?version=2026.1").get_json()
    assert old["version"] == "2026.1"
    assert next(t for t in old["types"] if t["type"] == "walk")["unit"] == "step"
    missing = client.get(
        "/api/v1/points/methodology?version=1999.1", headers={"Accept-Language": "zh-CN"}
    )
    assert missing.status_code == 404
    body = missing.get_json()
    assert body["code"] == "points.unknown_methodology"
    assert "1999.1" in body["detail"]
    assert not LATIN_WORD.search(body["detail"])


def test_every_current_type_and_input_has_a_source_and_a_year():
    for t in methodology.current().listed_types:
        assert len(t.source) > 40, t.name
        assert t.year is not None, t.name
        assert 2000 < t.year <= 2026, t.name
        assert t.reduction_g is not None or t.replaces, t.name
    raw = tomllib.loads((methodology.DATA / "green-travel-2026.2.toml").read_text("utf-8"))
    for name, given in raw["inputs"].items():
        assert given["source"], name
        assert given["year"], name
        assert Decimal(given["value"]) > 0, name


def tenth(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.1"), ROUND_FLOOR)


def test_the_electric_modes_are_the_baseline_minus_their_own_emissions_on_sichuan_grid():
    """The arithmetic written in the file gives the factors the file credits."""
    raw = tomllib.loads((methodology.DATA / "green-travel-2026.2.toml").read_text("utf-8"))
    v = {name: Decimal(given["value"]) for name, given in raw["inputs"].items()}
    guangdong, sichuan = v["guangdong_grid_kg_kwh"] * 1000, v["sichuan_grid_kg_kwh"] * 1000
    baseline = v["shenzhen_metro_reduction_g_pkm"] + v["metro_kwh_pkm"] * guangdong
    metro_own = v["metro_kwh_pkm"] * sichuan
    ebus_kwh = (baseline - v["shenzhen_bus_reduction_g_pkm"]) / guangdong
    ebus_own = ebus_kwh * sichuan
    types = methodology.current().types
    assert baseline == Decimal("59.909")
    assert types["metro"].reduction_g == tenth(baseline - metro_own) == Decimal("55.2")
    assert types["ebus"].reduction_g == tenth(baseline - ebus_own) == Decimal("48.1")
    expected = {
        "car": tenth(baseline),
        "taxi": tenth(baseline),
        "bus": tenth(ebus_own),
        "metro": tenth(metro_own),
    }
    assert types["bike"].replaces == types["walk"].replaces == expected
    assert types["bike"].reduction_g == min(expected.values())  # the cautious default


def test_a_bike_ride_saves_what_the_trip_it_replaced_would_have_emitted(db_session, partner, buyer):
    phone = buyer.user.phone
    got = results(
        partner,
        item(phone, "bike", "3", "b-car", 15, replaces="car"),
        item(phone, "bike", "3", "b-bus", 15, replaces="bus"),
        item(phone, "bike", "3", "b-metro", 15, replaces="metro"),
        item(phone, "bike", "3", "b-none", 15),
        item(phone, "bike", "3", "b-rocket", 15, replaces="rocket"),
    )
    assert got == [
        ("accepted", None, 179),  # 3 km × 59.9 = 179.7
        ("accepted", None, 35),  # 3 km × 11.7 = 35.1
        ("accepted", None, 13),  # 3 km × 4.6 = 13.8
        ("accepted", None, 13),  # not reported: the lowest, the metro's
        ("rejected", "unknown_replaces", 0),
    ]
    kept = db_session.scalars(select(GreenAction.replaces).order_by(GreenAction.points))
    assert sorted(kept, key=str) == sorted(["car", "bus", "metro", None], key=str)


def test_a_walk_counts_only_as_a_certified_motorised_trip_per_km(partner, buyer):
    phone = buyer.user.phone
    got = results(
        partner,
        item(phone, "walk", "1.5", "w-car", 20, replaces="car"),
        item(phone, "walk", "1.5", "w-uncertified", 20),
        item(phone, "walk", "5000", "w-steps", 60),
        item(phone, "walk", "3", "w-running", 15, replaces="bus"),
    )
    assert got == [
        ("accepted", None, 89),  # 1.5 km × 59.9 = 89.85
        ("rejected", "missing_replaces", 0),
        ("rejected", "missing_replaces", 0),
        ("rejected", "implausible_speed", 0),  # 12 km/h is not a walk
    ]


@pytest.mark.parametrize(
    ("kind", "units", "points"),
    [
        ("own_cup", "2", 80),  # 2 × 40 g
        ("no_cutlery", "1", 20),
        ("second_hand", "1", 500),
        ("parcel_box", "3", 111),  # 3 × 37 g
        ("e_receipt", "5", 5),
        ("ebus", "10", 481),  # 10 km × 48.1, with its end
    ],
)
def test_each_new_type_earns_its_units_times_its_factor(partner, buyer, kind, units, points):
    minutes = 30 if kind == "ebus" else None
    got = results(partner, item(buyer.user.phone, kind, units, f"{kind}-1", minutes))
    assert got == [("accepted", None, points)]


def test_consumption_types_have_plausibility_limits_and_daily_caps(partner, buyer):
    phone = buyer.user.phone
    got = results(
        partner,
        item(phone, "own_cup", "4", "c-too-many"),  # 3 cups in one report at most
        item(phone, "no_cutlery", "2", "n-two"),  # one order per report
        item(phone, "own_cup", "3", "c-1"),
        item(phone, "own_cup", "3", "c-2"),
        item(phone, "own_cup", "1", "c-3"),
        item(phone, "e_receipt", "20", "r-1"),
        item(phone, "e_receipt", "1", "r-2"),
    )
    assert got == [
        ("rejected", "implausible_units", 0),
        ("rejected", "implausible_units", 0),
        ("accepted", None, 120),
        ("accepted", None, 80),  # 200 g a day of cups
        ("rejected", "daily_cap_reached", 0),
        ("accepted", None, 10),  # 10 g a day of receipts
        ("rejected", "daily_cap_reached", 0),
    ]


def test_actions_keep_the_version_they_earned_under(client, db_session, buyer):
    f.fund_points(db_session)
    user = buyer.user.id
    start = utcnow() - timedelta(hours=3)
    steps = earning.Reported(user, "walk", Decimal(5000), start)
    old = earning.earn(db_session, [steps], methodology.load("2026.1"), source=ActionSource.partner)
    assert old.results[0].points == 151  # 5,000 steps × 0.0303 g, as 2026.1 counted them
    ride = earning.Reported(user, "metro", Decimal(10), start, start + timedelta(minutes=20))
    earning.earn(db_session, [ride], methodology.current(), source=ActionSource.partner)
    db_session.commit()
    shown = client.get("/api/v1/wallet/actions", headers=f.bearer(buyer.token)).get_json()
    assert {(a["type"], a["methodology"], a["points"]) for a in shown["items"]} == {
        ("walk", "2026.1", 151),
        ("metro", "2026.2", 552),
    }


def test_a_zero_window_confirms_in_the_batch_itself(client, db_session, buyer, venue):
    """No sweep: the points are in the wallet when the batch answers."""
    h = f.bearer(buyer.token)
    assert methodology.current().types["checkin"].self_confirm == timedelta(0)
    checked = client.post("/api/v1/wallet/checkins", json={"venue": venue.code()}, headers=h)
    assert checked.get_json()["results"][0]["points"] == 20
    shown = client.get("/api/v1/wallet", headers=h).get_json()
    assert (shown["balance"], shown["pending"]) == (20, 0)
    assert [t["kind"] for t in shown["history"]] == ["confirm", "earn"]

    m = methodology.current()
    instant = dataclasses.replace(m.types["metro"], confirm=timedelta(0))
    zero = dataclasses.replace(m, types={**m.types, "metro": instant})
    start = utcnow() - timedelta(hours=1)
    trips = [
        earning.Reported(buyer.user.id, "metro", Decimal(5), start, start + timedelta(minutes=15)),
        earning.Reported(buyer.user.id, "bus", Decimal(5), start, start + timedelta(minutes=20)),
    ]
    earning.earn(db_session, trips, zero, source=ActionSource.partner)
    statuses = dict(db_session.execute(select(GreenAction.type, GreenAction.status)).all())
    assert statuses == {
        "checkin": ActionStatus.confirmed,
        "metro": ActionStatus.confirmed,  # window 0
        "bus": ActionStatus.pending,  # 24 h
    }
    balances = ledger.balances(db_session, buyer.user.id)
    assert (balances.wallet, balances.pending) == (20 + 276, 134)  # 5 × 55.2; 5 × 26.9
    assert ledger.violations(db_session) == []
