"""Quotes, reservations, expiry, cancellation and retirement into gram allocations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from backend.core import uow
from backend.core.clock import utcnow
from backend.credits import checks, inventory
from backend.credits.inventory import InsufficientInventory, Preferences, ReservationClosed
from backend.credits.models import (
    GRAMS_PER_TONNE,
    Allocation,
    Lot,
    Reservation,
    ReservationStatus,
    Unit,
)
from tests import factories as f
from tests.core.test_messages import LATIN_WORD

T = GRAMS_PER_TONNE


def grams(s, lot_id):
    s.expire_all()
    lot = s.get(Lot, lot_id)
    return lot.available_g, lot.reserved_g, lot.allocated_g


def test_policy_is_cheapest_then_oldest(db_session):
    p = f.project(db_session, "CCER", "wind", "CN-YN")
    dear = f.lot(db_session, p, 10, price=6000, vintage=2015)
    new = f.lot(db_session, p, 10, price=5000, vintage=2021)
    old = f.lot(db_session, p, 10, price=5000, vintage=2017)
    q = inventory.quote(db_session, Preferences(project_ids=(p.id,)), 25 * T)
    assert [(line.lot.id, line.mass_g) for line in q.lines] == [
        (old.id, 10 * T),
        (new.id, 10 * T),
        (dear.id, 5 * T),
    ]
    assert q.amount_fen == 10 * 5000 + 10 * 5000 + 5 * 6000


def test_price_rounds_down_in_the_customers_favour(db_session):
    p = f.project(db_session)
    f.lot(db_session, p, 10, price=4926)
    q = inventory.quote(db_session, Preferences(project_ids=(p.id,)), 1_234_567)
    # 1.234567 t × 4926 fen = 6081.477... fen → 6081
    assert q.amount_fen == 6081


def test_preferences_filter_lots(db_session):
    sc = f.project(db_session, "CDCER", "forestry", "CN-SC")
    gz = f.project(db_session, "CCER", "coal_bed_methane", "CN-GZ")
    a = f.lot(db_session, sc, 5, vintage=2021, price=1)
    b = f.lot(db_session, gz, 5, vintage=2018, price=1)
    mine = (sc.id, gz.id)

    def used(**kw):
        q = inventory.quote(db_session, Preferences(project_ids=mine, **kw), T)
        return {line.lot.id for line in q.lines}

    assert used(standards=("CCER",)) == {b.id}
    assert used(types=("forestry",)) == {a.id}
    assert used(regions=("CN-GZ",)) == {b.id}
    assert used(vintage_from=2020) == {a.id}
    with pytest.raises(InsufficientInventory):
        used(vintage_to=2010)


def test_quote_api_and_insufficient_inventory(client, db_session):
    p = f.project(db_session, "VCU", "biogas", None, country="CN")
    f.lot(db_session, p, 2, price=3500)
    ok = client.post(
        "/api/v1/credits/quote", json={"mass_g": 1_500_000, "preferences": {"project_ids": [p.id]}}
    )
    assert ok.status_code == 200
    assert ok.get_json()["amount"] == 5250
    assert ok.get_json()["currency"] == "CNY"
    short = client.post(
        "/api/v1/credits/quote", json={"mass_g": 3 * T, "preferences": {"project_ids": [p.id]}}
    )
    assert short.status_code == 409
    body = short.get_json()
    assert body["code"] == "credits.insufficient_inventory"
    assert body["params"] == {"requested_g": 3 * T, "available_g": 2 * T}
    assert body["available_g"] == 2 * T
    for bad in (
        {"mass_g": 0},
        {"mass_g": 1.5},
        {"mass_g": 5, "preferences": {"types": ["gold"]}},
        {"mass_g": 5, "preferences": {"regions": ["Sichuan"]}},
        {"mass_g": 5, "preferences": {"price": 1}},
    ):
        assert client.post("/api/v1/credits/quote", json=bad).status_code == 422


def test_a_short_quote_and_a_bad_region_are_told_in_chinese(client, db_session):
    p = f.project(db_session, "VCU", "biogas", None, country="CN")
    f.lot(db_session, p, 2, price=3500)
    zh = {"Accept-Language": "zh-CN"}
    quote = {"mass_g": 3 * T, "preferences": {"project_ids": [p.id]}}
    short = client.post("/api/v1/credits/quote", json=quote, headers=zh).get_json()
    assert short["title"] == "碳减排量不足"
    assert short["detail"] == (
        "按当前条件只有 2000000 g 可用，不足所需的 3000000 g。请减少数量或放宽条件。"
    )
    bad = {"mass_g": 5, "preferences": {"regions": ["Sichuan"]}}
    resp = client.post("/api/v1/credits/quote", json=bad, headers=zh)
    (error,) = resp.get_json()["errors"]
    assert error["code"] == "credits.region"
    assert error["detail"] == "请输入省份代码（如 CN-SC）或国家代码（如 CN）。"
    assert not LATIN_WORD.search(short["detail"] + error["detail"])


def test_reserved_mass_is_not_available_to_others(db_session):
    p = f.project(db_session)
    lot = f.lot(db_session, p, 10)
    prefs = Preferences(project_ids=(p.id,))
    r = f.reserve(db_session, prefs, 7 * T)
    assert grams(db_session, lot.id) == (3 * T, 7 * T, 0)
    with pytest.raises(InsufficientInventory) as exc:
        f.reserve(db_session, prefs, 4 * T)
    assert exc.value.extra["available_g"] == 3 * T
    f.cancel(db_session, r.id)
    assert grams(db_session, lot.id) == (10 * T, 0, 0)
    with pytest.raises(ReservationClosed):
        f.cancel(db_session, r.id)


def test_failed_reservation_writes_nothing(db_session):
    p = f.project(db_session)
    f.lot(db_session, p, 1)
    before = db_session.scalar(select(func.count()).select_from(Reservation))
    with pytest.raises(InsufficientInventory):
        f.reserve(db_session, Preferences(project_ids=(p.id,)), 2 * T)
    assert db_session.scalar(select(func.count()).select_from(Reservation)) == before


def test_an_expired_hold_cannot_be_retired_and_the_sweep_releases_it(db_session):
    p = f.project(db_session)
    lot = f.lot(db_session, p, 10)
    prefs = Preferences(project_ids=(p.id,))
    now = utcnow()
    r = f.reserve(db_session, prefs, 10 * T, now=now, ttl=timedelta(minutes=30))
    later = now + timedelta(minutes=31)
    with pytest.raises(ReservationClosed):
        f.retire(db_session, r.id, now=later)
    assert grams(db_session, lot.id) == (0, 10 * T, 0)
    with uow.transaction(db_session):
        assert inventory.expire_due(db_session, later) == 1
    assert db_session.get(Reservation, r.id).status == ReservationStatus.expired
    assert grams(db_session, lot.id) == (10 * T, 0, 0)


def test_reserve_sweeps_expired_holds_when_short(db_session):
    p = f.project(db_session)
    lot = f.lot(db_session, p, 10)
    prefs = Preferences(project_ids=(p.id,))
    now = utcnow()
    f.reserve(db_session, prefs, 10 * T, now=now, ttl=timedelta(minutes=1))
    fresh = f.reserve(db_session, prefs, 10 * T, now=now + timedelta(minutes=2))
    assert fresh.status == ReservationStatus.active
    assert grams(db_session, lot.id) == (0, 10 * T, 0)


def test_retirement_allocates_contiguous_grams_across_units(db_session):
    p = f.project(db_session)
    lot = f.lot(db_session, p, 5, first_unit=7_000)
    prefs = Preferences(project_ids=(p.id,))
    first = f.reserve(db_session, prefs, 1_500_000)
    second = f.reserve(db_session, prefs, 2_000_000)
    a1 = f.retire(db_session, first.id)
    a2 = f.retire(db_session, second.id)
    spans = [(db_session.get(Unit, a.unit_id).serial, a.gram_start, a.gram_end) for a in a1 + a2]
    assert spans == [
        (7000, 0, 1_000_000),
        (7001, 0, 500_000),
        (7001, 500_000, 1_000_000),
        (7002, 0, 1_000_000),
        (7003, 0, 500_000),
    ]
    assert grams(db_session, lot.id) == (1_500_000, 0, 3_500_000)
    with pytest.raises(ReservationClosed):
        f.retire(db_session, first.id)
    assert checks.violations(db_session) == []


def test_reservation_can_span_lots(db_session):
    p = f.project(db_session)
    a = f.lot(db_session, p, 1, price=1)
    b = f.lot(db_session, p, 1, price=2)
    r = f.reserve(db_session, Preferences(project_ids=(p.id,)), 1_600_000)
    assert [(line.lot_id, line.mass_g) for line in r.lines] == [(a.id, T), (b.id, 600_000)]
    allocations = f.retire(db_session, r.id)
    assert sum(x.mass_g for x in allocations) == 1_600_000


def test_database_refuses_overlapping_or_oversized_allocations(db_session):
    p = f.project(db_session)
    lot = f.lot(db_session, p, 2)
    r = f.reserve(db_session, Preferences(project_ids=(p.id,)), 500_000)
    (alloc,) = f.retire(db_session, r.id)
    for start, end in ((400_000, 600_000), (0, 1), (999_999, 1_000_001)):
        db_session.add(
            Allocation(reservation_id=r.id, unit_id=alloc.unit_id, gram_start=start, gram_end=end)
        )
        with pytest.raises(IntegrityError):
            db_session.commit()
        db_session.rollback()
    assert grams(db_session, lot.id) == (1_500_000, 0, 500_000)


def test_database_refuses_counters_that_do_not_add_up(db_session):
    lot = f.lot(db_session, f.project(db_session), 1)
    for values in (
        {"available_g": Lot.available_g - 1},
        {"available_g": Lot.available_g - 2 * T, "reserved_g": Lot.reserved_g + 2 * T},
    ):
        with pytest.raises(IntegrityError):
            db_session.execute(update(Lot).where(Lot.id == lot.id).values(values))
        db_session.rollback()


def test_check_finds_a_tampered_reservation(app, db_session):
    p = f.project(db_session)
    f.lot(db_session, p, 3)
    r = f.reserve(db_session, Preferences(project_ids=(p.id,)), T)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["credits", "check"]).exit_code == 0
    db_session.execute(
        update(Reservation).where(Reservation.id == r.id).values(status=ReservationStatus.cancelled)
    )
    db_session.commit()
    result = runner.invoke(args=["credits", "check"])
    assert result.exit_code == 1
    assert "reserved_g" in result.output


def test_expire_command(app, db_session):
    p = f.project(db_session)
    lot = f.lot(db_session, p, 3)
    f.reserve(db_session, Preferences(project_ids=(p.id,)), T, now=utcnow() - timedelta(hours=2))
    result = app.test_cli_runner().invoke(args=["credits", "expire"])
    assert "Released 1" in result.output
    assert grams(db_session, lot.id) == (3 * T, 0, 0)
