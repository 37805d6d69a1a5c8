"""The PWA's place picker reads a table generated from the backend's own airports and cities:
the committed file must be what the generator makes of today's sources, and every airport in it
must be one the flight calculator accepts."""

from __future__ import annotations

import json

from backend.footprint.geo import airport, city
from backend.footprint.places_table import TABLE, build, pinyin, render


def test_the_committed_table_is_generated_from_the_current_sources():
    assert TABLE.read_text(encoding="utf-8") == render(build()), (
        "pwa/src/app/places/places.json is out of date: run `make places` and commit it"
    )


def test_the_table_names_airports_the_backend_knows_and_cities_it_resolves():
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    rows = {row[0]: row for row in table["airports"]}
    assert rows["CTU"][:3] == ["CTU", "成都双流", "Chengdu Shuangliu"]
    assert rows["TFU"][1:] == ["成都天府", "Chengdu Tianfu", "Tianfu", "chengdutianfu", "cdtf"]
    assert all(airport(code) is not None for code in rows)
    assert "AAT" not in rows  # Altay Air Base: no scheduled service
    assert len(rows) < 400  # mainland, Hong Kong, Macao, Taiwan and the named: not the world
    assert all(city(zh) is not None for zh, *_ in table["cities"])


def test_pinyin_reads_a_character_as_the_airports_english_name_spells_it():
    assert pinyin("昆明长水", "Kunming Changshui") == ("kunmingchangshui", "kmcs")
    assert pinyin("乌鲁木齐地窝堡", "Urumqi Diwopu") == ("wulumuqidiwopu", "wlmqdwp")
    assert pinyin("呼和浩特白塔", "Hohhot Baita") == ("huhehaotebaita", "hhhtbt")
    assert pinyin("东京成田", "Tokyo Narita") == ("dongjingchengtian", "djct")
