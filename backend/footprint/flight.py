"""Flights by IATA codes: great circle + ICAO correction per leg, DESNZ factors per passenger-km."""

from __future__ import annotations

import itertools
from typing import Any

from backend.core.errors import ValidationFailed
from backend.footprint.calc import Computation, Phase
from backend.footprint.geo import Place, airport
from backend.footprint.travel import Cabin, flight_leg, radiative_forcing


def resolve(code: str, path: str) -> Place:
    """An airport by IATA code, or a 422 that names the field and the code."""
    place = airport(code)
    if place is None:
        raise ValidationFailed(path, f"Unknown IATA airport code {code!r}.")
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
            raise ValidationFailed(f"{path}.to", f"A leg cannot start and end at {a.code}.")
    passengers = comp.given_or_default(
        data.get("passengers"), f"{path}.passengers", "flight.passengers"
    )
    cabin = Cabin(
        data.get("cabin")
        or comp.assume(f"{path}.cabin", "economy", "Diandian default: economy cabin")
    )
    rf = radiative_forcing(comp, data, path)
    round_trip = data.get("round_trip")
    if round_trip is None:
        round_trip = (
            comp.assume(f"{path}.round_trip", "false", "Diandian default: one way") == "true"
        )
    legs = list(itertools.pairwise(stops))
    if round_trip:
        legs += [(b, a) for a, b in reversed(legs)]
    for a, b in legs:
        flight_leg(comp, a=a, b=b, people=passengers, cabin=cabin, rf=rf, phase=phase)
