"""A venue of a large event over several days: metered energy and fuel, water, waste,
spectators' travel, and delegations' flights and hotel nights."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.footprint.calc import Category, Computation, Phase, Term, Text, text
from backend.footprint.flight import resolve
from backend.footprint.meeting import venue_energy
from backend.footprint.travel import (
    Cabin,
    Mode,
    flight_leg,
    ground_or_distance_leg,
    mode_share,
    radiative_forcing,
)

SPECTATOR_MODES = (Mode.metro, Mode.bus, Mode.car)
DEFAULT_PROVINCE = "CN-SC"
DEFAULT_AIRPORT = "TFU"
METERED = (
    ("natural_gas_m3", Category.fuel, "line.natural_gas", "term.m3", "fuel.natural_gas"),
    ("diesel_l", Category.fuel, "line.diesel", "term.litres", "fuel.diesel"),
    ("water_m3", Category.water, "line.water", "term.m3", "water.supply"),
    ("waste_kg", Category.waste, "line.waste", "term.kg", "waste.general"),
)


def compute(comp: Computation, data: dict[str, Any], path: str = "venue") -> None:
    """All lines of one venue."""
    phase = Phase(data.get("phase") or Phase.staging)
    days = comp.given_or_default(data.get("days"), f"{path}.days", "meeting.days")
    province = data.get("province") or comp.assume(
        f"{path}.province", DEFAULT_PROVINCE, text("assume.sichuan")
    )
    if data.get("electricity_kwh") is not None:
        venue_energy(
            comp,
            kwh=Decimal(data["electricity_kwh"]),
            area=Decimal(0),
            hours=Decimal(0),
            days=days,
            green=Decimal(data.get("green_share") or 0),
            region=province,
            label=text("line.venue_electricity"),
        )
    metered(comp, data, METERED, phase)
    if data.get("water_m3"):
        _water_treatment(comp, Decimal(data["water_m3"]), f"{path}.water_m3", phase)
    if data.get("spectators"):
        _spectators(comp, data["spectators"], f"{path}.spectators", days, phase)
    for i, group in enumerate(data.get("delegations") or []):
        _delegation(comp, group, f"{path}.delegations.{i}", phase)


def metered(
    comp: Computation, data: dict[str, Any], rows: tuple[tuple[str, ...], ...], phase: Phase
) -> None:
    """One line per metered quantity given: (field, category, label, unit, factor key) rows;
    waste is wrap-up."""
    for field, category, label, unit, key in rows:
        if data.get(field):
            comp.add(
                Category(category),
                Phase.wrap_up if category == Category.waste else phase,
                text(label),
                [Term(Decimal(data[field]), text(unit))],
                comp.factors.factor(key),
            )


def _water_treatment(comp: Computation, m3: Decimal, path: str, phase: Phase) -> None:
    """Treating the water the venue returns to sewer (sets from 2026.1, which list the share)."""
    key = "water.returned_to_sewer_share"
    if key not in comp.factors.defaults:
        return
    terms = [Term(m3, text("term.m3")), Term(comp.default(path, key), text("term.share_to_sewer"))]
    comp.add(
        Category.water,
        phase,
        text("line.water_treatment"),
        terms,
        comp.factors.factor("water.treatment"),
    )


def _spectators(
    comp: Computation, s: dict[str, Any], path: str, days: Decimal, phase: Phase
) -> None:
    per_day = Decimal(s["per_day"])
    trip = comp.given_or_default(s.get("trip_km"), f"{path}.trip_km", "venue.spectator_trip_km")
    shares = s.get("mode_share") or {}
    for mode in SPECTATOR_MODES:
        share = mode_share(comp, shares, mode, path, "venue.spectator_mode_share")
        ground_or_distance_leg(
            comp,
            mode=mode,
            people=per_day,
            km=trip,
            km_label=text("term.km_round_trip"),
            phase=phase,
            label=text("line.spectators", mode=mode),
            extra=[Term(days, text("term.days")), Term(share, text("term.share_mode", mode=mode))],
        )


def _delegation(comp: Computation, g: dict[str, Any], path: str, phase: Phase) -> None:
    people = Decimal(g["people"])
    group: str | Text = g.get("label") or text("word.delegation")
    cabin = Cabin(g.get("cabin") or Cabin.economy)
    rf = radiative_forcing(comp, g, path)
    ways = [(0, 1)] + ([(1, 0)] if g.get("round_trip", True) else [])
    if g.get("from_"):
        ends = [
            resolve(g["from_"], f"{path}.from"),
            resolve(g.get("to") or DEFAULT_AIRPORT, f"{path}.to"),
        ]
        for x, y in ways:
            flight_leg(
                comp,
                a=ends[x],
                b=ends[y],
                people=people,
                cabin=cabin,
                rf=rf,
                phase=phase,
                label=text(
                    "line.delegation_flight",
                    group=group,
                    **{"from": ends[x].code, "to": ends[y].code},
                ),
            )
    elif g.get("flight_km"):
        ground_or_distance_leg(
            comp,
            mode=Mode.flight,
            people=people,
            km=Decimal(g["flight_km"]),
            km_label=text("term.km_one_way"),
            phase=phase,
            label=text("line.delegation_flights", group=group),
            cabin=cabin,
            rf=rf,
            extra=[Term(Decimal(len(ways)), text("term.ways"))],
        )
    if g.get("hotel_nights"):
        comp.add(
            Category.accommodation,
            phase,
            text("line.delegation_hotel", group=group),
            [
                Term(people, text("term.people")),
                Term(Decimal(g["hotel_nights"]), text("term.nights_each")),
            ],
            comp.factors.factor("hotel.night.CN"),
        )
