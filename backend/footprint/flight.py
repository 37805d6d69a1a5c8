"""Flights by IATA codes: great circle + ICAO correction per leg, DESNZ factors per passenger-km."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from backend.core.errors import ValidationFailed
from backend.footprint.calc import Computation, Phase, Term, text
from backend.footprint.geo import Place, airport
from backend.footprint.travel import (
    Cabin,
    Mode,
    flight_leg,
    ground_or_distance_leg,
    radiative_forcing,
)

GROUND_KM = "flight.ground_km_to_airport"


def resolve(code: str, path: str) -> Place:
    """An airport by IATA code, or a 422 that names the field and the code."""
    place = airport(code)
    if place is None:
        raise ValidationFailed(path, "footprint.unknown_airport", code=code)
    return place


def compute(
    comp: Computation, data: dict[str, Any], path: str = "flight", phase: Phase = Phase.staging
) -> None:
    """Every leg of the itinerary (and back, for a round trip)."""
    stops = [resolve(data["from_"], f"{path}.from")]
    stops += [resolve(code, f"{path}.via.{i}") for i, code in enumerate(data.get("via") or [])]
    stops.append(resolve(data["to"], f"{path}.to"))
    for a, b in itertools.pairwise(stops):
        if a.code == b.code:
            raise ValidationFailed(f"{path}.to", "footprint.same_airport", airport=a.code)
    passengers = comp.given_or_default(
        data.get("passengers"), f"{path}.passengers", "flight.passengers"
    )
    cabin = Cabin(
        data.get("cabin") or comp.assume(f"{path}.cabin", "economy", text("assume.economy"))
    )
    rf = radiative_forcing(comp, data, path)
    round_trip = data.get("round_trip")
    if round_trip is None:
        round_trip = comp.assume(f"{path}.round_trip", "false", text("assume.one_way")) == "true"
    legs = list(itertools.pairwise(stops))
    if round_trip:
        legs += [(b, a) for a, b in reversed(legs)]
    for a, b in legs:
        flight_leg(comp, a=a, b=b, people=passengers, cabin=cabin, rf=rf, phase=phase)
    if data.get("full_journey"):
        ways = Decimal(2) if round_trip else Decimal(1)
        _ground(comp, data, path, phase, passengers, ways, stops[0], stops[-1])


def _ground(
    comp: Computation,
    data: dict[str, Any],
    path: str,
    phase: Phase,
    passengers: Decimal,
    ways: Decimal,
    first: Place,
    last: Place,
) -> None:
    """The full journey: to the first airport and from the last one (and back on a return)."""
    mode = Mode(
        data.get("ground_mode")
        or comp.assume(f"{path}.ground_mode", "car", text("assume.ground_car"))
    )
    for field, label, airport_code in (
        ("origin_ground_km", "line.ground_to", first.code),
        ("destination_ground_km", "line.ground_from", last.code),
    ):
        given = data.get(field)
        if given is None and GROUND_KM not in comp.factors.defaults:
            raise ValidationFailed(f"{path}.{field}", "footprint.ground_km_required")
        km = comp.given_or_default(given, f"{path}.{field}", GROUND_KM)
        ground_or_distance_leg(
            comp,
            mode=mode,
            people=passengers,
            km=km,
            km_label=text("term.km_one_way"),
            phase=phase,
            label=text(label, airport=airport_code, mode=mode),
            extra=[Term(ways, text("term.ways"))] if ways != 1 else [],
        )
