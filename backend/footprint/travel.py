"""Passenger transport: flights by DESNZ haul band and cabin, ground modes per passenger-km."""

from __future__ import annotations

import enum
from decimal import ROUND_CEILING, Decimal
from typing import Any

from backend.core.errors import ValidationFailed
from backend.footprint.calc import Category, Computation, Phase, Term, Text, text
from backend.footprint.factors import Factor, FactorSet
from backend.footprint.geo import Place, great_circle_km


class Mode(enum.StrEnum):
    flight = "flight"
    high_speed_rail = "high_speed_rail"
    coach = "coach"
    bus = "bus"
    metro = "metro"
    car = "car"


class Cabin(enum.StrEnum):
    economy = "economy"
    premium_economy = "premium_economy"
    business = "business"
    first = "first"


GROUND_FACTOR = {
    Mode.high_speed_rail: "transport.rail.high_speed",
    Mode.coach: "transport.coach",
    Mode.bus: "transport.bus",
    Mode.metro: "transport.metro",
    Mode.car: "transport.car",
}
# DESNZ publishes cabin factors for short haul (economy, business) and long haul (all four).
CABINS_BY_BAND = {
    "domestic": {},
    "short_haul": {
        Cabin.economy: "economy",
        Cabin.premium_economy: "economy",
        Cabin.business: "business",
        Cabin.first: "business",
    },
    "long_haul": {c: c.value for c in Cabin},
}
BAND_NAMES = ("domestic", "short_haul", "long_haul")
# Where each band starts, as sets from 2026.1 list it; older sets applied the same edges unlisted.
BAND_EDGE_KEYS = {
    "short_haul": "flight.band.short_haul_from_km",
    "long_haul": "flight.band.long_haul_from_km",
}
UNLISTED_BAND_EDGES = {"short_haul": Decimal(500), "long_haul": Decimal(3700)}
TENTH_KM = Decimal("0.1")


def band_starts(fs: FactorSet) -> tuple[Decimal, ...]:
    """The distance each DESNZ band starts at (domestic, short haul, long haul)."""
    starts = [Decimal(0)]
    for name in BAND_NAMES[1:]:
        listed = fs.defaults.get(BAND_EDGE_KEYS[name])
        starts.append(listed.value if listed else UNLISTED_BAND_EDGES[name])
    return tuple(starts)


def band_index(fs: FactorSet, km: Decimal) -> int:
    """Under 500 km domestic, under 3,700 km short haul, else long haul (the set's edges)."""
    return max(i for i, start in enumerate(band_starts(fs)) if km >= start)


def band_factor(fs: FactorSet, band: int, cabin: Cabin | None, rf: bool) -> Factor:
    """The per-passenger-km factor of a band for `cabin`, with or without RF."""
    name = BAND_NAMES[band]
    key = f"transport.flight.{name}"
    if cabin is not None and cabin in CABINS_BY_BAND[name]:
        key += "." + CABINS_BY_BAND[name][cabin]
    return fs.factor(key + ".rf" if rf else key)


def flight_distance(
    fs: FactorSet, km: Decimal, cabin: Cabin | None, rf: bool
) -> tuple[Factor, Decimal]:
    """The factor for a leg and the distance to charge.

    DESNZ per-km factors drop at band edges (a 510 km flight would count less than a 490 km one),
    so a leg is charged at least what the longest flight of the bands below would be: its
    distance is raised (rounded up to 0.1 km) until it does. Never less, only more.
    """
    band = band_index(fs, km)
    starts = band_starts(fs)
    floor = Decimal(0)
    for j in range(1, band + 1):
        floor = max(floor, starts[j] * band_factor(fs, j - 1, cabin, rf).value)
    factor = band_factor(fs, band, cabin, rf)
    if km * factor.value >= floor:
        return factor, km
    return factor, (floor / factor.value).quantize(TENTH_KM, rounding=ROUND_CEILING)


def flight_km_term(km: Decimal, charged: Decimal, label: Text) -> Term:
    """The distance term, saying so when the band-edge rule raised it."""
    if charged == km:
        return Term(km, label)
    return Term(charged, text("term.km_raised", label=label, km=km))


