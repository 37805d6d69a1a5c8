"""The demo a domain expert would accept: its neutralisations are issued with certificates (so
`/stats`, the report and `/ledger` show its figures), its serials are written as each registry
writes them, its vintages are plausible for each standard, and its court lot is the seed's case
at its real scale."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend import demo
from backend.core.clock import china_date, utcnow
from backend.credits.models import GRAMS_PER_TONNE, Lot, Project, Standard
from backend.credits.schemas import LotFieldsSchema
from backend.credits.serials import unit
from backend.points import ledger
from tests import factories as f

VERRA = re.compile(
    r"^\d+-(?P<a>\d+)-(?P<b>\d+)-VCS-VCU-\d{3}-VER-[A-Z]{2}-\d{1,2}-\d+-"
    r"0101(?P<v1>\d{4})-3112(?P<v2>\d{4})-[01]$"
)
# originating Party, unit type 5 (CER), block, original and applicable commitment periods,
# LULUCF activity (0), project id
CDM = re.compile(r"^[A-Z]{2}-5-(?P<a>\d+)-(?P<b>\d+)-(?P<cp1>[12])-(?P<cp2>[12])-0-\d+$")


@pytest.fixture
def seeded(app, db_session) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _lots(db_session) -> list[tuple[Project, Lot]]:
    return list(db_session.execute(select(Project, Lot).join(Lot, Lot.project_id == Project.id)))


def test_the_demo_figures_show_on_stats_the_report_and_the_ledger(app, client, db_session):
    before = client.get("/api/v1/stats").get_json()
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    after = client.get("/api/v1/stats").get_json()
    made = demo.DEMO_NEUTRALISATIONS
    assert after["neutralisations"] - before["neutralisations"] == len(made)
    assert after["mass_g"] - before["mass_g"] == sum(n.mass_g for n in made)
    retired = sum(n.mass_g for n in made if n.registry_ref)
    assert after["registry_retired_g"] - before["registry_retired_g"] == retired
    for n in made:  # the seed's mix of standards, at a thousandth
        row = next(r for r in after["by_standard"] if r["key"] == n.standard)
        assert row["mass_g"] >= n.mass_g

    years = {china_date(utcnow() - timedelta(days=n.days_ago)).year for n in made}
    reported = [client.get(f"/api/v1/stats/report?year={y}").get_json() for y in years]
    assert sum(r["mass_g"] for r in reported) >= sum(n.mass_g for n in made)

    ledger = client.get("/api/v1/ledger?limit=100").get_json()["items"]
    ids = {project[1] for project in demo.PROJECTS}
    ours = [e for e in ledger if {u["project_registry_id"] for u in e["units"]} <= ids]
    assert sorted(e["mass_g"] for e in ours) == sorted(n.mass_g for n in made)
    assert {u["registry_ref"] for e in ours for u in e["units"]} == {n.registry_ref for n in made}
    # the demo stays within its registry deadline: the check passes on a fresh demo
    assert app.test_cli_runner().invoke(args=["credits", "check"]).exit_code == 0


def test_every_demo_lot_names_its_units_as_its_registry_writes_them(db_session, seeded):
    for p, lot in _lots(db_session):
        fields = {
            "vintage": lot.vintage,
            "serial_range": lot.serial_range,
            "first_unit": lot.first_unit,
            "last_unit": lot.last_unit,
            "acquisition_cost_fen": lot.acquisition_cost_fen,
            "price_fen_per_t": lot.price_fen_per_t,
        }
        assert LotFieldsSchema().validate(fields) == {}, p.registry_id


def test_cer_serials_carry_the_unit_type_and_the_vintage_s_commitment_period(db_session, seeded):
    cers = [(p, lot) for p, lot in _lots(db_session) if p.standard == Standard.CER]
    assert cers
    for _, lot in cers:
        m = CDM.match(lot.serial_range)
        assert m, lot.serial_range
        period = "1" if lot.vintage <= 2012 else "2"  # CP1 2008–2012, CP2 2013–2020
        assert (m["cp1"], m["cp2"]) == (period, period)
        assert (int(m["a"]), int(m["b"])) == (lot.first_unit, lot.last_unit)
        n = lot.first_unit + 116
        assert CDM.match(unit(lot.serial_range, lot.first_unit, lot.last_unit, n))


def test_vcu_serials_follow_verra_with_the_vintage_s_dates(db_session, seeded):
    vcus = [(p, lot) for p, lot in _lots(db_session) if p.standard == Standard.VCU]
    assert vcus
    for _, lot in vcus:
        m = VERRA.match(lot.serial_range)
        assert m, lot.serial_range
        assert int(m["v1"]) == int(m["v2"]) == lot.vintage
        assert (int(m["a"]), int(m["b"])) == (lot.first_unit, lot.last_unit)


def test_vintages_are_plausible_for_each_standard(db_session, seeded):
    for p, lot in _lots(db_session):
        if p.standard == Standard.CCER:
            # old-system CCER: issuance suspended in March 2017, restarted in 2024
            assert lot.vintage <= 2016, p.registry_id
        elif p.standard == Standard.CDCER:
            assert lot.vintage >= 2020, p.registry_id  # 碳惠天府 began in 2020
        elif p.standard == Standard.CER:
            assert 2008 <= lot.vintage <= 2020, p.registry_id  # the Kyoto periods


def test_the_court_lot_is_the_seed_s_case_at_its_real_scale(db_session, seeded):
    (lot,) = [lot for p, lot in _lots(db_session) if "宝兴" in p.name_zh]
    assert lot.tonnes * GRAMS_PER_TONNE == 24_000 * 1000  # 24,000 kg for six defendants


def test_a_newcomer_can_redeem_at_once_and_the_merchant_honour_it(client, db_session, seeded):
    """The demo citizen holds confirmed points, a sponsor's catalogue has a coffee coupon, a
    metro ride credit and an offset, and the sponsor's merchant honours the code."""
    token = f.sign_in(client, demo.CITIZEN_PHONE)
    citizen = f.bearer(token)
    assert client.get("/api/v1/wallet", headers=citizen).get_json()["balance"] == 5000
    items = client.get("/api/v1/rewards").get_json()["items"]
    assert sorted(i["kind"] for i in items) == ["coupon", "offset", "transit"]
    assert {i["sponsor"] for i in items} == {"锦江低碳生活联盟（示例）"}
    offset = next(i for i in items if i["kind"] == "offset")
    made = client.post(
        f"/api/v1/rewards/{offset['id']}/redemptions", headers=f.order_headers(token)
    )
    assert made.status_code == 201, made.get_json()
    coffee = next(i for i in items if i["kind"] == "coupon")
    code = client.post(
        f"/api/v1/rewards/{coffee['id']}/redemptions", headers=f.order_headers(token)
    ).get_json()["code"]
    merchant = f.bearer(f.sign_in(client, demo.MERCHANT_PHONE))
    honoured = client.post(
        f"/api/v1/organisations/{coffee['sponsor_id']}/reward-codes/honour",
        json={"code": code},
        headers=merchant,
    )
    assert honoured.status_code == 201, honoured.get_json()
    assert ledger.violations(db_session) == []
