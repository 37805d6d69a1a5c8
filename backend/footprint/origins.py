"""Where a meeting's out-of-town attendees come from: a city, an airport or a railway station,
and the trip from there to the host city by the existing travel code."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from backend.core.errors import ValidationFailed
from backend.footprint.calc import Computation, Phase, Term, text
from backend.footprint.geo import Place, airport, city, great_circle_km
from backend.footprint.travel import (
    Cabin,
    Mode,
    ground_or_distance_leg,
    radiative_forcing,
    route_km,
)

IATA = re.compile(r"^[A-Za-z]{3}$")
# 北京南站, 成都东站, 重庆北, 西安站: a city's name, a direction, and 站.
STATION = re.compile(r"^(?P<city>.+?)[东南西北]?站?$")
FLIGHT_FROM_KM = "meeting.flight_from_km"


def resolve(text: str, path: str) -> tuple[Place, Mode | None]:
    """An origin and the mode it implies: an airport (flight), a city (none), or a station
    (high-speed rail); anything else is a 422 naming the field."""
    name = text.strip()
    place = city(name)
    if place is not None:
        return place, None
    if IATA.match(name) and (found := airport(name)) is not None:
        return found, Mode.flight
    m = STATION.match(name)
    if m and (found := city(m["city"])) is not None:
        return found, Mode.high_speed_rail
    raise ValidationFailed(path, "footprint.unknown_origin", origin=text)


def _mode(
    comp: Computation, given: str | None, implied: Mode | None, km: Decimal, path: str
) -> Mode:
    """The mode given, else the one the origin implies, else flight from far away and
    high-speed rail from nearer (the factor set's documented distance, recorded)."""
    if given:
        return Mode(given)
    if implied is not None:
        return implied
    if FLIGHT_FROM_KM not in comp.factors.defaults:
        raise ValidationFailed(f"{path}.mode", "footprint.mode_required")
    return (
        Mode.flight if km >= comp.default(f"{path}.mode", FLIGHT_FROM_KM) else Mode.high_speed_rail
    )


def travel(comp: Computation, origins: list[dict[str, Any]], path: str, host: Place) -> Decimal:
    """A return trip (unless `round_trip` is false) per origin; returns the travellers."""
    total = Decimal(0)
    for i, o in enumerate(origins):
        here = f"{path}.{i}"
        place, implied = resolve(o["from_"], f"{here}.from")
        people = Decimal(o["people"])
        total += people
        mode = _mode(comp, o.get("mode"), implied, great_circle_km(place, host), here)
        km, label, corrections = route_km(comp, mode, place, host)
        ways = [Term(Decimal(2), text("term.ways"))] if o.get("round_trip", True) else []
        ground_or_distance_leg(
            comp,
            mode=mode,
            people=people,
            km=km,
            km_label=label,
            phase=Phase.staging,
            label=text("line.travel_from", origin=o["from_"], mode=mode),
            cabin=Cabin(o["cabin"]) if o.get("cabin") else None,
            rf=mode == Mode.flight and radiative_forcing(comp, o, here),
            extra=ways + corrections,
        )
    return total