def radiative_forcing(comp: Computation, section: dict[str, Any], path: str) -> bool:
    """Whether flights count radiative forcing: as the footprint's standard says (a
    contradicting `radiative_forcing` is a 422). Footprints made before standards: as given,
    else the factor set's documented default."""
    given = section.get("radiative_forcing")
    std = comp.standard
    if std is None:
        if given is not None:
            return bool(given)
        return comp.default(f"{path}.radiative_forcing", "flight.radiative_forcing_default") == 1
    if given is not None and bool(given) != std.radiative_forcing:
        code = "footprint.rf_counts" if std.radiative_forcing else "footprint.rf_leaves_out"
        raise ValidationFailed(f"{path}.radiative_forcing", code, standard=std.id)
    return std.radiative_forcing


def icao_correction(fs: FactorSet, gcd: Decimal) -> Decimal:
    """ICAO Carbon Emissions Calculator great-circle correction for one leg."""
    if gcd < 550:
        return fs.default("flight.gcd_correction.lt550_km").value
    if gcd <= 5500:
        return fs.default("flight.gcd_correction.550to5500_km").value
    return fs.default("flight.gcd_correction.gt5500_km").value


def flight_leg(
    comp: Computation,
    *,
    a: Place,
    b: Place,
    people: Decimal,
    cabin: Cabin | None,
    rf: bool,
    phase: Phase,
    label: Text | None = None,
) -> None:
    """One flown leg: great circle + ICAO correction, × passengers × factor."""
    gcd = great_circle_km(a, b)
    km = gcd + icao_correction(comp.factors, gcd)
    factor, charged = flight_distance(comp.factors, km, cabin, rf)
    terms = [Term(people, text("term.passengers"))]
    terms.append(flight_km_term(km, charged, text("term.km_flight", gcd=gcd, corr=km - gcd)))
    terms.append(desnz_uplift(comp))
    name = label or text("line.flight", **{"from": a.code, "to": b.code})
    comp.add(Category.travel, phase, name, terms, factor)


def desnz_uplift(comp: Computation) -> Term:
    """DESNZ air factors carry an 8% detour uplift; ICAO-corrected distances take it out."""
    uplift = comp.factors.default("flight.desnz_uplift").value
    return Term(uplift, text("term.desnz_uplift"), divide=True)


def mode_share(
    comp: Computation, shares: dict[str, Any], mode: Mode, path: str, default_key: str
) -> Decimal:
    """The share of trips made by `mode`: as given, else the factor set's default
    `<default_key>.<mode>` (recorded as used for `<path>.mode_share.<mode>`)."""
    if mode in shares:
        return Decimal(shares[mode])
    return comp.default(f"{path}.mode_share.{mode}", f"{default_key}.{mode}")


def ground_or_distance_leg(
    comp: Computation,
    *,
    mode: Mode,
    people: Decimal,
    km: Decimal,
    km_label: Text,
    phase: Phase,
    label: Text,
    cabin: Cabin | None = None,
    rf: bool = False,
    extra: list[Term] | None = None,
) -> None:
    """A leg given as a distance per person, in any mode."""
    if mode == Mode.flight:
        factor, charged = flight_distance(comp.factors, km, cabin, rf)
        terms = [
            Term(people, text("term.people")),
            *(extra or []),
            flight_km_term(km, charged, km_label),
        ]
        comp.add(Category.travel, phase, label, terms, factor)
        return
    terms = [Term(people, text("term.people")), *(extra or []), Term(km, km_label)]
    if mode == Mode.car:
        occupancy = comp.factors.default("car.occupancy").value
        terms.append(Term(occupancy, text("term.people_per_car"), divide=True))
    comp.add(Category.travel, phase, label, terms, comp.factors.factor(GROUND_FACTOR[mode]))


def route_km(comp: Computation, mode: Mode, a: Place, b: Place) -> tuple[Decimal, Text, list[Term]]:
    """One-way distance between places and any correcting terms: flights get the ICAO correction
    (and lose DESNZ's own uplift), ground modes a route factor."""
    gcd = great_circle_km(a, b)
    if mode == Mode.flight:
        corr = icao_correction(comp.factors, gcd)
        label = text("term.km_flight_one_way", gcd=gcd, corr=corr)
        return gcd + corr, label, [desnz_uplift(comp)]
    factor = comp.factors.default("route_factor.ground").value
    km = (gcd * factor).quantize(Decimal("0.1"))
    return km, text("term.km_route_one_way", gcd=gcd, factor=factor), []
