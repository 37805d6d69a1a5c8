"""Properties that hold for any input: totals add up, more people or distance never emits less."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.footprint import factors, standards, trail_text
from backend.footprint.schemas import FootprintCreateSchema
from backend.footprint.services import calculate

FS = factors.get(factors.latest_version())
MODES = ["flight", "high_speed_rail", "coach", "bus", "metro", "car"]
people = st.integers(min_value=1, max_value=1_000_000)
km = st.decimals(min_value=0, max_value=40_075, places=1, allow_nan=False, allow_infinity=False)


def mass(body: dict[str, Any]) -> Any:
    req = FootprintCreateSchema().load(body)
    standard = standards.get(req.standard or standards.DEFAULT)
    return calculate(FS, req.kind, req.section, standard=standard)[0]


meetings = st.fixed_dictionaries(
    {"attendees": people},
    optional={
        "days": st.integers(1, 366),
        "city": st.sampled_from(["成都", "Beijing", "shenzhen", "拉萨", "雅安"]),
        "out_of_town_attendees": st.integers(0, 1),
        "venue": st.fixed_dictionaries(
            {},
            optional={
                "kwh": st.integers(0, 10**9),
                "green_share": st.sampled_from(["0", "0.3", "1"]),
            },
        ),
        "printed_pages": st.integers(0, 10**9),
        "waste_kg": st.integers(0, 10**9),
    },
)


@settings(max_examples=150, deadline=None)
@given(meetings)
def test_mass_is_the_sum_of_the_breakdown(meeting):
    result = mass({"kind": "meeting", "meeting": meeting})
    assert result.mass_g == sum(line.mass_g for line in result.lines)
    assert result.mass_g == sum(result.by("category").values())
    assert result.mass_g == sum(result.by("scope").values())
    assert all(line.mass_g >= 0 for line in result.lines)


@settings(max_examples=150, deadline=None)
@given(meetings, st.integers(0, 10_000))
def test_monotonic_in_attendees(meeting, more):
    bigger = {**meeting, "attendees": min(meeting["attendees"] + more, 1_000_000)}
    assert (
        mass({"kind": "meeting", "meeting": bigger}).mass_g
        >= mass({"kind": "meeting", "meeting": meeting}).mass_g
    )


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MODES), people, km, km, st.booleans())
def test_monotonic_in_distance(mode, travellers, a, b, round_trip):
    def leg(distance):
        return {
            "kind": "meeting",
            "meeting": {
                "attendees": travellers,
                "travel": [
                    {
                        "mode": mode,
                        "people": travellers,
                        "distance_km": str(distance),
                        "round_trip": round_trip,
                    }
                ],
            },
        }

    near, far = sorted([a, b])
    assert mass(leg(far)).mass_g >= mass(leg(near)).mass_g


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["CTU", "PEK", "SHA", "CAN", "LXA", "URC"]),
    st.sampled_from(["LHR", "JFK", "SYD", "NRT", "DXB"]),
    st.integers(1, 9),
)
def test_flights_scale_with_passengers(a, b, n):
    one = mass({"kind": "flight", "flight": {"from": a, "to": b}}).mass_g
    many = mass({"kind": "flight", "flight": {"from": a, "to": b, "passengers": n}}).mass_g
    assert one * n - n <= many <= one * n  # exact up to the once-only rounding


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["economy", "premium_economy", "business", "first"]),
    st.booleans(),
    st.decimals(min_value=1, max_value=20_000, places=1),
    st.decimals(min_value=0, max_value=600, places=1),
)
def test_flights_monotonic_across_band_edges(cabin, rf, start, step):
    def leg(distance):
        return {
            "kind": "meeting",
            "standard": "climate-impact" if rf else "mee-2019",
            "meeting": {
                "attendees": 1,
                "travel": [
                    {
                        "mode": "flight",
                        "people": 1,
                        "distance_km": str(distance),
                        "cabin": cabin,
                        "radiative_forcing": rf,
                    }
                ],
            },
        }

    assert mass(leg(start + step)).mass_g >= mass(leg(start)).mass_g


def test_band_edge_raises_distance_and_says_so():
    below = mass(
        {
            "kind": "meeting",
            "meeting": {
                "attendees": 1,
                "travel": [
                    {"mode": "flight", "people": 1, "distance_km": "499.9", "round_trip": False}
                ],
            },
        }
    )
    above = mass(
        {
            "kind": "meeting",
            "meeting": {
                "attendees": 1,
                "travel": [
                    {"mode": "flight", "people": 1, "distance_km": "500", "round_trip": False}
                ],
            },
        }
    )
    assert above.mass_g >= below.mass_g
    assert "raised from 500" in trail_text.step(above.trail()[0], "en")
