"""A project's environmental benefit, worked by hand from our own data: the grid factor of its
province in the newest factor set, the registry's issuances, or the applicant's statement."""

# ruff: noqa: F811 - the fixtures are imported from green_support (no shared conftest)
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from backend.footprint import factors
from backend.registry.models import Issuance
from tests.finance.green_support import (  # noqa: F401 - fixtures
    acme,
    apply,
    created,
    operator,
    wind,
)
from tests.registry.conftest import Owner, issue, validated_project


def kg(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_renewable_electricity_is_mwh_times_the_provinces_grid_factor(client, acme) -> None:
    fs = factors.get(factors.latest_version())
    sichuan = fs.factors["electricity.grid.CN-SC"]  # the province's own, from the data file
    made = created(apply(client, acme, wind(annual_mwh=120_000)))
    b = made["benefit"]
    want = kg(Decimal(120_000) * 1000 * sichuan.value)  # MWh -> kWh, x kgCO2/kWh
    assert b["avoided_kg_per_year"] == want
    assert b["avoided_t_per_year"] == f"{Decimal(want) / 1000:,.3f}"
    assert (b["method"], b["computed"]) == ("grid_displacement", True)
    assert Decimal(b["factor"].pop("value")) == sichuan.value
    assert b["factor"] == {
        "key": "electricity.grid.CN-SC",
        "unit": "kgCO2/kWh",
        "source": sichuan.source,
        "year": sichuan.year,
        "factor_set": fs.version,
    }
    assert b["trail_zh"].startswith("3.2.1 风力发电设施建设和运营：年发电量 120,000 MWh")
    assert f"{sichuan.year}年" in b["trail_zh"]
    assert sichuan.source in b["trail_zh"]
    assert "组合边际" in b["trail_zh"]  # our simplification is said
    assert b["trail_en"].startswith("3.2.1 Wind power")


def test_a_province_without_a_factor_takes_the_national_one_and_says_so(client, acme) -> None:
    fs = factors.get(factors.latest_version())
    assert "electricity.grid.CN-XZ" not in fs.factors  # MEE/NBS publish none for Xizang
    national = fs.factors["electricity.grid.CN"]
    made = created(apply(client, acme, wind(province="CN-XZ", annual_mwh=7)))
    b = made["benefit"]
    assert b["avoided_kg_per_year"] == kg(Decimal(7) * 1000 * national.value)
    assert b["factor"]["key"] == "electricity.grid.CN"
    assert "西藏无省级因子，取全国平均" in b["trail_zh"]


def _owner(acme) -> Owner:
    return Owner(acme.admin["Authorization"][7:], acme.org_id, acme.participant_id)


def test_a_registry_project_counts_its_issued_tonnes_per_vintage(
    client, db_session, acme, operator
) -> None:
    pid = validated_project(client, _owner(acme), operator)
    for year, tonnes in ((2024, 300), (2025, 501)):
        period = {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31", "claimed_t": 600}
        rid = client.post(
            f"/api/v1/registry/projects/{pid}/reports", json=period, headers=acme.admin
        ).get_json()["id"]
        verify = {"to": "verified", "verified_t": tonnes}
        client.post(f"/api/v1/registry/reports/{rid}/transitions", json=verify, headers=operator)
        assert issue(client, operator, rid, tonnes).status_code == 201
    body = wind(taxonomy_code="4.2", registry_project_id=pid)
    del body["annual_mwh"], body["province"]
    made = created(apply(client, acme, body))
    total, years = db_session.execute(
        select(
            func.sum(Issuance.last_unit - Issuance.first_unit + 1),
            func.count(func.distinct(Issuance.vintage)),
        ).where(Issuance.project_id == pid)
    ).one()
    b = made["benefit"]
    assert b["avoided_kg_per_year"] == kg(Decimal(total * 1000) / years)  # 801 t / 2 years
    assert b["method"] == "registry_issuance"
    assert made["province"] == "CN-SC"  # the registry project's
    assert "801 ÷ 2 = 400.500 tCO2e/年" in b["trail_zh"]


def test_a_registry_project_without_issuance_is_an_estimate(client, acme, operator) -> None:
    pid = validated_project(client, _owner(acme), operator)
    body = wind(taxonomy_code="4.2", registry_project_id=pid)
    del body["annual_mwh"]
    b = created(apply(client, acme, body))["benefit"]
    assert b["method"] == "registry_expected"
    assert b["avoided_kg_per_year"] == 2000 * 1000  # project_body's expected_annual_t
    assert b["trail_zh"].startswith("估算")


def test_otherwise_the_figure_is_stated_not_computed(client, acme) -> None:
    body = wind(
        taxonomy_code="5.2", stated_t_per_year=1234, stated_method="按公交替代私家车里程估算"
    )
    del body["annual_mwh"]
    b = created(apply(client, acme, body))["benefit"]
    assert (b["method"], b["computed"], b["factor"]) == ("stated", False, None)
    assert b["avoided_kg_per_year"] == 1_234_000
    assert b["trail_zh"].startswith("申报值，未经计算：1,234 tCO2e/年")
    assert b["stated_method"] == "按公交替代私家车里程估算"
