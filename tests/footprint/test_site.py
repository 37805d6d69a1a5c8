"""Sites (零碳网点, CDCER's catering, supermarket and scenic-spot scenes): two footprints worked
out by hand through POST /api/v1/footprints (factor set 2026.1), presets, validation, the trail
in Chinese, and many sites in one event neutralised by one order.

Sources (factor set 2026.1, `backend/footprint/data/factors-2026.1.toml`):
- [MEE] 生态环境部 国家统计局 2023 provincial electricity factors: Sichuan 0.1564, Beijing 0.5554
  kgCO2/kWh.
- [CN fuel] Chinese national defaults (省级温室气体清单编制指南 / GB/T 2589): natural gas 2.1622
  kgCO2/m³, diesel 2.6006 kgCO2/L, petrol 2.1645 kgCO2/L (43,070 kJ/kg × 18.9 tC/TJ × 98% ×
  44/12 × 0.74 kg/L).
- [AR5] IPCC AR5 WG I, Table 8.A.1, GWP100: HCFC-22 1760, HFC-32 677, HFC-134a 1300;
  R-410A = 0.5 × 677 + 0.5 × HFC-125 3170 = 1923.5.
- [DESNZ] UK DESNZ 2025: London Underground 0.0278, average local bus 0.10385 kgCO2e/pkm,
  average car 0.16725 kgCO2e/vehicle-km; commercial waste to landfill 0.5205327 kgCO2e/kg.
- [D] Diandian's documented defaults: commuting 20 km round trip a working day, metro 0.4 /
  bus 0.3 / car 0.3, 1.5 people per car; working days = weekdays in the period.
"""

from __future__ import annotations

import pytest

from backend.footprint.site import weekdays
from tests import factories as f
from tests.footprint.test_trail_text import latin_words

# A. A bank branch in Sichuan, the calendar year 2026 (零碳网点, as 恒丰银行's branches).
#   electricity 120,000 kWh × (1 − 0.25 green) × 0.1564 [MEE]     = 14,076.000 kg
#   natural gas 3,000 m³ × 2.1622 [CN fuel]                        =  6,486.600 kg
#   petrol 1,500 L × 2.1645 [CN fuel]                              =  3,246.750 kg
#   R-410A 2.5 kg × 1923.5 [AR5]                                   =  4,808.750 kg
#   commuting, 20 staff × 261 weekdays (2026 starts on a Thursday: 52 weeks + 1 day) [D]
#     metro 20 × 261 × 0.4 × 20 km × 0.0278 [DESNZ]                =  1,160.928 kg
#     bus   20 × 261 × 0.3 × 20 km × 0.10385 [DESNZ]               =  3,252.582 kg
#     car   20 × 261 × 0.3 × 20 km ÷ 1.5 × 0.16725 [DESNZ]         =  3,492.180 kg
#   total                                                          = 36,523.790 kg
BANK = {
    "name": "恒丰银行成都分行营业部",
    "preset": "bank_branch",
    "province": "CN-SC",
    "period": {"start": "2026-01-01", "end": "2026-12-31"},
    "electricity_kwh": "120000",
    "green_power_pct": "25",
    "natural_gas_m3": "3000",
    "vehicles": [{"fuel": "petrol", "litres": "1500"}],
    "refrigerants": [{"gas": "R-410A", "kg": "2.5"}],
    "commuting": {"staff": 20},
}
BANK_G = 36_523_790

# B. A restaurant in Beijing, the first quarter of 2026 (CDCER's catering scene).
#   electricity 18,000 kWh × 0.5554 [MEE]                          =  9,997.200 kg
#   natural gas 2,400 m³ × 2.1622 [CN fuel]                        =  5,189.280 kg
#   delivery van diesel 200 L × 2.6006 [CN fuel]                   =    520.120 kg
#   R-22 0.8 kg × 1760 [AR5]                                       =  1,408.000 kg
#   R-32 1.2 kg × 677 [AR5]                                        =    812.400 kg
#   waste 1,200 kg × 0.5205327 [DESNZ]                             =    624.63924 kg
#   commuting, 12 staff × 78 days given, 6 km, metro 0.5 / bus 0.5 given
#     metro 12 × 78 × 0.5 × 6 × 0.0278 [DESNZ]                     =     78.0624 kg
#     bus   12 × 78 × 0.5 × 6 × 0.10385 [DESNZ]                    =    291.6108 kg
#     car   share 0: no line
#   total 18,921.31244 kg, rounded up to the gram                  = 18,921,313 g
RESTAURANT = {
    "name": "川味小馆",
    "preset": "catering",
    "province": "CN-BJ",
    "period": {"start": "2026-01-01", "end": "2026-03-31"},
    "electricity_kwh": "18000",
    "natural_gas_m3": "2400",
    "vehicles": [{"fuel": "diesel", "litres": "200"}],
    "refrigerants": [{"gas": "R-22", "kg": "0.8"}, {"gas": "R-32", "kg": "1.2"}],
    "waste_kg": "1200",
    "commuting": {
        "staff": 12,
        "working_days": 78,
        "trip_km": "6",
        "mode_share": {"metro": "0.5", "bus": "0.5", "car": "0"},
    },
}
RESTAURANT_G = 18_921_313


def post(client, site, lang="zh-CN", headers=None):
    body = {"kind": "site", "site": site, "factor_set": "2026.1"}
    return client.post(
        "/api/v1/footprints", json=body, headers={"Accept-Language": lang, **(headers or {})}
    )


@pytest.mark.parametrize(("site", "grams"), [(BANK, BANK_G), (RESTAURANT, RESTAURANT_G)])
def test_worked_example(client, site, grams):
    resp = post(client, site)
    assert resp.status_code == 201, resp.get_json()
    doc = resp.get_json()
    assert doc["mass_g"] == grams
    assert sum(li["mass_g"] for li in doc["breakdown"]["lines"]) == grams


