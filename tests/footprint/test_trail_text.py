"""The trail, breakdown labels and assumptions in zh and en (issue 19): stored as catalogue ids
with values, rendered in the request's language; older English documents served as stored."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backend.footprint import trail_text
from backend.footprint.models import Footprint, Kind
from backend.footprint.travel import Cabin, Mode

SOURCES = Path(trail_text.__file__).parent
USED = re.compile(r'"((?:line|term|assume|source|component|word)\.[a-z0-9_]+)"')
LISTS = {
    "mode": [m.value for m in Mode],
    "meal": ["vegan", "vegetarian", "meat"],
    "kind": [k.value for k in Kind if k != Kind.event],
    "role": ["judge", "clerk", "prosecutor", "party", "lawyer", "witness", "expert", "other"],
    "roles": ["judge", "clerk", "prosecutor", "party", "lawyer", "witness", "expert", "other"],
}
# Units, codes and names that may stay in Latin letters in a Chinese trail.
LATIN = {
    "kgCO2e",
    "kgCO2",
    "CO2e",
    "kWh",
    "DESNZ",
    "ICAO",
    "Diandian",
    "airportsdata",
    "cities",
    "toml",
}
MEETING = {
    "kind": "meeting",
    "meeting": {"attendees": 50, "origins": [{"from": "北京", "people": 20}], "venue": {}},
}
FLIGHT = {"kind": "flight", "flight": {"from": "CTU", "to": "PEK", "full_journey": True}}
HEARING = {"kind": "hearing", "hearing": {}}
VENUE = {
    "kind": "venue",
    "venue": {
        "electricity_kwh": "1000",
        "green_share": "0.5",
        "natural_gas_m3": "10",
        "diesel_l": "5",
        "water_m3": "3",
        "waste_kg": "20",
        "spectators": {"per_day": 1000},
        "delegations": [
            {"people": 5, "from": "PEK", "hotel_nights": 2},
            {"label": "运动员", "people": 3, "flight_km": "1200"},
        ],
    },
}


def post(client, body, lang=None):
    headers = {"Accept-Language": lang} if lang else {}
    res = client.post("/api/v1/footprints", json=body, headers=headers)
    assert res.status_code == 201, res.get_json()
    return res


def ids_used() -> set[str]:
    found: set[str] = set()
    for path in SOURCES.glob("*.py"):
        found |= set(USED.findall(path.read_text()))
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_id_the_calculators_use_is_in_both_catalogues(lang):
    table = trail_text.catalogue()["text"][lang]
    missing = sorted(ids_used() - set(table))
    assert not missing
    for template in table.values():
        for _, listed in trail_text.SLOT.findall(template):
            if listed:
                assert all(f"{listed}.{v}" in table for v in LISTS[listed]), (lang, listed)


def test_both_catalogues_have_the_same_templates_and_each_is_used():
    zh, en = (trail_text.catalogue()["text"][lang] for lang in ("zh", "en"))
    words = {k for k in zh if k.split(".")[0] not in LISTS}
    assert words == {k for k in en if k.split(".")[0] not in LISTS}
    assert words - {"verbatim", "bilingual"} == ids_used()  # those two carry words, not ids


def latin_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9]{3,}", text) if w not in LATIN}


@pytest.mark.parametrize("body", [MEETING, FLIGHT, HEARING, VENUE], ids=lambda b: b["kind"])
def test_chinese_has_no_english_words(client, body):
    doc = post(client, body, "zh-CN").get_json()
    words = [li["label"] + li["component"] for li in doc["breakdown"]["lines"]]
    words += doc["trail"]
    # every default: Diandian's rules, and the factor set's numeric defaults (2026.1 gives zh)
    words += [d["source"] + d["unit"] + d.get("assumption", "") for d in doc["defaults"]]
    assert not {w: latin_words(w) for w in words if latin_words(w)}


def test_a_meeting_in_chinese_and_in_english(client):
    zh = post(client, MEETING, "zh-CN,zh;q=0.9,en;q=0.5")
    assert zh.headers["Content-Language"] == "zh"
    assert "Accept-Language" in zh.headers["Vary"]
    body = zh.get_json()
    assert "本地交通（地铁）" in {li["label"] for li in body["breakdown"]["lines"]}
    metro = next(t for t in body["trail"] if t.startswith("本地交通（地铁）："))
    assert metro.startswith("本地交通（地铁）：30 人 × 1 天 × 0.5 地铁分担率 × 20 km（每天往返）")
    assert metro.endswith(" kgCO2e/人公里 = 8.34 kg CO2e")
    en = post(client, MEETING, "en").get_json()
    assert "Local travel by metro" in {li["label"] for li in en["breakdown"]["lines"]}
    assert any(t.startswith("Travel from 北京 by flight: 20 people × 2 ways") for t in en["trail"])
    assert [li["mass_g"] for li in en["breakdown"]["lines"]] == [
        li["mass_g"] for li in body["breakdown"]["lines"]
    ]


def test_a_flight_read_back_in_either_language(client):
    flight = {"kind": "flight", "flight": {"from": "CTU", "to": "PEK"}}
    fp = client.post("/api/v1/footprints", json=flight, headers={"Accept-Language": ""}).get_json()
    assert fp["breakdown"]["lines"][0]["label"] == "航班 CTU→PEK"  # zh without Accept-Language
    assert fp["trail"][0].startswith("航班 CTU→PEK：1 名旅客 × ")
    assert "kgCO2e/人公里（不含辐射强迫）" in fp["trail"][0]
    cabin = {d["field"]: d for d in fp["defaults"]}["flight.cabin"]
    assert (cabin["value"], cabin["assumption"]) == (Cabin.economy.value, "经济舱")
    en = client.get(f"/api/v1/footprints/{fp['id']}", headers={"Accept-Language": "en"})
    assert en.headers["Content-Language"] == "en"
    body = en.get_json()
    assert body["trail"][0].startswith("Flight CTU→PEK: 1 passengers × ")
    assert "DESNZ built-in detour uplift" in body["trail"][0]
    assert {d["field"]: d for d in body["defaults"]}["flight.cabin"]["assumption"] == (
        "economy cabin"
    )
    assert {k: v for k, v in body.items() if k not in ("breakdown", "defaults", "trail")} == {
        k: v for k, v in fp.items() if k not in ("breakdown", "defaults", "trail")
    }


def test_the_stored_document_keeps_ids_not_words(client, db_session):
    fp = post(client, MEETING, "en").get_json()
    stored = json.loads(db_session.get(Footprint, fp["id"]).document)
    line = stored["breakdown"]["lines"][0]
    assert set(line["label"]) == {"template", "values"}
    assert {"label", "terms", "kg"} <= set(stored["trail"][0])


def test_an_older_english_document_is_served_as_stored(client, db_session):
    fp = post(client, FLIGHT).get_json()
    row = db_session.get(Footprint, fp["id"])
    old = json.loads(row.document)
    old["breakdown"]["lines"] = [
        {**li, "label": trail_text.render(li["label"], "en"), "component": ""}
        for li in old["breakdown"]["lines"]
    ]
    old["trail"] = [trail_text.step(s, "en") for s in old["trail"]]
    row.document = json.dumps(old, ensure_ascii=False, separators=(",", ":"))
    db_session.flush()
    res = client.get(f"/api/v1/footprints/{fp['id']}", headers={"Accept-Language": "zh-CN"})
    assert res.data.decode() == row.document
    assert res.headers["Content-Language"] == "en"
