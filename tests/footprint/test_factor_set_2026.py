"""Factor set 2026.1: what changed from 2025.1, and that older sets keep their behaviour."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from backend.footprint import factors
from backend.footprint.schemas import FootprintCreateSchema
from backend.footprint.services import calculate
from backend.footprint.travel import band_starts

NEW = factors.get("2026.1")


def run(body: dict[str, Any], version: str) -> Any:
    req = FootprintCreateSchema().load(body)
    return calculate(factors.get(version), req.kind, req.section)[0]


def test_2026_1_is_the_default_for_new_footprints():
    assert factors.latest_version() == "2026.1"


def test_video_link_uses_the_iea_estimate():
    video = NEW.factor("digital.video_call_hour")
    assert (video.value, video.unit) == (Decimal("0.036"), "kgCO2 per participant-hour")
    assert "iea.org" in video.url
    body = {
        "kind": "hearing",
        "hearing": {"hours": 3, "participants": [{"role": "party", "count": 2, "remote": 2}]},
    }
    line = next(li for li in run(body, "2026.1").lines if li.category == "digital")
    # 2 remote participants × 3 h × 0.036 kgCO2 = 0.216 kg
    assert line.exact_g == Decimal("216.000")


@pytest.mark.parametrize("version", list(factors.all_sets()))
def test_every_set_cuts_flight_bands_at_500_and_3700_km(version):
    assert band_starts(factors.get(version)) == (0, 500, 3700)


def test_2026_1_lists_the_band_edges_with_their_source():
    long_haul = NEW.default("flight.band.long_haul_from_km")
    assert long_haul.value == 3700
    assert "DESNZ" in long_haul.source
    assert NEW.default("flight.band.short_haul_from_km").value == 500


def test_venue_water_counts_its_treatment_from_2026_1():
    body = {"kind": "venue", "venue": {"province": "CN-SC", "days": 1, "water_m3": 100}}
    # 2025.1: supply only, 100 m³ × 0.1913 = 19.13 kg
    assert run(body, "2025.1").mass_g == 19_130
    # 2026.1: + treatment, 100 m³ × 1 (returned to sewer) × 0.17088 = 17.088 kg → 36.218 kg
    assert run(body, "2026.1").mass_g == 36_218


def test_fuels_are_labelled_as_co2_only():
    assert NEW.factor("fuel.natural_gas").unit == "kgCO2/m3"
    assert NEW.factor("fuel.diesel").unit == "kgCO2/L"


def test_the_grid_note_explains_the_ets_reporting_factor():
    assert "0.5703" in NEW.factor("electricity.grid.CN").note


NARRATIVE = re.compile(
    r"in search|search results|transcription|from memory|not verified|not opened|found in", re.I
)


def test_2026_1_cites_sources_without_search_narrative():
    for entry in [*NEW.factors.values(), *NEW.defaults.values()]:
        assert not NARRATIVE.search(entry.source + " " + entry.note), entry.key