def test_the_bank_branch_by_scope_and_its_defaults(client):
    doc = post(client, BANK, "en").get_json()
    by_scope = doc["breakdown"]["by_scope"]
    assert by_scope == {"2": 14_076_000, "1": 14_542_100, "3": 7_905_690}
    defaults = {d["field"]: d for d in doc["defaults"]}
    assert defaults["site.commuting.working_days"]["value"] == "261"
    assert "261 weekdays" in defaults["site.commuting.working_days"]["assumption"]
    assert defaults["site.commuting.mode_share.metro"]["key"] == "site.commute_mode_share.metro"
    assert "Refrigerant top-up (R-410A): 2.5 kg topped up × 1923.5 kgCO2e/kg" in doc["trail"][3]


def test_weekdays_count_both_ends():
    assert weekdays(*map(_d, ("2026-12-07", "2026-12-13"))) == 5  # Monday to Sunday
    assert weekdays(*map(_d, ("2026-12-12", "2026-12-12"))) == 0  # a Saturday


def _d(s):
    from datetime import date

    return date.fromisoformat(s)


@pytest.mark.parametrize("preset", [None, "catering", "supermarket", "scenic_spot", "office"])
def test_a_preset_never_changes_the_numbers(client, preset):
    site = {k: v for k, v in RESTAURANT.items() if k != "preset"}
    if preset:
        site["preset"] = preset
    assert post(client, site).get_json()["mass_g"] == RESTAURANT_G


def test_a_scenic_spot_with_shuttle_diesel_and_no_province_assumes_sichuan(client):
    site = {"preset": "scenic_spot", "period": {"start": "2026-07-01", "end": "2026-07-31"}}
    doc = post(client, {**site, "electricity_kwh": "1000", "diesel_l": "100"}).get_json()
    # 1000 × 0.1564 + 100 × 2.6006 = 156.4 + 260.06 = 416.46 kg
    assert doc["mass_g"] == 416_460
    assert {d["field"]: d["assumption"] for d in doc["defaults"]}["site.province"] == "四川省电网"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"electricity_kwh": "-1"}, "site.electricity_kwh"),
        ({"green_power_pct": "100.5"}, "site.green_power_pct"),
        ({"refrigerants": [{"gas": "R-12", "kg": "1"}]}, "site.refrigerants.0.gas"),
        ({"period": {"start": "2026-03-01", "end": "2026-02-28"}}, "site.period.end"),
        ({"preset": "hotel"}, "site.preset"),
        ({"vehicles": [{"fuel": "petrol"}]}, "site.vehicles.0.litres"),
        ({"period": None}, "site.period"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, change, field):
    resp = post(client, {**BANK, **change})
    assert resp.status_code == 422, resp.get_json()
    assert resp.content_type == "application/problem+json"
    assert field in [e["field"] for e in resp.get_json()["errors"]]


def test_the_trail_in_chinese_has_no_english_words(client):
    doc = post(client, BANK).get_json()
    words = [li["label"] + li["component"] for li in doc["breakdown"]["lines"]]
    words += doc["trail"]
    words += [d["source"] + d["unit"] + d.get("assumption", "") for d in doc["defaults"]]
    assert not {w: latin_words(w) for w in words if latin_words(w)}
    assert (
        "制冷剂补充（R-410A）：2.5 kg 补充量 × 1923.5 kgCO2e/kg = 4808.75 kg CO2e" in doc["trail"]
    )


def test_an_organisation_neutralises_two_sites_with_one_order(client, stock, buyer):
    """Two branches as the event's components, plus one stored branch footprint by id."""
    auth = f.bearer(buyer.token)
    stored = post(client, RESTAURANT, headers=auth).get_json()
    components = [{"kind": "site", "site": BANK}, {"kind": "site", "site": RESTAURANT}]
    body = {
        "kind": "event",
        "event": {"name": "全部网点 2026", "components": components, "footprints": [stored["id"]]},
    }
    resp = client.post("/api/v1/footprints", json=body, headers=auth)
    assert resp.status_code == 201, resp.get_json()
    event = resp.get_json()
    assert event["mass_g"] == BANK_G + RESTAURANT_G + stored["mass_g"]
    order = f.neutralise(client, buyer.token, footprint_id=event["id"], preferences=stock.prefs)
    assert order["mass_g"] == event["mass_g"]
    again = client.post(
        "/api/v1/orders",
        json={"footprint_id": stored["id"], "beneficiary": "张三", "preferences": stock.prefs},
        headers=f.order_headers(buyer.token),
    )
    assert again.status_code == 409  # the stored branch is covered by the event's order


def test_a_neutralised_branch_has_its_statement_and_report(client, stock, buyer):
    from tests.certificates.test_pdfs import text

    fp = post(client, BANK, headers=f.bearer(buyer.token)).get_json()
    order = f.neutralise(client, buyer.token, footprint_id=fp["id"], preferences=stock.prefs)
    base = f"/api/v1/certificates/{order['certificate_number']}"
    statement = text(client.get(f"{base}/statement.pdf", headers=f.bearer(buyer.token)))
    assert "零碳网点：恒丰银行成都分行营业部" in statement.replace("\n", "")
    zh = {**f.bearer(buyer.token), "Accept-Language": "zh-CN"}
    report = text(client.get(f"{base}/report.pdf", headers=zh))
    flat = report.replace("\n", "")
    assert "refrigerant.R-410A" in flat
    assert "制冷剂补充（R-410A）" in flat
    assert "36.52" in flat  # 36,523.79 kg
