"""Fourteen footprints worked out by hand, run through POST /api/v1/footprints (factor set
2026.1): flights, meetings, hearings, venues, and two sites (their arithmetic stands beside
their inputs in test_site.py, which tests them further).

Each case shows its arithmetic in kg and the source of every number; the API must agree to the
gram. The total is the sum of the exact lines, rounded once, up, to whole grams.

Sources (factor set 2026.1, `backend/footprint/data/factors-2026.1.toml`):
- [DESNZ] UK DESNZ, Greenhouse gas reporting: conversion factors 2025, flat file: flights without
  RF (domestic 0.13552, short haul average 0.07559, short haul economy 0.07435, long haul business
  0.20083 kgCO2e/pkm; short haul economy with RF 0.12576), London Underground 0.0278, average
  local bus 0.10385, national rail 0.03546 (for high-speed rail) kgCO2e/pkm, average car
  0.16725 kgCO2e/vehicle-km, hotel stay China 53.5 kgCO2e/room-night, water supply 0.1913 and
  treatment 0.17088 kgCO2e/m³, commercial waste to landfill 0.5205327 kgCO2e/kg, primary paper
  1.3450779 kgCO2e/kg; its air factors carry an 8% detour uplift (÷ 1.08 on ICAO distances).
- [ICAO] ICAO Carbon Emissions Calculator Methodology: + 50 km under 550 km, + 100 km to
  5,500 km, + 125 km beyond, on the great circle (airportsdata coordinates, to 0.1 km).
- [MEE] 生态环境部 国家统计局 2023 provincial electricity factor, Sichuan 0.1564 kgCO2/kWh.
- [CN fuel] Chinese national defaults: natural gas 2.1622 kgCO2/m³, diesel 2.6006 kgCO2/L.
- [Meals] Scarborough et al. 2023, Nature Food: vegan 0.8233, vegetarian 1.3867, meat 2.3467
  kgCO2e per meal (per-day medians ÷ 3).
- [IEA] IEA 2020, the carbon footprint of streaming video: 0.036 kgCO2 per participant-hour.
- [D] Diandian's documented defaults: car 1.5 people; 20 km local round trip a day, shared
  metro 0.5 / bus 0.2 / car 0.3; 1 hotel night per out-of-town attendee-day; 2 m² × 8 h ×
  0.06 kWh per m²-hour of venue; 1 meal a day, 5% vegan / 15% vegetarian / 80% meat; 10 pages
  (hearings 50) of 0.005 kg; 0.5 kg waste per attendee-day; hearings 3 h, 150 m², 15 km each
  way by car; airports 30 km each way by car; fly from 800 km; route factor 1.2; spectators
  30 km round trip, metro 0.55 / bus 0.15 / car 0.3; all water returned to sewer.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.footprint.test_site import BANK, BANK_G, RESTAURANT, RESTAURANT_G

CASES: list[tuple[str, dict[str, Any], int]] = [
    (
        # Great circle CTU–PEK 1556.1 km + 100 [ICAO] = 1656.1 km;
        # 1656.1 × 0.07435 [DESNZ short haul economy] ÷ 1.08 = 114.0102176 kg → 114,011 g
        "1 flight CTU→PEK, economy, one way, mee-2019",
        {"kind": "flight", "flight": {"from": "CTU", "to": "PEK", "cabin": "economy"}},
        114_011,
    ),
    (
        # 1656.1 km (as above) × 0.12576 [DESNZ short haul economy with RF] ÷ 1.08
        # = 192.8436444 kg → 192,844 g
        "2 flight CTU→PEK, economy, one way, climate-impact",
        {
            "kind": "flight",
            "standard": "climate-impact",
            "flight": {"from": "CTU", "to": "PEK", "cabin": "economy"},
        },
        192_844,
    ),
    (
        # Great circle CTU–CKG 276.2 km + 50 [ICAO] = 326.2 km, under 500 km: DESNZ domestic;
        # each way 3 × 326.2 × 0.13552 [DESNZ domestic] ÷ 1.08 = 122.7961778 kg;
        # both ways 245.5923556 kg → 245,593 g
        "3 flight CTU⇄CKG, 3 passengers, return",
        {
            "kind": "flight",
            "flight": {"from": "CTU", "to": "CKG", "round_trip": True, "passengers": 3},
        },
        245_593,
    ),
    (
        # Great circle CTU–LHR 8302.0 km + 125 [ICAO] = 8427 km, long haul;
        # 8427 × 0.20083 [DESNZ long haul business] ÷ 1.08 = 1567.0318611 kg → 1,567,032 g
        "4 flight CTU→LHR, business, one way",
        {"kind": "flight", "flight": {"from": "CTU", "to": "LHR", "cabin": "business"}},
        1_567_032,
    ),
    (
        # Flight 114.0102176 kg (case 1) + to CTU and from PEK, each 30 km [D] ÷ 1.5 [D]
        # × 0.16725 [DESNZ car] = 3.345 kg: 120.7002176 kg → 120,701 g
        "5 flight CTU→PEK, full journey",
        {
            "kind": "flight",
            "flight": {"from": "CTU", "to": "PEK", "cabin": "economy", "full_journey": True},
        },
        120_701,
    ),
    (
        # All attendees assumed local [D]. Metro 50 × 0.5 × 20 × 0.0278 = 13.9; bus 50 × 0.2 × 20
        # × 0.10385 = 20.77; car 50 × 0.3 × 20 ÷ 1.5 × 0.16725 = 33.45; power 50 × 2 m² × 8 h
        # × 0.06 × 0.1564 [MEE] = 7.5072; meals 50 × (0.05 × 0.8233 + 0.15 × 1.3867 + 0.8
        # × 2.3467) [Meals] = 106.3265; paper 50 × 10 × 0.005 × 1.3450779 = 3.36269475; waste
        # 50 × 0.5 × 0.5205327 = 13.0133175; = 198.32971225 kg → 198,330 g
        "6 meeting, 50 people in Chengdu, no origins",
        {"kind": "meeting", "meeting": {"attendees": 50}},
        198_330,
    ),
    (
        # 20 from 北京 (great circle 1524.5 km ≥ 800 [D]: flight): 20 × 2 ways × (1524.5 + 100
        # [ICAO]) ÷ 1.08 × 0.07559 [DESNZ short haul average] = 4547.9983333; 30 local: metro
        # 8.34, bus 12.462, car 20.07; hotel 20 × 53.5 [DESNZ] = 1070; power 7.5072, meals
        # 106.3265, paper 3.36269475, waste 13.0133175 (as case 6) = 5789.0800456 kg
        # → 5,789,081 g
        "7 meeting, 50 people in Chengdu, 20 from Beijing",
        {
            "kind": "meeting",
            "meeting": {
                "attendees": 50,
                "city": "成都",
                "origins": [{"from": "北京", "people": 20}],
            },
        },
        5_789_081,
    ),
    (
        # 10 from 重庆东站 (a station: rail): great circle 264.2 km × 1.2 [D] = 317 km;
        # 10 × 2 × 317 × 0.03546 = 224.8164; 90 local × 2 days × 10 km × (0.5 × 0.0278 + 0.2
        # × 0.10385 + 0.3 ÷ 1.5 × 0.16725) = 122.616; hotel 10 × 2 × 53.5 = 1070; power 500 kWh
        # × 0.5 × 0.1564 = 39.1; meals 20 × 0.8233 + 40 × 1.3867 + 140 × 2.3467 = 400.472;
        # paper 400 × 0.005 × 1.3450779 = 2.6901558; waste 30 × 0.5205327 = 15.615981
        # = 1875.3105368 kg → 1,875,311 g
        "8 meeting, 100 people, 2 days, given details, 10 by train",
        {
            "kind": "meeting",
            "meeting": {
                "attendees": 100,
                "days": 2,
                "city": "成都",
                "origins": [{"from": "重庆东站", "people": 10}],
                "local_trip_km": 10,
                "venue": {"kwh": 500, "green_share": "0.5"},
                "meals": {"vegan": 20, "vegetarian": 40, "meat": 140},
                "printed_pages": 400,
                "waste_kg": 30,
            },
        },
        1_875_311,
    ),
    (
        # 1 judge, 1 clerk, 2 parties, 2 lawyers [D]: 6 × 2 ways × 15 km ÷ 1.5 × 0.16725 = 20.07;
        # courtroom 150 m² × 3 h × 0.06 × 0.1564 [MEE] = 4.2228; paper 6 × 50 × 0.005
        # × 1.3450779 = 2.01761685; = 26.31041685 kg → 26,311 g
        "9 hearing, default bench, Chengdu",
        {"kind": "hearing", "hearing": {"city": "成都"}},
        26_311,
    ),
    (
        # Judge by car 2 × 15 ÷ 1.5 × 0.16725 = 3.345; 2 remote parties × 2 h × 0.036 [IEA]
        # = 0.144; lawyer by metro 2 × 8 × 0.0278 = 0.4448; courtroom 20 kWh × 0.1564 = 3.128;
        # paper 100 × 0.005 × 1.3450779 = 0.67253895; = 7.73433895 kg → 7,735 g
        "10 hearing, parties by video link",
        {
            "kind": "hearing",
            "hearing": {
                "city": "成都",
                "hours": 2,
                "participants": [
                    {"role": "judge", "count": 1},
                    {"role": "party", "count": 2, "remote": 2},
                    {"role": "lawyer", "count": 1, "distance_km": 8, "mode": "metro"},
                ],
                "courtroom_kwh": 20,
                "printed_pages": 100,
            },
        },
        7_735,
    ),
    (
        # Power 10000 × 0.8 × 0.1564 [MEE] = 1251.2; gas 100 × 2.1622 [CN fuel] = 216.22;
        # diesel 50 × 2.6006 [CN fuel] = 130.03; water 200 × 0.1913 = 38.26 and its treatment
        # 200 × 1 [D] × 0.17088 = 34.176; waste 500 × 0.5205327 = 260.26635;
        # = 1930.15235 kg → 1,930,153 g
        "11 venue, metered energy, water and waste",
        {
            "kind": "venue",
            "venue": {
                "province": "CN-SC",
                "days": 3,
                "electricity_kwh": 10000,
                "green_share": "0.2",
                "natural_gas_m3": 100,
                "diesel_l": 50,
                "water_m3": 200,
                "waste_kg": 500,
            },
        },
        1_930_153,
    ),
    (
        # Spectators 1000 × 2 days × 30 km [D] × (0.55 × 0.0278 + 0.15 × 0.10385 + 0.3 ÷ 1.5
        # × 0.16725) = 3859.05; delegation PEK⇄TFU, great circle 1547.2 + 100 [ICAO] = 1647.2
        # km: 2 × 10 × 1647.2 ÷ 1.08 × 0.07435 = 2267.9503704; hotel 10 × 3 × 53.5 = 1605;
        # = 7732.0003704 kg → 7,732,001 g
        "12 venue, spectators and a delegation flying in",
        {
            "kind": "venue",
            "venue": {
                "province": "CN-SC",
                "days": 2,
                "spectators": {"per_day": 1000},
                "delegations": [{"people": 10, "from": "PEK", "to": "TFU", "hotel_nights": 3}],
            },
        },
        7_732_001,
    ),
    ("13 site, a Sichuan bank branch for 2026", {"kind": "site", "site": BANK}, BANK_G),
    (
        "14 site, a Beijing restaurant for Q1 2026",
        {"kind": "site", "site": RESTAURANT},
        RESTAURANT_G,
    ),
]


@pytest.mark.parametrize(("name", "body", "grams"), CASES, ids=[c[0] for c in CASES])
def test_worked_example(client, name, body, grams):
    resp = client.post("/api/v1/footprints", json={**body, "factor_set": "2026.1"})
    assert resp.status_code == 201, resp.get_json()
    result = resp.get_json()
    assert result["mass_g"] == grams
    assert result["standard"]["id"] == body.get("standard", "mee-2019")


def test_the_examples_cover_every_kind_but_the_event():
    assert len(CASES) == 14
    assert {c[1]["kind"] for c in CASES} == {"flight", "meeting", "hearing", "venue", "site"}
